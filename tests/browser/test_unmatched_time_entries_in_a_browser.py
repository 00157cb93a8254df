"""An administrator maps a Dynamics 365 resource to ours and sees its waiting hours booked, in Dutch."""

import datetime
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from pmo.roles import Role
from projects.models import ApprovalTrack, Phase, TaskKind, TimesheetEntry
from reporting.models import Connector, D365TimeEntry, RemoteLink
from tests.browser.conftest import browser_user, sign_in
from tests.browser.screens import save_screenshot
from tests.browser.test_workspace_in_a_browser import _check
from tests.factories import ProjectFactory, ResourceFactory, TaskFactory

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path("/tmp/connectors")
STRANGER = "b0000000-0000-0000-0000-000000000099"
D365_PROJECT, D365_TASK = "9b1c0000-0000-0000-0000-0000000000aa", "7a000000-0000-0000-0000-000000000001"


def waiting_rows() -> dict:
    """Two approved days of a subcontractor the pull could not map: project and task are linked."""
    project = ProjectFactory(phase=Phase.EXECUTION)
    task = TaskFactory(project=project, kind=TaskKind.INSTALLATION, name="Install switches", wbs_code="1.2")
    resource = ResourceFactory(name="Jan Peeters")
    for table, remote_id, model, local_id in [
        ("msdyn_projects", D365_PROJECT, "projects.project", project.pk),
        ("msdyn_projecttasks", D365_TASK, "projects.task", task.pk),
    ]:
        RemoteLink.objects.create(
            connector=Connector.DYNAMICS365,
            remote_table=table,
            remote_id=remote_id,
            local_model=model,
            local_id=local_id,
        )
    for number, (day, minutes) in enumerate([(1, 480), (3, 270)], start=1):
        D365TimeEntry.objects.create(
            remote_id=f"7e000000-0000-0000-0000-{number:012d}",
            day=datetime.date(2027, 3, day),
            duration_minutes=minutes,
            entry_status="192350002",
            entry_type="192350000",
            resource_reference=STRANGER,
            resource_name="Subcontractor X",
            project_reference=D365_PROJECT,
            project_name="Campus refresh",
            task_reference=D365_TASK,
            task_name="1.2 Install switches",
            outcome=D365TimeEntry.Outcome.UNMAPPED,
        )
    return {"resource": resource, "task": task}


def _dutch_administrator(browser, live_server):
    """A Dutch-speaking administrator signed in, with the page's console errors and axe findings to fill."""
    admin = browser_user(Role.ADMINISTRATOR, "beheerder")
    admin.preferred_language = "nl"
    admin.save(update_fields=["preferred_language"])
    context = browser.new_context(base_url=live_server.url, locale="nl-BE")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    problems: list[str] = []
    impacts: Counter = Counter()
    sign_in(page, admin.username)
    return context, page, errors, problems, impacts


def test_an_administrator_maps_a_resource_and_sees_the_hours_booked_in_dutch(browser, live_server):
    plan = waiting_rows()
    context, page, errors, problems, impacts = _dutch_administrator(browser, live_server)
    page.goto("/reporting/sync-runs/")
    assert "2 tijdsboekingen uit Dynamics 365 wachten op een koppeling." in page.inner_text("main")
    page.get_by_role("link", name="Niet-gekoppelde tijdsboekingen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Niet-gekoppelde tijdsboekingen").is_visible()
    row = page.locator("tr", has_text="Subcontractor X")
    assert "Uitvoerder" in row.inner_text() and "12,50" in row.inner_text()
    _check(page, page.url.removeprefix(live_server.url), 1280, problems, impacts)

    page.get_by_role("link", name="Subcontractor X koppelen").click()  # htmx brings the form in place
    form = page.locator("#unmatched form")
    form.wait_for()
    form.get_by_role("searchbox").fill("Peeters")
    select = form.get_by_label("Onze uitvoerder")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#unmatched select option')].some(o => o.text.includes('Jan'))"
    )
    select.select_option(value=str(plan["resource"].pk))  # labelled "Jan Peeters · <department>"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    save_screenshot(page, str(SCREENSHOTS / "unmatched_time_entries_nl.png"), full_page=True)
    form.get_by_role("button", name="Subcontractor X koppelen").click()

    page.get_by_text("Gekoppeld: 2 tijdsboekingen geboekt (12,50 u).").wait_for()
    assert "Elke tijdsboeking uit Dynamics 365 is gekoppeld aan PMO Desk." in page.inner_text("#unmatched")
    booked = TimesheetEntry.objects.filter(timesheet__track=ApprovalTrack.DYNAMICS365).order_by("day")
    assert [(e.resource, e.task, e.hours) for e in booked] == [
        (plan["resource"], plan["task"], Decimal("8.00")),
        (plan["resource"], plan["task"], Decimal("4.50")),
    ]
    save_screenshot(page, str(SCREENSHOTS / "unmatched_time_entries_booked_nl.png"), full_page=True)
    assert problems == [] and errors == []
    context.close()


def test_the_list_and_the_map_page_fit_a_phone_and_pass_axe_in_dutch(browser, live_server):
    waiting_rows()
    admin = browser_user(Role.ADMINISTRATOR, "beheerder")
    admin.preferred_language = "nl"
    admin.save(update_fields=["preferred_language"])
    context = browser.new_context(base_url=live_server.url, locale="nl-BE")
    page = context.new_page()
    problems: list[str] = []

    sign_in(page, admin.username)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844})
        for path in (
            "/reporting/sync-runs/unmatched-time-entries/",
            f"/reporting/sync-runs/unmatched-time-entries/resource/{STRANGER}/map/",
        ):
            _check(page, path, width, problems, Counter())

    assert problems == []
    assert page.get_by_role("heading", name="Subcontractor X koppelen").is_visible()
    context.close()


def test_an_administrator_chooses_ours_for_a_row_that_names_no_resource_or_task_in_dutch(
    browser, live_server
):
    plan = waiting_rows()
    D365TimeEntry.objects.filter(remote_id__endswith="000000000002").delete()
    D365TimeEntry.objects.update(resource_reference="", resource_name="", task_reference="", task_name="")
    context, page, errors, problems, impacts = _dutch_administrator(browser, live_server)
    page.goto("/reporting/sync-runs/unmatched-time-entries/")
    assert page.get_by_role("heading", name="Tijdsboekingen zonder uitvoerder of zonder taak").is_visible()
    page.get_by_role("link", name="De onze kiezen").click()
    page.wait_for_load_state()
    _check(page, page.url.removeprefix(live_server.url), 1280, problems, impacts)
    search = page.locator('input[name="resource_search"]')
    search.fill("Peeters")
    page.wait_for_function(
        "() => [...document.querySelectorAll('select[name=resource] option')]"
        ".some(o => o.text.includes('Jan'))"
    )
    page.get_by_label("Onze uitvoerder").select_option(value=str(plan["resource"].pk))
    page.get_by_label("Onze taak").select_option(value=str(plan["task"].pk))  # the project's tasks
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    save_screenshot(page, str(SCREENSHOTS / "unmatched_row_choice_nl.png"), full_page=True)
    page.get_by_role("button", name="Kiezen en boeken").click()

    page.get_by_text("Gekozen: 8,00 u geboekt.").wait_for()
    entry = TimesheetEntry.objects.get(timesheet__track=ApprovalTrack.DYNAMICS365)
    assert (entry.resource, entry.task, entry.hours) == (plan["resource"], plan["task"], Decimal("8.00"))
    save_screenshot(page, str(SCREENSHOTS / "unmatched_row_booked_nl.png"), full_page=True)
    assert problems == [] and errors == []
    context.close()
