"""A technician books a week in Dutch with the keyboard and submits it; the PM approves it in French."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pmo.roles import Role
from projects.models import Phase, TaskKind, Timesheet, TimesheetEntry, TimesheetStatus
from projects.selectors.plan import iso_week_start
from tests.browser.conftest import browser_user, sign_in
from tests.browser.screens import save_screenshot
from tests.factories import AssignmentFactory, ProjectFactory, ResourceFactory, TaskFactory

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path("/work/wt/timesheets-shots")


def _week_of_work():
    monday = iso_week_start(datetime.date.today())
    pm = browser_user(Role.PROJECT_MANAGER, "pm-fr")
    pm.preferred_language = "fr"
    pm.save(update_fields=["preferred_language"])
    project = ProjectFactory(phase=Phase.EXECUTION, project_manager=pm, name="Campus Gent")
    technician = browser_user(Role.SALES, "tech-nl")  # any login; the role is dropped below
    technician.groups.clear()
    technician.preferred_language = "nl"
    technician.save(update_fields=["preferred_language"])
    resource = ResourceFactory(user=technician, name="Jan Maes")
    tasks = [
        TaskFactory(
            project=project,
            kind=TaskKind.ADMINISTRATION,
            name=name,
            planned_start=monday,
            planned_end=monday + datetime.timedelta(days=4),
        )
        for name in ("Werfverslag", "Coördinatie")
    ]
    for task in tasks:
        AssignmentFactory(task=task, resource=resource, hours=Decimal("20"))
    return pm, project, technician, tasks


def test_a_technician_books_a_week_in_dutch_and_the_pm_approves_it_in_french(browser, live_server):
    pm, _project, technician, tasks = _week_of_work()
    SCREENSHOTS.mkdir(exist_ok=True)
    context = browser.new_context(base_url=live_server.url, locale="nl-BE")
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, technician.username)

    page.goto("/projects/timesheets/")
    assert page.get_by_role("heading", name="Week van").is_visible()
    first = page.locator("#timesheet-grid tbody input").first
    first.click()
    # Monday to Friday of the first task, with the keyboard only: Tab moves along the row.
    for hours in ("7,5", "8", "6,25", "8", "4"):
        page.keyboard.type(hours)
        page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # Sunday
    page.keyboard.press("Tab")  # Monday of the second task
    page.keyboard.type("1,5")
    page.keyboard.press("Tab")
    expect = pytest.importorskip("playwright.sync_api").expect
    expect(page.locator("#week-total")).to_have_text("35,25")  # the totals come back from htmx
    expect(page.locator(f"#task-total-{tasks[0].pk}")).to_have_text("33,75")
    monday = iso_week_start(datetime.date.today())
    expect(page.locator(f"#day-total-{monday.isoformat()}")).to_have_text("9")
    save_screenshot(page, str(SCREENSHOTS / "1-week-grid-nl.png"), full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="De week indienen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Week ingediend ter goedkeuring.").is_visible()
    assert page.locator("#timesheet-grid tbody input").count() == 0  # locked while it waits
    save_screenshot(page, str(SCREENSHOTS / "2-week-submitted-nl.png"), full_page=True)
    sheet = Timesheet.objects.get()
    assert sheet.status == TimesheetStatus.SUBMITTED
    assert sum(TimesheetEntry.objects.values_list("hours", flat=True)) == Decimal("35.25")

    pm_context = browser.new_context(base_url=live_server.url, locale="fr-BE")
    pm_page = pm_context.new_page()
    pm_page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(pm_page, pm.username)
    pm_page.goto("/projects/timesheets/approvals/")
    card = pm_page.locator(f"#timesheet-{sheet.pk}")
    assert "Jan Maes" in card.inner_text() and "35,25 h" in card.inner_text()
    save_screenshot(pm_page, str(SCREENSHOTS / "3-approvals-fr.png"), full_page=True)
    card.get_by_role("button", name="Approuver").click()
    pm_page.wait_for_load_state()
    assert pm_page.get_by_text("Feuille de temps approuvée.").is_visible()
    assert pm_page.get_by_text("Aucune feuille de temps n'attend votre approbation.").is_visible()
    save_screenshot(pm_page, str(SCREENSHOTS / "4-approved-fr.png"), full_page=True)
    sheet.refresh_from_db()
    assert sheet.status == TimesheetStatus.APPROVED and sheet.decided_by == pm

    page.reload()
    assert page.locator("#timesheet-grid tbody input").count() == 0
    assert page.get_by_role("button", name="Corrigeren").is_visible()  # only a correction can change it
    save_screenshot(page, str(SCREENSHOTS / "5-week-approved-nl.png"), full_page=True)
    assert errors == []
    pm_context.close()
    context.close()
