"""Task progress measured by hours (issue 15): per project, progress is typed by hand (the default) or
derived from approved hours ÷ (approved + remaining hours); the project manager keeps remaining work up to
date on the plan, and EVM reads the derived figure."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from pmo.roles import Role
from projects.models import (
    ApprovalTrack,
    Phase,
    ProgressMethod,
    Task,
    TaskKind,
    TaskStatus,
    Timesheet,
)
from projects.services import project_update, task_remaining_set, task_update
from projects.services import timesheets as services
from reporting.selectors.evm import _evm_in_python, evm_for_project, evm_for_projects
from tests.factories import (
    AssignmentFactory,
    ProjectFactory,
    ResourceFactory,
    TaskFactory,
    UserFactory,
    user_with_role,
)
from tests.reporting.test_evm import worked_example

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2027, 3, 1)
H = Decimal


@pytest.fixture
def team():
    """A technician on an installation task (40 h planned) and an administration task (8 h planned)."""
    pm = user_with_role(Role.PROJECT_MANAGER, preferred_language="fr")
    project = ProjectFactory(phase=Phase.EXECUTION, project_manager=pm)
    technician = UserFactory(preferred_language="nl")
    resource = ResourceFactory(user=technician)
    install = TaskFactory(project=project, kind=TaskKind.INSTALLATION, name="Install switches")
    admin = TaskFactory(project=project, kind=TaskKind.ADMINISTRATION, name="Site report")
    AssignmentFactory(task=install, resource=resource, hours=H("40"))
    AssignmentFactory(task=admin, resource=resource, hours=H("8"))
    return {
        "pm": pm,
        "project": project,
        "technician": technician,
        "resource": resource,
        "install": install,
        "admin": admin,
        "engineering_manager": user_with_role(Role.ENGINEERING_MANAGER),
    }


def _derive(team):
    project_update(project=team["project"], actor=team["pm"], progress_method=ProgressMethod.HOURS)


def _approve_week(team, install_hours="7.5", admin_hours="2", approve=True):
    for task, hours, day in ((team["install"], install_hours, 0), (team["admin"], admin_hours, 1)):
        services.time_entry_set(
            resource=team["resource"],
            task=task,
            day=MONDAY + datetime.timedelta(days=day),
            hours=H(hours),
            actor=team["technician"],
        )
    services.timesheet_week_submit(resource=team["resource"], week_start=MONDAY, actor=team["technician"])
    if approve:
        _approve_submitted(team)


def _approve_submitted(team):
    for sheet in Timesheet.objects.filter(status="submitted"):
        approver = team["engineering_manager"] if sheet.track == ApprovalTrack.ENGINEERING else team["pm"]
        services.timesheet_approve(timesheet=sheet, actor=approver)


def _progress(task) -> int:
    return Task.objects.get(pk=task.pk).progress


# --- the services ----------------------------------------------------------------------------------------


def test_approved_hours_give_the_progress_against_planned_hours(team):
    _derive(team)

    _approve_week(team)

    # Nothing remaining set yet: remaining is planned less approved, so progress is approved ÷ planned.
    assert _progress(team["install"]) == 18  # 7.5 / 40 = 18.75 %, rounded down
    assert _progress(team["admin"]) == 25  # 2 / 8
    history = Task.objects.get(pk=team["install"].pk).history.first()
    assert history.progress == 18 and history.history_change_reason == "Progress derived from hours"
    assert history.history_user == team["engineering_manager"]


def test_a_task_not_started_moves_to_in_progress_with_its_first_approved_hours(team):
    _derive(team)
    _approve_week(team, approve=False)
    assert Task.objects.get(pk=team["install"].pk).status == TaskStatus.NOT_STARTED  # submitted, not approved

    _approve_submitted(team)

    install = Task.objects.get(pk=team["install"].pk)
    assert install.status == TaskStatus.IN_PROGRESS and install.progress == 18
    assert install.actual_start == MONDAY  # the first day of approved work, not the day it was approved
    admin = Task.objects.get(pk=team["admin"].pk)
    assert admin.status == TaskStatus.IN_PROGRESS
    assert admin.actual_start == MONDAY + datetime.timedelta(days=1)
    history = install.history.first()
    assert (history.status, history.progress) == (TaskStatus.IN_PROGRESS, 18)
    assert history.history_change_reason == "Progress derived from hours"
    assert history.history_user == team["engineering_manager"]
    assert install.history.filter(status=TaskStatus.NOT_STARTED).exists()  # the move is in the history


def test_a_task_whose_derived_progress_stays_at_zero_is_not_started(team):
    _derive(team)
    task_remaining_set(task=team["install"], remaining_hours=H("10000"), actor=team["pm"])

    _approve_week(team, install_hours="0.5")  # 0.5 / 10000.5: below 1 %, rounded down to 0

    install = Task.objects.get(pk=team["install"].pk)
    assert (install.status, install.progress, install.actual_start) == (TaskStatus.NOT_STARTED, 0, None)


def test_hand_entered_progress_does_not_start_a_task_by_its_hours(team):
    _approve_week(team)

    assert Task.objects.get(pk=team["install"].pk).status == TaskStatus.NOT_STARTED


def test_remaining_work_set_by_the_pm_moves_the_progress(team):
    _derive(team)
    _approve_week(team)

    task = task_remaining_set(task=team["install"], remaining_hours=H("2.5"), actor=team["pm"])

    assert task.remaining_hours == H("2.5") and task.progress == 75  # 7.5 / (7.5 + 2.5)
    assert _progress(team["admin"]) == 25  # the other task did not move
    task_remaining_set(task=team["install"], remaining_hours=H("0"), actor=team["pm"])
    assert _progress(team["install"]) == 100
    task_remaining_set(task=team["install"], remaining_hours=None, actor=team["pm"])  # back to the plan
    assert _progress(team["install"]) == 18
    history = Task.objects.get(pk=team["install"].pk).history.values_list("remaining_hours", "progress")
    # Newest first: each change of remaining work is one row, the progress it gives the next.
    assert list(history[:6]) == [
        (None, 18),
        (None, 100),
        (H("0"), 100),
        (H("0"), 75),
        (H("2.5"), 75),
        (H("2.5"), 18),
    ]


def test_an_approved_correction_moves_the_progress(team):
    _derive(team)
    _approve_week(team)
    task_remaining_set(task=team["install"], remaining_hours=H("2.5"), actor=team["pm"])
    sheet = Timesheet.objects.get(track=ApprovalTrack.ENGINEERING)
    correction = services.timesheet_correction_open(timesheet=sheet, actor=team["technician"])
    services.time_entry_set(
        resource=team["resource"], task=team["install"], day=MONDAY, hours=H("6"), actor=team["technician"]
    )
    services.timesheet_week_submit(resource=team["resource"], week_start=MONDAY, actor=team["technician"])

    assert _progress(team["install"]) == 75  # the correction counts once it is approved
    services.timesheet_approve(timesheet=correction, actor=team["engineering_manager"])

    assert _progress(team["install"]) == 70  # 6 / (6 + 2.5) = 70.6 %


def test_hand_entered_progress_is_left_alone(team):
    task_update(task=team["install"], actor=team["pm"], progress=40)
    history_before = Task.objects.get(pk=team["install"].pk).history.count()

    _approve_week(team)
    task_remaining_set(task=team["install"], remaining_hours=H("1"), actor=team["pm"])

    install = Task.objects.get(pk=team["install"].pk)
    assert install.progress == 40 and _progress(team["admin"]) == 0
    assert install.history.count() == history_before + 1  # the remaining work only, not the progress
    assert install.history.first().progress == 40


def test_switching_to_derived_progress_recomputes_at_once_and_is_in_the_history(team):
    _approve_week(team)
    task_update(task=team["admin"], actor=team["pm"], progress=90)

    _derive(team)

    assert _progress(team["install"]) == 18 and _progress(team["admin"]) == 25
    project = team["project"]
    project.refresh_from_db()
    assert project.history.first().progress_method == ProgressMethod.HOURS
    assert project.history.first().history_user == team["pm"]
    project_update(project=project, actor=team["pm"], progress_method=ProgressMethod.MANUAL)
    assert _progress(team["admin"]) == 25  # back to hand entry: the last figure stays, to be typed on


def test_a_task_without_hours_keeps_its_progress_and_a_done_task_is_complete(team):
    summary = TaskFactory(project=team["project"], kind=TaskKind.ENGINEERING, progress=30)
    _derive(team)
    task_update(task=team["admin"], actor=team["pm"], status="done")

    assert _progress(summary) == 30
    assert _progress(team["admin"]) == 100


def test_a_done_task_has_nothing_remaining_unless_the_pm_says_otherwise(team):
    from projects.selectors.timesheets import tasks_with_hours

    task_update(task=team["admin"], actor=team["pm"], status="done")
    rows = {task.pk: task for task in tasks_with_hours(Task.objects.filter(project=team["project"]))}
    assert rows[team["admin"].pk].remaining_work == 0  # 8 h planned, none approved, but done
    assert rows[team["install"].pk].remaining_work == H("40")

    task_remaining_set(task=Task.objects.get(pk=team["admin"].pk), remaining_hours=H("3"), actor=team["pm"])
    rows = {task.pk: task for task in tasks_with_hours(Task.objects.filter(project=team["project"]))}
    assert rows[team["admin"].pk].remaining_work == H("3")


def test_negative_remaining_work_is_refused(team):
    _derive(team)

    with pytest.raises(Exception, match="negative"):
        task_remaining_set(task=team["install"], remaining_hours=H("-1"), actor=team["pm"])
    assert Task.objects.get(pk=team["install"].pk).remaining_hours is None


def test_evm_earns_the_derived_progress_in_sql_and_in_python():
    project = worked_example()
    task_a = project.tasks.order_by("planned_start").first()
    pm = project.project_manager
    project_update(project=project, actor=pm, progress_method=ProgressMethod.HOURS)

    # 20 approved of 40 planned hours: 50 %, the hand-entered figure of the worked example.
    assert evm_for_project(project=project, as_of=datetime.date(2027, 3, 5)).ev == H("2000.00")
    task_remaining_set(task=task_a, remaining_hours=H("60"), actor=pm)

    as_of = datetime.date(2027, 3, 5)
    assert evm_for_project(project=project, as_of=as_of).ev == H("1000.00")  # 20 / 80 = 25 % of 4,000
    assert _evm_in_python(project_ids=[project.pk], as_of=as_of) == evm_for_projects(
        project_ids=[project.pk], as_of=as_of
    )


# --- the plan page and who may change it -----------------------------------------------------------------


def test_the_pm_sets_remaining_work_in_a_plan_row(client, team):
    _derive(team)
    _approve_week(team)
    client.force_login(team["pm"])

    response = client.post(
        reverse("projects:task-remaining-set", args=[team["install"].pk]),
        {"remaining_hours": "2,5"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith("<tr") and f'id="task-row-{team["install"].pk}"' in row
    assert 'value="2,5"' in row and "75 %" in row and "7,5" in row  # the PM reads French
    assert Task.objects.get(pk=team["install"].pk).remaining_hours == H("2.5")
    assert response["HX-Trigger"] == "plan-changed"
    summary = client.get(
        reverse("projects:project-plan", args=[team["project"].pk]),
        {"part": "summary"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert (
        summary.lstrip().startswith('<div class="small text-muted" id="plan-summary"') and "50 %" in summary
    )


def test_the_plan_shows_approved_and_remaining_hours(client, team):
    _approve_week(team)
    client.force_login(team["pm"])

    page = client.get(reverse("projects:project-plan", args=[team["project"].pk])).content.decode()

    row = page.split(f'id="task-row-{team["install"].pk}"')[1].split("</tr>")[0]
    assert '<td class="text-end">7,5</td>' in row  # approved, in French
    assert 'placeholder="32,5"' in row  # remaining: 40 planned less 7.5 approved
    assert 'id="progress-method"' in page


def test_a_plain_post_redirects_to_the_plan_and_a_bad_figure_is_refused(client, team):
    client.force_login(team["pm"])
    url = reverse("projects:task-remaining-set", args=[team["install"].pk])

    response = client.post(url, {"remaining_hours": "4"})
    assert response.status_code == 302 and response.url.endswith(f"/{team['project'].pk}/plan/")

    response = client.post(url, {"remaining_hours": "-3"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # htmx swaps the row with its error; it swaps no 4xx answer
    assert "is-invalid" in response.content.decode() and "HX-Trigger" not in response
    assert Task.objects.get(pk=team["install"].pk).remaining_hours == H("4")


def test_remaining_work_is_not_set_by_get(client, team):
    client.force_login(team["pm"])

    response = client.get(reverse("projects:task-remaining-set", args=[team["install"].pk]))

    assert response.status_code == 405


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("technician", 404),  # books on the project but does not see it: 404, the house rule
        ("other_pm", 404),
        ("engineering_manager", 403),  # reads every project, approves its hours, does not plan it
        (Role.FINANCE, 403),
    ],
)
def test_only_who_may_change_the_project_sets_remaining_work(client, team, who, status):
    _derive(team)
    _approve_week(team)
    user = team[who] if who in team else user_with_role(Role.PROJECT_MANAGER if who == "other_pm" else who)
    history_before = Task.objects.get(pk=team["install"].pk).history.count()
    client.force_login(user)

    response = client.post(
        reverse("projects:task-remaining-set", args=[team["install"].pk]), {"remaining_hours": "1"}
    )

    assert response.status_code == status
    install = Task.objects.get(pk=team["install"].pk)
    assert install.remaining_hours is None and install.progress == 18
    assert install.history.count() == history_before


def test_only_who_may_change_the_project_switches_its_progress_method(client, team):
    client.force_login(team["engineering_manager"])

    response = client.post(
        reverse("projects:project-update", args=[team["project"].pk]), {"progress_method": "hours"}
    )

    assert response.status_code == 403
    team["project"].refresh_from_db()
    assert team["project"].progress_method == ProgressMethod.MANUAL


def test_the_task_form_takes_remaining_work_and_ignores_a_typed_progress_when_derived(client, team):
    _derive(team)
    _approve_week(team)
    install = team["install"]
    client.force_login(team["pm"])

    response = client.post(
        reverse("projects:task-update", args=[install.pk]),
        {
            "wbs_code": install.wbs_code,
            "name": install.name,
            "kind": install.kind,
            "status": "in_progress",
            "planned_start": "2027-03-01",
            "planned_end": "2027-03-12",
            "progress": "90",
            "remaining_hours": "22,5",
        },
    )

    assert response.status_code == 200
    install.refresh_from_db()
    assert install.remaining_hours == H("22.5") and install.progress == 25  # 7.5 / (7.5 + 22.5)
    (progress_input,) = re.findall(r'<input[^>]*name="progress"[^>]*>', response.text)
    assert "disabled" in progress_input


def test_the_plan_keeps_its_number_of_queries_whatever_its_rows(client, team):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _approve_week(team)
    client.force_login(team["pm"])
    url = reverse("projects:project-plan", args=[team["project"].pk])
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(20):
        task = TaskFactory(project=team["project"], wbs_code=f"9.{number}")
        AssignmentFactory(task=task, resource=team["resource"], hours=H("4"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.status_code == 200 and response.text.count('name="remaining_hours"') == 22
    assert len(many) == len(few)


def test_importing_a_plan_derives_the_progress_of_the_tasks_it_adds(team):
    from projects.services import plan_import

    _derive(team)
    content = (
        b"wbs_code;name;kind;planned_start;planned_end;progress;remaining_hours\n"
        b"90;Cabling;engineering;2027-03-01;2027-03-05;60;10\n"
        b"91;Summary without hours;engineering;2027-03-01;2027-03-05;40;\n"
    )

    result = plan_import(project=team["project"], actor=team["pm"], filename="plan.csv", content=content)

    assert result.created == 2 and not result.errors
    cabling = Task.objects.get(project=team["project"], wbs_code="90")
    assert cabling.progress == 0  # nothing approved of its 10 hours: the typed 60 % is not its progress
    assert cabling.history.first().history_change_reason == "Progress derived from hours"
    assert (
        _progress(Task.objects.get(project=team["project"], wbs_code="91")) == 40
    )  # no hours to derive from


def test_importing_a_plan_keeps_the_typed_progress_when_it_is_entered_by_hand(team):
    from projects.services import plan_import

    content = (
        b"wbs_code;name;kind;planned_start;planned_end;progress;remaining_hours\n"
        b"90;Cabling;engineering;2027-03-01;2027-03-05;60;10\n"
    )

    plan_import(project=team["project"], actor=team["pm"], filename="plan.csv", content=content)

    assert Task.objects.get(project=team["project"], wbs_code="90").progress == 60
