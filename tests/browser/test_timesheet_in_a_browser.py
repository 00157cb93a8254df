"""A technician books a week in Dutch with the keyboard and submits it; the PM approves it in French."""

import datetime
from decimal import Decimal

import pytest

from pmo.roles import Role
from projects.models import Phase, TaskKind, Timesheet, TimesheetEntry, TimesheetStatus
from projects.selectors.plan import iso_week_start
from tests.browser.conftest import browser_user, sign_in
from tests.browser.screens import save_screenshot, screenshot_dir
from tests.factories import AssignmentFactory, ProjectFactory, ResourceFactory, TaskFactory

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = screenshot_dir("timesheets")


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
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
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


def test_a_technician_finds_a_task_by_typing_adds_it_and_books_on_it_in_dutch(browser, live_server):
    _pm, project, technician, tasks = _week_of_work()
    for number in range(40):  # more bookable tasks than the picker lists
        TaskFactory(project=project, kind=TaskKind.ENGINEERING, name=f"Werkpakket {number}")
    cabling = TaskFactory(project=project, kind=TaskKind.INSTALLATION, name="Kabeltrekken verdieping 2")
    shots = screenshot_dir("timesheet-picker")
    context = browser.new_context(base_url=live_server.url, locale="nl-BE")
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, technician.username)
    expect = pytest.importorskip("playwright.sync_api").expect

    page.goto("/projects/timesheets/")
    picker = page.get_by_label("Een taak toevoegen")
    assert picker.locator("option").count() <= 26  # not the 43 tasks the person may book
    search = page.locator('input[name="task_search"]')
    search.click()
    page.keyboard.type("kabel")
    expect(picker.locator("option")).to_have_count(2)  # the empty choice and the one match, from htmx
    save_screenshot(page, str(shots / "1-picker-typed-nl.png"), full_page=True)
    page.keyboard.press("ArrowDown")  # to the matches, the first one chosen
    expect(picker).to_be_focused()
    expect(picker).to_have_value(str(cabling.pk))
    page.keyboard.press("Enter")  # adds it
    page.wait_for_load_state()
    cell = page.locator(f'#timesheet-grid input[data-task="{cabling.pk}"]').first
    expect(cell).to_be_visible()
    cell.click()
    page.keyboard.type("3,5")
    page.keyboard.press("Tab")
    expect(page.locator(f"#task-total-{cabling.pk}")).to_have_text("3,5")
    save_screenshot(page, str(shots / "2-task-added-and-booked-nl.png"), full_page=True)
    entry = TimesheetEntry.objects.get(task=cabling)
    assert entry.hours == Decimal("3.5") and entry.resource.user == technician
    assert not TimesheetEntry.objects.filter(task__in=tasks).exists()
    assert errors == []
    context.close()
