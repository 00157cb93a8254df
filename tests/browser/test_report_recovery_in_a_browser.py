"""A Dutch-speaking PM sees that a report whose worker died is being retried (issue 20)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from reporting import services
from reporting.models import HighlightReport
from reporting.selectors import last_week_start
from tests.browser.conftest import browser_user, sign_in
from tests.browser.screens import save_screenshot
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path("/tmp/prod")


def test_the_report_page_says_it_is_being_retried_after_its_worker_died(page):
    manager = browser_user("project_manager", "pm-herstel")
    manager.preferred_language = "nl"
    manager.save(update_fields=["preferred_language"])
    project = ProjectFactory(phase="execution", project_manager=manager)
    week = last_week_start()
    snapshot = services.snapshot_take(project=project, week_start=week)
    report = HighlightReport.objects.create(
        project=project,
        period_start=week,
        period_end=week + timedelta(days=6),
        audience="internal",
        language="nl",
        snapshot=snapshot,
        status=HighlightReport.Status.QUEUED,
        attempts=1,
        recovered_at=timezone.now(),
    )

    sign_in(page, "pm-herstel")
    page.goto(report.get_absolute_url())

    notice = page.locator("#report-status .alert-warning")
    assert "stopte tijdens poging 1" in notice.inner_text()
    assert "wordt opnieuw geprobeerd" in notice.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    save_screenshot(page, str(SCREENSHOTS / "report-being-retried-nl.png"), full_page=True)
    assert page.console_errors == []
