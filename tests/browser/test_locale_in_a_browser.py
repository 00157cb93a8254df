"""Scripts speak the page's language: the Gantt in Dutch, chart numbers written 30.000.000 in French."""

import datetime
import os
from decimal import Decimal
from pathlib import Path

import pytest

from pmo.roles import Role
from projects import services
from projects.models import Project, TaskDependency
from reporting.selectors import last_week_start
from reporting.services import snapshots_take_for_week
from tests.browser.conftest import browser_user, sign_in
from tests.browser.screens import save_screenshot
from tests.factories import ProgressUpdateFactory, ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/fixes"))


def shot(page, name: str) -> None:
    if SHOTS.is_dir():
        save_screenshot(page, str(SHOTS / f"{name}.png"), full_page=True)


def test_the_gantt_speaks_dutch(page):
    manager = browser_user(Role.PROJECT_MANAGER, "pm")
    manager.preferred_language = "nl"
    manager.save(update_fields=["preferred_language"])
    project = ProjectFactory(project_manager=manager)
    design = TaskFactory(
        project=project,
        wbs_code="1",
        planned_start=datetime.date(2027, 3, 1),
        planned_end=datetime.date(2027, 3, 5),
        progress=40,
    )
    build = TaskFactory(
        project=project,
        wbs_code="2",
        planned_start=datetime.date(2027, 3, 8),
        planned_end=datetime.date(2027, 3, 12),
    )
    TaskDependency.objects.create(predecessor=design, successor=build)
    services.plan_baseline_create(project=project, name="Initieel", actor=manager)

    sign_in(page, "pm")
    page.goto(f"/projects/{project.pk}/plan/gantt/?mode=Day")
    page.wait_for_selector(".gantt-bar")

    assert "maart 2027" in page.locator(".gantt-header").text_content()
    assert "Vandaag" in page.locator(".gantt-legend").inner_text()
    label = page.locator(f'.gantt-bar[data-task-id="{design.pk}"]').get_attribute("aria-label")
    assert "01/03/2027 \u2013 05/03/2027" in label and "40 % klaar" in label
    assert "01/03/2027" in page.locator(".gantt-names").inner_text()
    shot(page, "gantt-nl")
    assert page.console_errors == []  # the chart is SVG attributes only: no inline style for the CSP to block


def test_portfolio_charts_write_numbers_as_a_french_page_does(page):
    head = browser_user(Role.HEAD_OF_PM, "head")
    head.preferred_language = "fr"
    head.save(update_fields=["preferred_language"])
    project = ProjectFactory(
        phase="execution", budget=Decimal("30000000.00"), contract_value=Decimal("36000000.00")
    )
    ProgressUpdateFactory(project=project, rag_overall="amber")
    # An update written ahead for next week must not take the page down.
    ProgressUpdateFactory(project=project, period_start=last_week_start() + datetime.timedelta(weeks=2))
    snapshots_take_for_week(
        week_start=last_week_start(), projects=list(Project.objects.select_related("customer"))
    )

    sign_in(page, "head")
    page.goto("/reporting/portfolio/")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('[data-chart=chart-budget]'))"
    )

    ticks = page.evaluate(
        "() => Chart.getChart(document.querySelector('[data-chart=chart-budget]'))"
        ".scales.y.ticks.map(t => t.label)"
    )
    # Axis amounts compact, in the page's format: 0, 5 M … 30 M (never 30.000.000 squeezed or 30.000 k).
    assert "30 M" in ticks and "5 M" in ticks
    assert not [tick for tick in ticks if "." in tick or "\u202f" in tick]
    shot(page, "portfolio-fr")
    assert page.console_errors == []


def test_a_refused_embedded_form_keeps_what_was_typed_in_dutch(page):
    manager = browser_user(Role.PROJECT_MANAGER, "pm")
    manager.preferred_language = "nl"
    manager.save(update_fields=["preferred_language"])
    project = ProjectFactory(phase="execution", project_manager=manager, budget=Decimal("100000.00"))
    services.project_update(project=project, actor=manager, budget=Decimal("125000.50"))

    sign_in(page, "pm")
    page.goto(project.get_absolute_url())
    history = page.locator(".card", has_text="Geschiedenis").last.inner_text()
    shot(page, "history-nl")
    assert "Gewijzigd" in history and "100.000,00\u00a0€ → 125.000,50\u00a0€" in history

    page.goto(f"/quality/projects/{project.pk}/safety/")
    page.fill("input[name=month]", "2026-11-17")
    page.fill("input[name=hours]", "veel")
    page.locator("form[action$='/hours/'] button[type=submit]").click()
    page.wait_for_load_state()

    assert page.locator("input[name=hours]").input_value() == "veel"
    assert page.locator("input[name=month]").input_value() == "2026-11-17"
    assert page.locator("input[name=hours].is-invalid").count() == 1
    shot(page, "worked-hours-nl")
    assert not [error for error in page.console_errors if "Content Security Policy" in error]
