"""Timesheets: a person books a week on the grid, submits it; the PM or the engineering manager approves or
returns it per project; approved hours are locked and corrected only by reversing entries."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from pmo.roles import Role
from projects.models import (
    ApprovalTrack,
    Phase,
    TaskKind,
    Timesheet,
    TimesheetEntry,
    TimesheetReminder,
    TimesheetStatus,
)
from projects.services import timesheets as services
from tests.factories import (
    AssignmentFactory,
    ProjectFactory,
    ResourceFactory,
    TaskFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2027, 3, 1)
WEEK = "2027-W09"
H = Decimal


@pytest.fixture
def team():
    """A technician assigned to an installation and an administration task of one project in execution."""
    pm = user_with_role(Role.PROJECT_MANAGER, preferred_language="fr")
    project = ProjectFactory(phase=Phase.EXECUTION, project_manager=pm)
    technician = UserFactory(preferred_language="nl")
    resource = ResourceFactory(user=technician, name="Jan Peeters")
    install = TaskFactory(project=project, kind=TaskKind.INSTALLATION, name="Install switches")
    admin = TaskFactory(project=project, kind=TaskKind.ADMINISTRATION, name="Site report")
    AssignmentFactory(task=install, resource=resource)
    AssignmentFactory(task=admin, resource=resource, hours=H("8"))
    engineering_manager = user_with_role(Role.ENGINEERING_MANAGER)
    return {
        "pm": pm,
        "project": project,
        "technician": technician,
        "resource": resource,
        "install": install,
        "admin": admin,
        "engineering_manager": engineering_manager,
    }


def _book(team, task, day, hours):
    return services.time_entry_set(
        resource=team["resource"], task=task, day=day, hours=H(hours), actor=team["technician"]
    )


def _submitted_week(team):
    _book(team, team["install"], MONDAY, "7.5")
    _book(team, team["admin"], MONDAY + datetime.timedelta(days=1), "2")
    services.timesheet_week_submit(resource=team["resource"], week_start=MONDAY, actor=team["technician"])
    return {sheet.track: sheet for sheet in Timesheet.objects.all()}


# --- the grid ----------------------------------------------------------------------------------------


def test_it_shows_the_week_with_assigned_tasks_and_dutch_hours(client, team):
    _book(team, team["install"], MONDAY, "7.5")
    client.force_login(team["technician"])

    response = client.get(reverse("projects:timesheet-week"), {"week": WEEK})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Install switches" in page and "Site report" in page
    assert 'value="7,5"' in page  # the technician reads Dutch
    assert 'id="week-total">7,5<' in page


def test_it_saves_a_cell_typed_with_a_decimal_comma_and_returns_the_totals(client, team):
    client.force_login(team["technician"])

    response = client.post(
        reverse("projects:time-entry-save"),
        {"task": team["install"].pk, "day": "2027-03-02", "hours": "6,25"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    entry = TimesheetEntry.objects.get()
    assert entry.hours == H("6.25") and entry.day == datetime.date(2027, 3, 2)
    assert entry.timesheet.track == ApprovalTrack.ENGINEERING
    page = response.content.decode()
    assert f'id="task-total-{team["install"].pk}" hx-swap-oob="true">6,25<' in page
    assert 'id="day-total-2027-03-02" hx-swap-oob="true">6,25<' in page


def test_it_removes_the_hours_of_a_cell_left_blank(client, team):
    _book(team, team["install"], MONDAY, "4")
    client.force_login(team["technician"])

    client.post(
        reverse("projects:time-entry-save"), {"task": team["install"].pk, "day": "2027-03-01", "hours": ""}
    )

    assert not TimesheetEntry.objects.exists()


def test_it_refuses_a_task_of_a_project_the_person_is_not_on(client, team):
    other = TaskFactory(project=ProjectFactory(phase=Phase.EXECUTION))
    client.force_login(team["technician"])

    response = client.post(
        reverse("projects:time-entry-save"),
        {"task": other.pk, "day": "2027-03-01", "hours": "3"},
        HTTP_HX_REQUEST="true",
    )

    assert "alert-danger" in response.content.decode()
    assert not TimesheetEntry.objects.exists()


def test_it_refuses_more_than_24_hours_in_a_day(team):
    _book(team, team["install"], MONDAY, "20")

    with pytest.raises(ValidationError):
        _book(team, team["admin"], MONDAY, "5")

    assert list(TimesheetEntry.objects.values_list("hours", flat=True)) == [H("20")]


def test_it_refuses_a_cell_save_by_get(client, team):
    client.force_login(team["technician"])
    assert client.get(reverse("projects:time-entry-save")).status_code == 405


def test_a_user_without_a_resource_has_no_timesheet(client):
    client.force_login(user_with_role(Role.FINANCE))

    page = client.get(reverse("projects:timesheet-week"))
    save = client.post(reverse("projects:time-entry-save"), {"task": "1", "day": "2027-03-01", "hours": "2"})

    # The page says why instead of a 403 (the top bar offers it to everyone); booking stays refused.
    assert page.status_code == 200 and "no timesheet" in page.text
    assert save.status_code == 403


def test_it_copies_last_week_into_the_empty_days(client, team):
    _book(team, team["install"], MONDAY - datetime.timedelta(days=7), "8")
    _book(team, team["admin"], MONDAY - datetime.timedelta(days=6), "1.5")
    _book(team, team["admin"], MONDAY + datetime.timedelta(days=1), "3")  # already booked: kept
    client.force_login(team["technician"])

    client.post(reverse("projects:timesheet-week-copy"), {"week": WEEK})

    this_week = dict(
        TimesheetEntry.objects.filter(day__gte=MONDAY).values_list("day", "hours").order_by("day")
    )
    assert this_week == {MONDAY: H("8"), MONDAY + datetime.timedelta(days=1): H("3")}


@pytest.mark.parametrize("week", ["", "2027-W99", "2027", "2027-Wx", "2027-W09-W1", "1999-W01"])
def test_the_grid_shows_this_week_when_the_week_asked_is_missing_or_malformed(client, team, week):
    client.force_login(team["technician"])

    response = client.get(reverse("projects:timesheet-week"), {"week": week})

    assert response.status_code == 200
    this_monday = datetime.date.today() - datetime.timedelta(days=datetime.date.today().weekday())
    assert response.context["week"] == "{}-W{:02d}".format(*this_monday.isocalendar()[:2])


@pytest.mark.parametrize("action", ["timesheet-week-submit", "timesheet-week-copy"])
@pytest.mark.parametrize("week", [None, "", "2027-W99", "2027", "next week"])
def test_a_week_action_with_a_missing_or_malformed_week_is_refused_and_changes_nothing(
    client, team, action, week
):
    # Falling back to this week, as the grid does, would submit or fill a week nobody chose.
    this_monday = datetime.date.today() - datetime.timedelta(days=datetime.date.today().weekday())
    _book(team, team["install"], this_monday - datetime.timedelta(days=7), "8")
    _book(team, team["admin"], this_monday, "2")
    client.force_login(team["technician"])

    response = client.post(reverse(f"projects:{action}"), {} if week is None else {"week": week})

    assert response.status_code == 400
    assert set(Timesheet.objects.values_list("status", flat=True)) == {TimesheetStatus.DRAFT}
    assert list(TimesheetEntry.objects.filter(day__gte=this_monday).values_list("hours", flat=True)) == [
        H("2")
    ]


def test_the_grid_keeps_a_constant_number_of_queries(client, team, django_assert_num_queries):
    for offset in range(5):
        _book(team, team["install"], MONDAY + datetime.timedelta(days=offset), "7")
    client.force_login(team["technician"])
    url = reverse("projects:timesheet-week")
    client.get(url, {"week": WEEK})
    with django_assert_num_queries(9) as few:
        client.get(url, {"week": WEEK})
    for number in range(6):
        task = TaskFactory(project=team["project"], kind=TaskKind.ENGINEERING, name=f"More {number}")
        AssignmentFactory(task=task, resource=team["resource"])
        _book(team, task, MONDAY, "0.5")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url, {"week": WEEK})


# --- the "add a task" picker: the matches of what is typed, never every bookable task ----------------------
def _picker(client, term=""):
    url = reverse("pmo:search-select-options", args=["timesheet-tasks"])
    return client.get(url, {"field": "task", "task_search": term})


def test_the_picker_finds_bookable_tasks_by_project_code_or_task_name(client, team):
    cabling = TaskFactory(project=team["project"], kind=TaskKind.ENGINEERING, name="Cabling floor 2")
    client.force_login(team["technician"])

    by_name = _picker(client, "cabl").text
    by_code = _picker(client, team["project"].code.lower()).text

    assert f'value="{cabling.pk}"' in by_name and "Install switches" not in by_name
    assert f"{team['project'].code} {cabling.wbs_code} Cabling floor 2" in by_name
    assert f'value="{cabling.pk}"' in by_code and f'value="{team["install"].pk}"' in by_code


def test_the_picker_never_offers_a_task_the_person_may_not_book(client, team):
    elsewhere = TaskFactory(project=ProjectFactory(phase=Phase.EXECUTION), name="Elsewhere work")
    other_person = ResourceFactory(user=UserFactory())
    theirs = TaskFactory(project=ProjectFactory(phase=Phase.EXECUTION), name="Their work")
    AssignmentFactory(task=theirs, resource=other_person)
    finished = TaskFactory(project=team["project"], name="Finished work", status="done")
    closed = TaskFactory(project=ProjectFactory(phase=Phase.HANDED_OVER), name="Closed work")
    AssignmentFactory(task=closed, resource=team["resource"])
    milestone = TaskFactory(
        project=team["project"], kind=TaskKind.MILESTONE, name="Milestone work", planned_end=MONDAY
    )
    client.force_login(team["technician"])

    page = _picker(client, "work").text

    for task in (elsewhere, theirs, finished, closed, milestone):
        assert f'value="{task.pk}"' not in page, task.name
    assert page.count("<option") == 1  # only the empty choice


def test_the_picker_offers_nothing_to_someone_without_a_resource_and_nobody_signed_out(client, team):
    client.force_login(user_with_role(Role.PROJECT_MANAGER))
    assert _picker(client).text.count("<option") == 1
    client.logout()
    response = _picker(client)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_picker_lists_at_most_its_limit(client, team):
    from pmo.lib.search_select import LIMIT

    for number in range(LIMIT + 5):
        TaskFactory(project=team["project"], kind=TaskKind.ENGINEERING, name=f"Extra {number}")
    client.force_login(team["technician"])

    assert _picker(client, "extra").text.count("<option") == LIMIT + 1


def test_the_grid_renders_only_the_first_matches_and_adds_the_picked_task_as_a_row(client, team):
    from pmo.lib.search_select import LIMIT

    for number in range(LIMIT + 5):
        TaskFactory(project=team["project"], kind=TaskKind.ENGINEERING, name=f"Extra {number}")
    picked = TaskFactory(project=team["project"], kind=TaskKind.ENGINEERING, name="Picked one")
    client.force_login(team["technician"])
    url = reverse("projects:timesheet-week")

    page = client.get(url, {"week": WEEK}).text
    narrowed = client.get(url, {"week": WEEK, "task": "", "task_search": "picked"}).text
    added = client.get(url, {"week": WEEK, "task": picked.pk}).text

    assert page.count("<option") == LIMIT + 1 and 'name="task_search"' in page
    assert narrowed.count("<option") == 2 and f'<option value="{picked.pk}">' in narrowed
    assert f'data-task="{picked.pk}"' in added  # its row, with cells to type in


def test_the_picker_runs_a_constant_number_of_queries(client, team, django_assert_num_queries):
    client.force_login(team["technician"])
    _picker(client, "site")
    with django_assert_num_queries(4) as few:  # session, user, roles, the matches
        _picker(client, "site")
    for number in range(30):
        TaskFactory(project=team["project"], kind=TaskKind.ENGINEERING, name=f"Site {number}")
    with django_assert_num_queries(len(few.captured_queries)):
        assert _picker(client, "site").text.count("<option") > 25


# --- submitting and approving -------------------------------------------------------------------------


def test_submitting_splits_the_week_per_approver_and_locks_the_cells(client, team):
    sheets = _submitted_week(team)

    assert set(sheets) == {ApprovalTrack.ENGINEERING, ApprovalTrack.PROJECT}
    assert {sheet.status for sheet in sheets.values()} == {TimesheetStatus.SUBMITTED}
    with pytest.raises(ValidationError):
        _book(team, team["install"], MONDAY, "9")
    assert TimesheetEntry.objects.get(task=team["install"]).hours == H("7.5")
    client.force_login(team["technician"])
    page = client.get(reverse("projects:timesheet-week"), {"week": WEEK}).content.decode()
    assert 'name="hours"' not in page  # no input left: everything waits for approval


def test_submitting_an_empty_week_is_refused(team):
    with pytest.raises(ValidationError):
        services.timesheet_week_submit(resource=team["resource"], week_start=MONDAY, actor=team["technician"])
    assert not Timesheet.objects.exists()


def test_nobody_submits_someone_elses_week(client, team):
    _book(team, team["install"], MONDAY, "4")
    client.force_login(team["pm"])

    client.post(reverse("projects:timesheet-week-submit"), {"week": WEEK})

    assert Timesheet.objects.get().status == TimesheetStatus.DRAFT


def test_the_pm_approves_the_project_track_and_the_engineering_manager_the_installation(client, team):
    sheets = _submitted_week(team)
    project_sheet, engineering_sheet = sheets[ApprovalTrack.PROJECT], sheets[ApprovalTrack.ENGINEERING]

    client.force_login(team["pm"])
    listing = client.get(reverse("projects:timesheet-approval-list")).content.decode()
    assert "Site report" in listing and "Install switches" not in listing
    # The PM may not approve the engineering manager's part: it is not even visible to them.
    assert client.post(reverse("projects:timesheet-approve", args=[engineering_sheet.pk])).status_code == 404
    client.post(reverse("projects:timesheet-approve", args=[project_sheet.pk]))

    client.force_login(team["engineering_manager"])
    client.post(reverse("projects:timesheet-approve", args=[engineering_sheet.pk]))

    project_sheet.refresh_from_db()
    engineering_sheet.refresh_from_db()
    assert project_sheet.status == engineering_sheet.status == TimesheetStatus.APPROVED
    assert project_sheet.decided_by == team["pm"]
    assert engineering_sheet.decided_by == team["engineering_manager"]


def test_another_pm_cannot_approve_and_nothing_changes(client, team):
    sheet = _submitted_week(team)[ApprovalTrack.PROJECT]
    client.force_login(user_with_role(Role.PROJECT_MANAGER))

    response = client.post(reverse("projects:timesheet-approve", args=[sheet.pk]))

    assert response.status_code == 404
    sheet.refresh_from_db()
    assert sheet.status == TimesheetStatus.SUBMITTED
    assert sheet.history.count() == 2  # created, submitted


def test_a_technician_cannot_approve_their_own_week(client, team):
    sheet = _submitted_week(team)[ApprovalTrack.PROJECT]
    client.force_login(team["technician"])

    response = client.post(reverse("projects:timesheet-approve", args=[sheet.pk]))

    assert response.status_code == 403
    sheet.refresh_from_db()
    assert sheet.status == TimesheetStatus.SUBMITTED


def test_approving_by_get_is_refused(client, team):
    sheet = _submitted_week(team)[ApprovalTrack.PROJECT]
    client.force_login(team["pm"])
    assert client.get(reverse("projects:timesheet-approve", args=[sheet.pk])).status_code == 405


def test_returning_needs_a_reason_and_mails_the_author_in_dutch(
    client, team, django_capture_on_commit_callbacks
):
    sheet = _submitted_week(team)[ApprovalTrack.PROJECT]
    client.force_login(team["pm"])

    client.post(reverse("projects:timesheet-return", args=[sheet.pk]), {"reason": ""})
    sheet.refresh_from_db()
    assert sheet.status == TimesheetStatus.SUBMITTED and mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("projects:timesheet-return", args=[sheet.pk]), {"reason": "Dinsdag was een feestdag"}
        )
    sheet.refresh_from_db()
    assert sheet.status == TimesheetStatus.RETURNED
    assert sheet.return_reason == "Dinsdag was een feestdag"
    assert len(mail.outbox) == 1 and "Dinsdag was een feestdag" in mail.outbox[0].body
    assert "teruggestuurd" in mail.outbox[0].subject
    # Returned hours can be changed again and submitted anew.
    _book(team, team["admin"], MONDAY + datetime.timedelta(days=1), "0")
    _book(team, team["admin"], MONDAY + datetime.timedelta(days=2), "2")
    services.timesheet_week_submit(resource=team["resource"], week_start=MONDAY, actor=team["technician"])
    sheet.refresh_from_db()
    assert sheet.status == TimesheetStatus.SUBMITTED


def test_the_approval_list_keeps_a_constant_number_of_queries(client, team, django_assert_num_queries):
    client.force_login(team["pm"])
    url = reverse("projects:timesheet-approval-list")
    client.get(url)
    with django_assert_num_queries(5):  # nothing waits: the same queries as a full list (S and L alike)
        assert 'id="timesheet-' not in client.get(url).content.decode()
    _submitted_week(team)
    with django_assert_num_queries(5) as few:
        client.get(url)
    for _number in range(4):
        person = ResourceFactory(user=UserFactory())
        task = TaskFactory(project=team["project"], kind=TaskKind.ADMINISTRATION)
        AssignmentFactory(task=task, resource=person)
        services.time_entry_set(resource=person, task=task, day=MONDAY, hours=H("3"), actor=person.user)
        services.timesheet_week_submit(resource=person, week_start=MONDAY, actor=person.user)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).content.decode().count('id="timesheet-') == 5


def test_a_technician_sees_only_their_own_sheets(client, team):
    sheet = _submitted_week(team)[ApprovalTrack.PROJECT]
    colleague = ResourceFactory(user=UserFactory())
    client.force_login(colleague.user)

    assert client.get(reverse("projects:timesheet-approval-list")).status_code == 403
    assert "Site report" not in client.get(reverse("projects:timesheet-list")).content.decode()
    assert client.post(reverse("projects:timesheet-correct", args=[sheet.pk])).status_code == 404


# --- locked after approval, corrections reverse -------------------------------------------------------


def _approved_week(team):
    sheets = _submitted_week(team)
    services.timesheet_approve(timesheet=sheets[ApprovalTrack.PROJECT], actor=team["pm"])
    services.timesheet_approve(timesheet=sheets[ApprovalTrack.ENGINEERING], actor=team["engineering_manager"])
    return sheets


def test_an_approved_sheet_cannot_be_changed_by_anyone(team):
    sheets = _approved_week(team)

    with pytest.raises(ValidationError):
        _book(team, team["install"], MONDAY, "2")
    with pytest.raises(ValidationError):
        services.timesheet_return(timesheet=sheets[ApprovalTrack.PROJECT], actor=team["pm"], reason="again")
    with pytest.raises(ValidationError):  # the PM books nobody's hours
        services.time_entry_set(
            resource=team["resource"], task=team["admin"], day=MONDAY, hours=H("1"), actor=team["pm"]
        )

    assert sorted(TimesheetEntry.objects.values_list("hours", flat=True)) == [H("2"), H("7.5")]
    assert all(sheet.status == TimesheetStatus.APPROVED for sheet in Timesheet.objects.all())


def test_a_correction_reverses_the_approved_hours_and_is_approved_again(team):
    sheets = _approved_week(team)
    correction = services.timesheet_correction_open(
        timesheet=sheets[ApprovalTrack.ENGINEERING], actor=team["technician"]
    )

    _book(team, team["install"], MONDAY, "6")

    assert correction.revision == 2
    rows = list(
        TimesheetEntry.objects.filter(task=team["install"])
        .order_by("pk")
        .values_list("hours", "timesheet_id")
    )
    assert rows == [
        (H("7.5"), sheets[ApprovalTrack.ENGINEERING].pk),
        (H("-7.5"), correction.pk),
        (H("6"), correction.pk),
    ]
    reversal = TimesheetEntry.objects.get(hours=H("-7.5"))
    assert reversal.reverses.timesheet_id == sheets[ApprovalTrack.ENGINEERING].pk
    assert reversal.history.first().history_change_reason == "Correction"
    services.timesheet_week_submit(resource=team["resource"], week_start=MONDAY, actor=team["technician"])
    services.timesheet_approve(timesheet=correction, actor=team["engineering_manager"])
    from projects.selectors.timesheets import approved_entries

    assert sum(approved_entries().filter(task=team["install"]).values_list("hours", flat=True)) == H("6")


def test_a_second_correction_of_the_same_week_is_refused(team):
    sheets = _approved_week(team)
    services.timesheet_correction_open(timesheet=sheets[ApprovalTrack.PROJECT], actor=team["technician"])

    with pytest.raises(ValidationError):
        services.timesheet_correction_open(timesheet=sheets[ApprovalTrack.PROJECT], actor=team["technician"])

    assert Timesheet.objects.filter(track=ApprovalTrack.PROJECT).count() == 2


# --- reminders ----------------------------------------------------------------------------------------


def test_it_reminds_once_per_person_and_week_in_their_language(team):
    # Assigned to tasks of week 9 and nothing submitted: a reminder goes on Monday of week 10.
    today = MONDAY + datetime.timedelta(days=7)

    assert services.timesheet_reminders_send(today=today) == 1
    assert services.timesheet_reminders_send(today=today) == 0

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [team["technician"].email]
    assert "niet ingediend" in mail.outbox[0].subject
    assert TimesheetReminder.objects.get().status == TimesheetReminder.Status.SENT


def test_no_reminder_for_a_submitted_week(team):
    _submitted_week(team)

    assert services.timesheet_reminders_send(today=MONDAY + datetime.timedelta(days=7)) == 0
    assert mail.outbox == [] and not TimesheetReminder.objects.exists()


def test_no_reminder_is_recorded_as_sent_to_someone_without_an_email(team):
    team["technician"].email = ""
    team["technician"].save(update_fields=["email"])

    assert services.timesheet_reminders_send(today=MONDAY + datetime.timedelta(days=7)) == 0
    assert mail.outbox == [] and not TimesheetReminder.objects.exists()


def test_the_capacity_view_shows_booked_beside_planned_hours(client, team):
    _book(team, team["install"], MONDAY, "7.5")
    _book(team, team["admin"], MONDAY + datetime.timedelta(days=1), "2.25")
    client.force_login(team["engineering_manager"])

    response = client.get(reverse("projects:capacity"), {"week": WEEK})

    row = next(row for row in response.context["rows"] if row.resource == team["resource"])
    assert row.cells[0].booked == H("9.75") and row.cells[1].booked == 0
    page = response.content.decode()
    start = page.index("Booked on timesheets")
    assert "9,75 h" in page[start : start + 80]  # Belgian decimals in every language of the app
