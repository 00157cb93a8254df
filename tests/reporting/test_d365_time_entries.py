"""Approved Dynamics 365 time entries pulled into PMO Desk: mapping, paging, idempotence, corrections."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from pmo.roles import Role
from projects.models import ApprovalTrack, Timesheet, TimesheetEntry, TimesheetStatus
from projects.selectors.timesheets import approved_time_entry_rows, project_labour
from projects.services import timesheets as timesheet_services
from reporting.connectors.http import RemoteError
from reporting.connectors.pnl import d365_pnl_figures
from reporting.connectors.runs import sync_run_create, sync_run_execute
from reporting.models import Connector, D365Actual, D365TimeEntry, FieldMapping, RemoteLink, SyncRun
from tests.factories import (
    user_with_role,
)
from tests.reporting.fake_remotes import BOOKABLE, D365_PROJECT, D365_TASK, dataverse_time_entry

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2027, 3, 1)
H = Decimal
Outcome = D365TimeEntry.Outcome


@pytest.fixture(autouse=True)
def fresh_token_cache():
    cache.clear()


def entry_row(number: int, *, minutes: int = 480, day: str = "2027-03-01", modified: str = "", **overrides):
    values = {
        "entry_id": f"7e000000-0000-0000-0000-{number:012d}",
        "day": day,
        "minutes": minutes,
        "modified": modified or f"2027-03-0{min(number, 9)}T17:00:00Z",
        "resource": (BOOKABLE, "Jan Peeters"),
        "project": (D365_PROJECT, "Campus refresh"),
        "task": (D365_TASK, "1.2 Install switches"),
        "description": f"Rack {number}",
    }
    return dataverse_time_entry(**(values | overrides))


def pull(dry_run: bool = False) -> SyncRun:
    run = sync_run_create(
        connector=Connector.DYNAMICS365, direction=SyncRun.Direction.PULL, is_dry_run=dry_run
    )
    return sync_run_execute(run_id=run.pk)


def imported_hours() -> list[Decimal]:
    return list(
        TimesheetEntry.objects.filter(timesheet__track=ApprovalTrack.DYNAMICS365)
        .order_by("pk")
        .values_list("hours", flat=True)
    )


def change(fake, number: int, modified: str, **values) -> None:
    row = next(
        r for r in fake.tables["msdyn_timeentries"] if r["msdyn_timeentryid"].endswith(f"{number:012d}")
    )
    row.update(values, modifiedon=modified)
    row["@odata.etag"] = f'W/"{modified}"'


def test_approved_work_lands_on_our_resource_task_and_day_as_approved_hours(plan, time_dataverse):
    time_dataverse.tables["msdyn_timeentries"] = [
        entry_row(1),
        entry_row(2, status=192350003),  # submitted: not yet hours
        entry_row(3, entry_type=192350002, project=None, task=None),  # vacation
    ]

    run = pull()

    assert run.status == SyncRun.Status.SUCCEEDED, list(run.failures.values_list("message", flat=True))
    entry = TimesheetEntry.objects.get()
    # msdyn_date came as 2027-02-28T23:00:00Z: the 1st of March in Brussels.
    assert (entry.resource, entry.task, entry.day, entry.hours) == (
        plan["resource"],
        plan["task"],
        MONDAY,
        H("8.00"),
    )
    sheet = entry.timesheet
    assert (sheet.track, sheet.status, sheet.project, sheet.week_start) == (
        ApprovalTrack.DYNAMICS365,
        TimesheetStatus.APPROVED,
        plan["project"],
        MONDAY,
    )
    assert project_labour(project=plan["project"])["hours"] == H("8.00")
    assert dict(D365TimeEntry.objects.values_list("remote_id", "outcome")) == {
        entry_row(1)["msdyn_timeentryid"]: Outcome.IMPORTED,
        entry_row(2)["msdyn_timeentryid"]: Outcome.NOT_COUNTED,
        entry_row(3)["msdyn_timeentryid"]: Outcome.NOT_COUNTED,
    }
    # The matches by name are kept as links: a rename on either side does not lose them.
    links = RemoteLink.objects.filter(connector=Connector.DYNAMICS365)
    assert set(links.values_list("remote_table", "remote_id", "local_id")) >= {
        ("bookableresources", BOOKABLE, plan["resource"].pk),
        ("msdyn_projecttasks", D365_TASK, plan["task"].pk),
    }
    assert run.details["entities"]["time_entries"]["created"] == 1


def test_it_pages_with_next_links_and_asks_for_the_documented_columns_only(plan, time_dataverse):
    time_dataverse.tables["msdyn_timeentries"] = [
        entry_row(n, day=f"2027-03-0{n}", minutes=60 * n) for n in range(1, 6)
    ]

    pull()

    gets = [p for p in time_dataverse.methods("GET") if p.startswith("/api/data/v9.2/msdyn_timeentries")]
    pages = [p for p in gets if "msdyn_timeentryid+eq" not in p]
    assert len(pages) == 3  # 5 rows, 2 per page
    assert "%24skiptoken=2" in pages[1] and "%24skiptoken=4" in pages[2]
    assert "_msdyn_bookableresource_value" in pages[0] and "msdyn_duration" in pages[0]
    assert sorted(imported_hours()) == [H("1.00"), H("2.00"), H("3.00"), H("4.00"), H("5.00")]


def test_a_dry_run_says_what_it_would_pull_and_books_nothing(plan, time_dataverse):
    time_dataverse.tables["msdyn_timeentries"] = [entry_row(1)]

    run = pull(dry_run=True)

    assert run.status == SyncRun.Status.SUCCEEDED
    assert f"create msdyn_timeentries {entry_row(1)['msdyn_timeentryid']}" in run.details["planned"]
    assert not D365TimeEntry.objects.exists() and not TimesheetEntry.objects.exists()


def test_a_second_pull_changes_nothing(plan, time_dataverse):
    time_dataverse.tables["msdyn_timeentries"] = [entry_row(1), entry_row(2, day="2027-03-02")]
    pull()
    history = TimesheetEntry.history.count()

    run = pull()

    assert run.status == SyncRun.Status.SUCCEEDED
    assert (run.created_count, run.updated_count) == (0, 0)
    assert imported_hours() == [H("8.00"), H("8.00")]
    assert TimesheetEntry.history.count() == history
    later = [p for p in time_dataverse.methods("GET") if "msdyn_timeentries" in p][-3:]
    assert any("modifiedon+ge+2027-03-02T17%3A00%3A00Z" in path for path in later)


def test_a_changed_row_reverses_our_entry_and_books_the_new_figure(plan, time_dataverse):
    time_dataverse.tables["msdyn_timeentries"] = [entry_row(1)]
    pull()
    first = TimesheetEntry.objects.get()
    change(time_dataverse, 1, "2027-03-10T09:00:00Z", msdyn_duration=420)

    run = pull()

    assert run.status == SyncRun.Status.SUCCEEDED
    assert imported_hours() == [H("8.00"), H("-8.00"), H("7.00")]
    reversal = TimesheetEntry.objects.get(hours=H("-8.00"))
    assert reversal.reverses == first
    assert reversal.history.get().history_change_reason == "Changed in Dynamics 365"
    assert project_labour(project=plan["project"])["hours"] == H("7.00")
    first.refresh_from_db()
    assert first.hours == H("8.00")  # what was counted stays as it was


def test_a_recalled_row_is_reversed_and_booked_again_when_approved_again(plan, time_dataverse):
    time_dataverse.tables["msdyn_timeentries"] = [entry_row(1)]
    pull()
    change(time_dataverse, 1, "2027-03-10T09:00:00Z", msdyn_entrystatus=192350004)

    pull()

    assert imported_hours() == [H("8.00"), H("-8.00")]
    assert D365TimeEntry.objects.get().outcome == Outcome.NOT_COUNTED
    assert project_labour(project=plan["project"])["hours"] == 0

    change(time_dataverse, 1, "2027-03-11T09:00:00Z", msdyn_entrystatus=192350002)
    pull()

    assert imported_hours() == [H("8.00"), H("-8.00"), H("8.00")]
    assert project_labour(project=plan["project"])["hours"] == H("8.00")
    # The cell of the first sheet is taken: the new booking is on a second imported sheet of the week.
    assert sorted(Timesheet.objects.values_list("revision", flat=True)) == [1, 2]


def test_a_row_deleted_in_dynamics_is_reversed(plan, time_dataverse):
    time_dataverse.tables["msdyn_timeentries"] = [entry_row(1), entry_row(2, day="2027-03-02")]
    pull()
    del time_dataverse.tables["msdyn_timeentries"][0]

    pull()

    assert imported_hours() == [H("8.00"), H("8.00"), H("-8.00")]
    assert D365TimeEntry.objects.get(remote_id__endswith="000000000001").outcome == Outcome.REMOVED
    assert project_labour(project=plan["project"])["hours"] == H("8.00")


def test_an_unmapped_row_is_reported_on_the_run_and_imported_once_mapped(plan, time_dataverse):
    stranger = "b0000000-0000-0000-0000-000000000099"
    time_dataverse.tables["msdyn_timeentries"] = [entry_row(1, resource=(stranger, "Subcontractor X"))]

    run = pull()

    assert run.status == SyncRun.Status.PARTIAL
    failure = run.failures.get()
    assert failure.entity == "msdyn_timeentries" and failure.reference.endswith("000000000001")
    assert "resource Subcontractor X" in failure.message
    assert not TimesheetEntry.objects.exists()
    assert D365TimeEntry.objects.get().outcome == Outcome.UNMAPPED

    # The administrator maps the bookable resource; the next run imports the row without a remote change.
    RemoteLink.objects.create(
        connector=Connector.DYNAMICS365,
        remote_table="bookableresources",
        remote_id=stranger,
        local_model="projects.resource",
        local_id=plan["resource"].pk,
    )
    run = pull()

    assert run.status == SyncRun.Status.SUCCEEDED
    assert imported_hours() == [H("8.00")]


def test_rows_of_our_own_export_are_recognised_and_never_counted_twice(plan, time_dataverse):
    timesheet_services.time_entry_set(
        resource=plan["resource"], task=plan["task"], day=MONDAY, hours=H("7.5"), actor=plan["technician"]
    )
    [sheet] = timesheet_services.timesheet_week_submit(
        resource=plan["resource"], week_start=MONDAY, actor=plan["technician"]
    )
    timesheet_services.timesheet_approve(timesheet=sheet, actor=user_with_role(Role.ENGINEERING_MANAGER))
    header, exported = list(approved_time_entry_rows(start=MONDAY, end=MONDAY))
    marker = exported[header.index("msdyn_externaldescription")]
    # The file was imported into Dynamics; the pull reads the row back.
    time_dataverse.tables["msdyn_timeentries"] = [entry_row(1, minutes=450, external_description=marker)]

    run = pull()

    assert run.status == SyncRun.Status.SUCCEEDED
    assert D365TimeEntry.objects.get().outcome == Outcome.OWN_EXPORT
    assert imported_hours() == []
    assert project_labour(project=plan["project"])["hours"] == H("7.50")


def test_imported_hours_are_not_exported_and_not_touched_by_the_persons_own_booking(plan, time_dataverse):
    time_dataverse.tables["msdyn_timeentries"] = [entry_row(1)]
    pull()

    assert list(approved_time_entry_rows(start=MONDAY, end=MONDAY))[1:] == []
    timesheet_services.time_entry_set(
        resource=plan["resource"], task=plan["task"], day=MONDAY, hours=H("2"), actor=plan["technician"]
    )
    assert imported_hours() == [H("8.00")]  # not reversed by the booking of the same cell
    imported_sheet = Timesheet.objects.get(track=ApprovalTrack.DYNAMICS365)
    with pytest.raises(Exception, match="Dynamics 365"):
        timesheet_services.timesheet_correction_open(timesheet=imported_sheet, actor=plan["technician"])


def test_time_actuals_leave_the_pnl_when_the_hours_are_imported(plan, time_dataverse, settings):
    D365Actual.objects.create(
        remote_id="act-time", project=plan["project"], amount=H("760.00"), classification_code="192350000"
    )
    D365Actual.objects.create(
        remote_id="act-travel", project=plan["project"], amount=H("95.00"), classification_code="192350001"
    )

    figures = {figure.category_code: figure for figure in d365_pnl_figures(project=plan["project"])}

    assert figures["internal_labour"].actual == 0 and figures["internal_labour"].left_out == 1
    assert figures["travel"].actual == H("95.00")
    settings.DYNAMICS365 = {**settings.DYNAMICS365, "TIME_ENTRIES": False}
    figures = {figure.category_code: figure for figure in d365_pnl_figures(project=plan["project"])}
    assert figures["internal_labour"].actual == H("760.00")


def test_an_unknown_time_entry_column_is_a_400_and_refuses_the_run(plan, time_dataverse):
    from reporting.connectors import dynamics

    client = dynamics.dynamics_client()
    url = f"{time_dataverse.url}/api/data/v9.2/msdyn_timeentries"
    with pytest.raises(RemoteError) as refused:
        client.request("GET", url, params={"$select": "msdyn_hours"})
    assert refused.value.status == 400 and "msdyn_hours" in refused.value.message

    FieldMapping.objects.create(
        connector=Connector.DYNAMICS365,
        remote_table="msdyn_timeentries",
        local_field="duration_minutes",
        remote_field="msdyn_hours",
    )
    time_dataverse.tables["msdyn_timeentries"] = [entry_row(1)]

    run = pull()

    assert run.status == SyncRun.Status.FAILED and "msdyn_timeentries.msdyn_hours" in run.error
    assert not D365TimeEntry.objects.exists() and not TimesheetEntry.objects.exists()


def test_the_fake_serves_whole_minutes_only():
    with pytest.raises(ValueError):
        dataverse_time_entry(
            entry_id="x",
            day="2027-03-01",
            minutes=7.5,
            modified="",
            resource=("r", "R"),
            project=None,
            task=None,
        )


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.PM_SUPPORT, Role.FINANCE, Role.HEAD_OF_PM])
def test_only_the_administrator_starts_a_pull(client, role):
    client.force_login(user_with_role(role))

    response = client.post(reverse("reporting:sync-run-start"), {"connector": Connector.DYNAMICS365})

    assert response.status_code == 403
    assert not SyncRun.objects.exists()


def test_the_administrator_starts_a_pull_and_a_get_is_refused(client):
    client.force_login(user_with_role(Role.ADMINISTRATOR))

    assert client.get(reverse("reporting:sync-run-start")).status_code == 405
    response = client.post(reverse("reporting:sync-run-start"), {"connector": Connector.DYNAMICS365})

    run = SyncRun.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    assert (run.connector, run.direction) == (Connector.DYNAMICS365, SyncRun.Direction.PULL)
