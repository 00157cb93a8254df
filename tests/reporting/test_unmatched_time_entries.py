"""Unmatched Dynamics 365 time entries: the screen that groups them and the mapping that books them."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404
from django.urls import reverse

from pmo.models import User
from pmo.roles import Role
from projects.models import Phase, TaskKind, TimesheetEntry
from reporting.connectors.runs import MemoryRecorder
from reporting.connectors.time_entries import TimeEntryImport, project_links
from reporting.models import Connector, D365TimeEntry, RemoteLink, SyncRun
from reporting.selectors.time_entry_mapping import unmatched_time_entry_groups
from reporting.services import time_entry_mapping as mapping_services
from reporting.services.time_entry_mapping import time_entry_remote_link_create
from tests.factories import ProjectFactory, ResourceFactory, TaskFactory, user_with_role
from tests.reporting.fake_remotes import D365_PROJECT, D365_TASK
from tests.reporting.test_d365_time_entries import entry_row, imported_hours, pull

pytestmark = pytest.mark.django_db

STRANGER = "b0000000-0000-0000-0000-000000000099"
H = Decimal
Outcome = D365TimeEntry.Outcome
LIST_URL = "/reporting/sync-runs/unmatched-time-entries/"


def map_url(kind: str, remote_id: str) -> str:
    return reverse("reporting:unmatched-time-entry-map", args=[kind, remote_id])


@pytest.fixture
def waiting(plan, time_dataverse):
    """Two approved days of a subcontractor Dynamics knows and we do not (yet): pulled, unmapped."""
    time_dataverse.tables["msdyn_timeentries"] = [
        entry_row(1, resource=(STRANGER, "Subcontractor X")),
        entry_row(2, day="2027-03-03", minutes=270, resource=(STRANGER, "Subcontractor X")),
    ]
    run = pull()
    assert run.status == SyncRun.Status.PARTIAL
    return plan


def stored_row(number: int, **values) -> D365TimeEntry:
    """An unmapped row as the pull stores it, without a Dynamics to pull from."""
    defaults = {
        "remote_id": f"7e000000-0000-0000-0000-{number:012d}",
        "day": datetime.date(2027, 3, 1) + datetime.timedelta(days=number % 20),
        "duration_minutes": 60,
        "entry_status": "192350002",
        "entry_type": "192350000",
        "resource_reference": STRANGER,
        "resource_name": "Subcontractor X",
        "project_reference": D365_PROJECT,
        "project_name": "Campus refresh",
        "task_reference": D365_TASK,
        "task_name": "Unknown task",
        "outcome": Outcome.UNMAPPED,
    }
    return D365TimeEntry.objects.create(**(defaults | values))


# --- the service ------------------------------------------------------------------------------------------
def test_mapping_a_resource_books_the_waiting_hours_once_and_the_next_pull_changes_nothing(waiting):
    admin = user_with_role(Role.ADMINISTRATOR)

    result = time_entry_remote_link_create(
        kind="resource", remote_id=STRANGER, target=waiting["resource"], actor=admin
    )

    assert (result.booked, result.hours, result.still_waiting) == (2, H("12.50"), 0)
    assert imported_hours() == [H("8.00"), H("4.50")]
    assert set(D365TimeEntry.objects.values_list("outcome", flat=True)) == {Outcome.IMPORTED}
    link = RemoteLink.objects.get(remote_table="bookableresources", remote_id=STRANGER)
    assert link.local_id == waiting["resource"].pk
    assert link.history.get().history_user == admin  # audited: who mapped it

    run = pull()

    assert run.status == SyncRun.Status.SUCCEEDED
    assert imported_hours() == [H("8.00"), H("4.50")]
    assert unmatched_time_entry_groups() == []


def test_while_a_pull_runs_the_mapping_is_kept_and_the_pull_books_the_rows(waiting):
    SyncRun.objects.create(
        connector=Connector.DYNAMICS365, direction=SyncRun.Direction.PULL, status=SyncRun.Status.RUNNING
    )

    result = time_entry_remote_link_create(
        kind="resource",
        remote_id=STRANGER,
        target=waiting["resource"],
        actor=user_with_role(Role.ADMINISTRATOR),
    )

    assert result.is_deferred and imported_hours() == []  # booking now could count the hours twice
    SyncRun.objects.filter(status=SyncRun.Status.RUNNING).update(status=SyncRun.Status.FAILED)
    pull()
    assert sorted(imported_hours()) == [H("4.50"), H("8.00")]


def test_it_refuses_a_resource_already_linked_to_another_remote_record_and_changes_nothing(waiting):
    RemoteLink.objects.create(
        connector=Connector.DYNAMICS365,
        remote_table="bookableresources",
        remote_id="b0000000-0000-0000-0000-000000000001",
        local_model="projects.resource",
        local_id=waiting["resource"].pk,
    )
    links = RemoteLink.objects.count()

    with pytest.raises(ValidationError, match="already linked to another Dynamics 365 record"):
        time_entry_remote_link_create(
            kind="resource",
            remote_id=STRANGER,
            target=waiting["resource"],
            actor=user_with_role(Role.ADMINISTRATOR),
        )

    assert RemoteLink.objects.count() == links
    assert imported_hours() == []
    assert set(D365TimeEntry.objects.values_list("outcome", flat=True)) == {Outcome.UNMAPPED}


def test_a_link_made_at_the_same_moment_by_someone_else_is_a_message_and_books_nothing(waiting, monkeypatch):
    def quicker_colleague(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint unique_remote_link_remote")

    monkeypatch.setattr(mapping_services, "audited_save", quicker_colleague)

    with pytest.raises(ValidationError, match="a moment ago"):
        time_entry_remote_link_create(
            kind="resource",
            remote_id=STRANGER,
            target=waiting["resource"],
            actor=user_with_role(Role.ADMINISTRATOR),
        )

    assert imported_hours() == []
    assert set(D365TimeEntry.objects.values_list("outcome", flat=True)) == {Outcome.UNMAPPED}


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.HEAD_OF_PM, Role.PM_SUPPORT])
def test_only_an_administrator_may_map_and_a_refusal_changes_nothing(waiting, role):
    links = RemoteLink.objects.count()

    with pytest.raises(ValidationError, match="may not map"):
        time_entry_remote_link_create(
            kind="resource", remote_id=STRANGER, target=waiting["resource"], actor=user_with_role(role)
        )

    assert RemoteLink.objects.count() == links and imported_hours() == []


def test_a_task_must_belong_to_the_project_the_hours_are_booked_on(plan):
    stored_row(1, resource_reference="", resource_name="")  # only the task is unknown
    RemoteLink.objects.create(
        connector=Connector.DYNAMICS365,
        remote_table="msdyn_projects",
        remote_id=D365_PROJECT,
        local_model="projects.project",
        local_id=plan["project"].pk,
    )
    elsewhere = TaskFactory(project=ProjectFactory(phase=Phase.EXECUTION), kind=TaskKind.INSTALLATION)

    with pytest.raises(ValidationError, match="project these hours are booked on"):
        time_entry_remote_link_create(
            kind="task", remote_id=D365_TASK, target=elsewhere, actor=user_with_role(Role.ADMINISTRATOR)
        )

    assert not RemoteLink.objects.filter(remote_table="msdyn_projecttasks").exists()


def test_mapping_the_project_then_the_task_books_the_row_when_nothing_is_missing_any_more(plan):
    row = stored_row(
        1, resource_reference="b0000000-0000-0000-0000-000000000001", resource_name="Jan Peeters"
    )
    unknown_project = "9b1c0000-0000-0000-0000-0000000000ff"
    row.project_reference, row.project_name = unknown_project, "Other name"
    row.save()
    admin = user_with_role(Role.ADMINISTRATOR)
    assert {(g.kind, g.remote_id) for g in unmatched_time_entry_groups()} == {
        ("project", unknown_project),
        ("task", D365_TASK),
    }

    first = time_entry_remote_link_create(
        kind="project", remote_id=unknown_project, target=plan["project"], actor=admin
    )
    [task_group] = unmatched_time_entry_groups()
    second = time_entry_remote_link_create(kind="task", remote_id=D365_TASK, target=plan["task"], actor=admin)

    assert (first.booked, first.still_waiting) == (0, 1)
    assert task_group.project_id == plan["project"].pk  # the task select offers this project's tasks
    assert (second.booked, second.hours) == (1, H("1.00"))
    assert TimesheetEntry.objects.get().task == plan["task"]


def test_the_groups_say_what_is_missing_with_the_dates_and_hours_waiting_on_it(plan):
    stored_row(1, duration_minutes=90)
    stored_row(5, duration_minutes=30)
    stored_row(3, resource_reference="b0000000-0000-0000-0000-000000000007", resource_name="Other Person")

    groups = {(g.kind, g.remote_id): g for g in unmatched_time_entry_groups()}

    stranger = groups[("resource", STRANGER)]
    assert (stranger.remote_name, stranger.row_count, stranger.hours) == ("Subcontractor X", 2, H("2.00"))
    assert (stranger.first_day, stranger.last_day) == (datetime.date(2027, 3, 2), datetime.date(2027, 3, 6))
    # No link and no project code in the name: the project is missing too, and so (unknown) the task.
    assert groups[("project", D365_PROJECT)].row_count == 3
    assert groups[("task", D365_TASK)].row_count == 3
    assert not RemoteLink.objects.exists()  # reading the screen writes no name match


# --- the pages --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_runs_a_constant_number_of_queries(client, plan, rows, django_assert_num_queries):
    for number in range(rows):
        stored_row(number, resource_reference=f"b0000000-0000-0000-0000-{number:012d}")
    client.force_login(user_with_role(Role.ADMINISTRATOR))

    with django_assert_num_queries(8):
        response = client.get(LIST_URL)

    assert response.status_code == 200
    assert response.text.count("<td>Subcontractor X") == rows


@pytest.mark.parametrize("role", Role.values)
def test_the_list_is_for_the_roles_that_see_the_connector_runs(client, waiting, role):
    client.force_login(user_with_role(role))

    response = client.get(LIST_URL)

    if role in {Role.ADMINISTRATOR, Role.HEAD_OF_PM, Role.PM_SUPPORT}:
        assert response.status_code == 200 and "Subcontractor X" in response.text
        assert (map_url("resource", STRANGER) in response.text) == (role == Role.ADMINISTRATOR)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.HEAD_OF_PM, Role.PM_SUPPORT, Role.FINANCE])
def test_other_roles_may_not_map(client, waiting, role):
    client.force_login(user_with_role(role))

    shown = client.get(map_url("resource", STRANGER))
    posted = client.post(map_url("resource", STRANGER), {"target": waiting["resource"].pk})

    assert shown.status_code == 403 and posted.status_code == 403
    assert not RemoteLink.objects.filter(remote_id=STRANGER).exists() and imported_hours() == []


def test_the_administrator_maps_with_a_plain_post_and_the_rows_leave_the_list(client, waiting):
    client.force_login(user_with_role(Role.ADMINISTRATOR))

    form = client.get(map_url("resource", STRANGER))
    response = client.post(map_url("resource", STRANGER), {"target": waiting["resource"].pk}, follow=True)

    assert form.status_code == 200 and "Jan Peeters" in form.text
    assert response.redirect_chain == [(LIST_URL, 302)]
    assert "2 time entries booked (12,50 h)"  # the site's number format in response.text
    assert "Subcontractor X" not in response.text
    assert imported_hours() == [H("8.00"), H("4.50")]


def test_an_htmx_mapping_answers_with_the_list_and_a_refusal_with_the_form(client, waiting):
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    other = ResourceFactory(name="Piet Janssens")
    RemoteLink.objects.create(
        connector=Connector.DYNAMICS365,
        remote_table="bookableresources",
        remote_id="b0000000-0000-0000-0000-000000000042",
        local_model="projects.resource",
        local_id=other.pk,
    )

    refused = client.post(map_url("resource", STRANGER), {"target": other.pk}, headers={"HX-Request": "true"})
    mapped = client.post(
        map_url("resource", STRANGER), {"target": waiting["resource"].pk}, headers={"HX-Request": "true"}
    )

    assert refused.status_code == 200 and "<html" not in refused.text
    assert "already linked to another Dynamics 365 record" in refused.text
    assert mapped["HX-Retarget"] == "#unmatched" and 'id="unmatched"' in mapped.text
    assert "2 time entries booked" in mapped.text
    assert imported_hours() == [H("8.00"), H("4.50")]


def test_the_map_page_refuses_what_waits_on_nothing_and_other_methods(client, waiting):
    client.force_login(user_with_role(Role.ADMINISTRATOR))

    assert client.get(map_url("resource", "nothing-waits-on-this")).status_code == 404
    assert client.get(map_url("vendor", STRANGER)).status_code == 404
    assert client.put(map_url("resource", STRANGER)).status_code == 405
    assert client.post(LIST_URL).status_code == 405


def test_the_task_choices_are_the_mapped_projects_tasks_only(client, plan):
    stored_row(1, resource_reference="", resource_name="")
    RemoteLink.objects.create(
        connector=Connector.DYNAMICS365,
        remote_table="msdyn_projects",
        remote_id=D365_PROJECT,
        local_model="projects.project",
        local_id=plan["project"].pk,
    )
    elsewhere = TaskFactory(project=ProjectFactory(phase=Phase.EXECUTION), name="Elsewhere work")
    client.force_login(user_with_role(Role.ADMINISTRATOR))

    form = client.get(map_url("task", D365_TASK))
    options = client.get(
        reverse("pmo:search-select-options", args=["d365-map-tasks"]),
        {"field": "target", "target_search": "work", "project": plan["project"].pk},
    )
    posted = client.post(map_url("task", D365_TASK), {"target": elsewhere.pk})

    assert "Install switches" in form.text and "Elsewhere work" not in form.text
    assert f"project={plan['project'].pk}" in form.text  # the search asks for this project's tasks
    assert "Elsewhere work" not in options.text
    assert posted.status_code == 200 and "Select a valid choice" in posted.text
    assert not RemoteLink.objects.filter(remote_table="msdyn_projecttasks").exists()


def test_the_run_links_its_unmapped_failure_lines_and_the_runs_page_links_the_screen(client, waiting):
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    run = SyncRun.objects.get()

    detail = client.get(run.get_absolute_url())
    listing = client.get("/reporting/sync-runs/")

    assert detail.text.count(f'href="{LIST_URL}"') == 2  # one per unmapped row's failure line
    assert f'href="{LIST_URL}"' in listing.text and "2 time entries pulled from Dynamics 365" in listing.text


def test_without_javascript_find_narrows_the_choices_and_maps_nothing(client, waiting):
    ResourceFactory(name="Piet Janssens")
    client.force_login(user_with_role(Role.ADMINISTRATOR))

    response = client.post(map_url("resource", STRANGER), {"find": "1", "target_search": "Peeters"})

    assert response.status_code == 200
    assert "Jan Peeters" in response.text and "Piet Janssens" not in response.text
    assert not RemoteLink.objects.filter(remote_id=STRANGER).exists() and imported_hours() == []


# --- one row that names no resource or no task in Dynamics: chosen for that row --------------------------
def _linked_project(plan):
    RemoteLink.objects.create(
        connector=Connector.DYNAMICS365,
        remote_table="msdyn_projects",
        remote_id=D365_PROJECT,
        local_model="projects.project",
        local_id=plan["project"].pk,
    )


def _row_without_resource_or_task(plan):
    _linked_project(plan)
    return stored_row(1, resource_reference="", resource_name="", task_reference="", task_name="")


def test_the_administrator_chooses_the_resource_and_task_of_a_row_that_names_none_and_it_is_booked(plan):
    row = _row_without_resource_or_task(plan)
    admin = user_with_role(Role.ADMINISTRATOR)

    result = mapping_services.time_entry_row_map(
        row_id=row.pk, resource=plan["resource"], task=plan["task"], actor=admin
    )

    assert result.is_booked and result.hours == H("1.00")
    entry = TimesheetEntry.objects.get()
    assert (entry.resource, entry.task, entry.hours) == (plan["resource"], plan["task"], H("1"))
    row.refresh_from_db()
    assert (row.outcome, row.chosen_by) == (Outcome.IMPORTED, admin)
    assert not RemoteLink.objects.exclude(remote_table="msdyn_projects").exists()  # nothing to link


def test_a_row_with_no_project_either_is_booked_on_the_chosen_tasks_project_and_a_repull_keeps_it(plan):
    row = stored_row(
        1,
        resource_reference="",
        resource_name="",
        task_reference="",
        task_name="",
        project_reference="",
        project_name="",
    )
    admin = user_with_role(Role.ADMINISTRATOR)

    mapping_services.time_entry_row_map(
        row_id=row.pk, resource=plan["resource"], task=plan["task"], actor=admin
    )
    importer = TimeEntryImport(recorder=MemoryRecorder(), project_links=project_links())
    importer.reconcile([row.remote_id])  # the next pull reads the row again: same figure, nothing new

    assert TimesheetEntry.objects.get().task == plan["task"]


def test_choosing_only_the_resource_keeps_the_row_waiting_on_its_task(plan):
    _linked_project(plan)
    row = stored_row(1, resource_reference="", resource_name="")  # the task is a Dynamics record we lack

    result = mapping_services.time_entry_row_map(
        row_id=row.pk, resource=plan["resource"], actor=user_with_role(Role.ADMINISTRATOR)
    )

    assert not result.is_booked and not TimesheetEntry.objects.exists()
    row.refresh_from_db()
    assert row.outcome == Outcome.UNMAPPED and row.chosen_resource == plan["resource"]


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.HEAD_OF_PM, Role.PM_SUPPORT])
def test_only_an_administrator_chooses_for_a_row_and_a_refusal_changes_nothing(plan, role):
    row = _row_without_resource_or_task(plan)

    with pytest.raises(ValidationError, match="may not map"):
        mapping_services.time_entry_row_map(
            row_id=row.pk, resource=plan["resource"], task=plan["task"], actor=user_with_role(role)
        )

    row.refresh_from_db()
    assert (row.outcome, row.chosen_resource, row.chosen_task) == (Outcome.UNMAPPED, None, None)
    assert not TimesheetEntry.objects.exists()


def test_a_task_of_a_project_the_administrator_may_not_change_is_refused_and_nothing_changes(plan):
    row = _row_without_resource_or_task(plan)
    admin = user_with_role(Role.ADMINISTRATOR)
    # Rights are the pages' own: the mapper holds the mapping permission but not the project's.
    mapper = user_with_role(Role.FINANCE)
    mapper.user_permissions.add(Permission.objects.get(codename="add_remotelink"))
    mapper = User.objects.get(pk=mapper.pk)

    with pytest.raises((PermissionDenied, Http404)):
        mapping_services.time_entry_row_map(row_id=row.pk, task=plan["task"], actor=mapper)
    with pytest.raises(PermissionDenied):
        mapping_services.time_entry_row_map(row_id=row.pk, resource=plan["resource"], actor=mapper)
    elsewhere = TaskFactory(project=ProjectFactory(phase=Phase.EXECUTION), kind=TaskKind.INSTALLATION)
    with pytest.raises(ValidationError, match="project these hours are booked on"):
        mapping_services.time_entry_row_map(row_id=row.pk, task=elsewhere, actor=admin)

    row.refresh_from_db()
    assert (row.outcome, row.chosen_resource, row.chosen_task, row.chosen_by) == (
        Outcome.UNMAPPED,
        None,
        None,
        None,
    )
    assert not TimesheetEntry.objects.exists()


def test_a_record_dynamics_names_is_mapped_for_all_its_rows_not_chosen_per_row(plan):
    row = stored_row(1)  # names its resource and task: the groups map them
    admin = user_with_role(Role.ADMINISTRATOR)

    with pytest.raises(ValidationError, match="names its resource"):
        mapping_services.time_entry_row_map(row_id=row.pk, resource=plan["resource"], actor=admin)
    with pytest.raises(ValidationError, match="names its task"):
        mapping_services.time_entry_row_map(row_id=row.pk, task=plan["task"], actor=admin)

    row.refresh_from_db()
    assert (row.chosen_resource, row.chosen_task) == (None, None)


def row_map_url(row) -> str:
    return reverse("reporting:unmatched-time-entry-row-map", args=[row.pk])


def test_the_list_offers_the_rows_that_name_nothing_and_the_administrator_books_one(client, plan):
    row = _row_without_resource_or_task(plan)
    client.force_login(user_with_role(Role.ADMINISTRATOR))

    listing = client.get(LIST_URL).text
    page = client.get(row_map_url(row))
    response = client.post(row_map_url(row), {"resource": plan["resource"].pk, "task": plan["task"].pk})

    assert row_map_url(row) in listing
    assert page.status_code == 200 and 'name="resource"' in page.text and 'name="task"' in page.text
    assert response.status_code == 302 and response["Location"] == LIST_URL
    assert TimesheetEntry.objects.get().task == plan["task"]
    assert row_map_url(row) not in client.get(LIST_URL).text


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.FINANCE])
def test_other_roles_may_not_choose_for_a_row_and_nothing_changes(client, plan, role):
    row = _row_without_resource_or_task(plan)
    client.force_login(user_with_role(role))

    response = client.post(row_map_url(row), {"resource": plan["resource"].pk, "task": plan["task"].pk})

    assert response.status_code == 403
    row.refresh_from_db()
    assert (row.chosen_resource, row.chosen_task) == (None, None) and not TimesheetEntry.objects.exists()


def test_the_row_page_refuses_a_row_that_names_its_records_and_other_methods(client, plan):
    named = stored_row(2)
    client.force_login(user_with_role(Role.ADMINISTRATOR))

    assert client.get(row_map_url(named)).status_code == 404
    assert client.put(row_map_url(_row_without_resource_or_task(plan))).status_code == 405


def test_hours_the_import_refuses_after_the_choice_are_said_and_not_booked(plan):
    _linked_project(plan)
    row = stored_row(
        1, resource_reference="", resource_name="", task_reference="", task_name="", duration_minutes=25 * 60
    )

    result = mapping_services.time_entry_row_map(
        row_id=row.pk, resource=plan["resource"], task=plan["task"], actor=user_with_role(Role.ADMINISTRATOR)
    )

    assert not result.is_booked and "between 0 and 24" in result.refusal
    assert not TimesheetEntry.objects.exists()
