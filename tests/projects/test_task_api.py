"""Tasks over the REST API (issue 15): remaining work is read as a decimal string and set with PATCH by
who may change the project, through the same service as the plan page (derived progress follows)."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from pmo.roles import Role
from projects.models import ProgressMethod, Task, TaskKind
from projects.services import timesheets as timesheet_services
from tests.factories import (
    AssignmentFactory,
    ProjectFactory,
    ResourceFactory,
    TaskFactory,
    UserFactory,
    api_key_for,
    user_with_role,
)

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2027, 3, 1)


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


@pytest.fixture
def task():
    project = ProjectFactory(phase="execution", progress_method=ProgressMethod.HOURS)
    return TaskFactory(project=project, kind=TaskKind.ADMINISTRATION, remaining_hours=Decimal("12.50"))


def _url(task) -> str:
    return f"/api/v1/tasks/{task.pk}/"


def test_remaining_hours_are_read_as_a_decimal_string(task):
    other = TaskFactory(project=task.project, wbs_code="9", remaining_hours=None)
    client = token_client(task.project.project_manager)

    assert client.get(_url(task)).json()["remaining_hours"] == "12.50"
    listed = client.get("/api/v1/tasks/", {"project": task.project.pk}).json()["results"]
    assert {row["id"]: row["remaining_hours"] for row in listed} == {task.pk: "12.50", other.pk: None}


def test_the_project_manager_sets_remaining_hours_and_the_progress_follows(task):
    person = ResourceFactory(user=UserFactory())
    AssignmentFactory(task=task, resource=person, hours=Decimal("40"))
    timesheet_services.time_entry_set(
        resource=person, task=task, day=MONDAY, hours=Decimal("6"), actor=person.user
    )
    timesheet_services.timesheet_week_submit(resource=person, week_start=MONDAY, actor=person.user)
    sheet = task.project.timesheets.get()
    timesheet_services.timesheet_approve(timesheet=sheet, actor=task.project.project_manager)
    client = token_client(task.project.project_manager)

    response = client.patch(_url(task), {"remaining_hours": "2"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["remaining_hours"] == "2.00" and response.json()["progress"] == 75  # 6 / (6 + 2)
    stored = Task.objects.get(pk=task.pk)
    assert stored.remaining_hours == Decimal("2.00") and stored.progress == 75
    assert stored.history.first().history_user == task.project.project_manager
    assert (
        client.patch(_url(task), {"remaining_hours": None}, format="json").json()["remaining_hours"] is None
    )


@pytest.mark.parametrize(
    "body",
    [
        {"remaining_hours": "-1"},
        {"remaining_hours": "douze"},
        {"remaining_hours": "1.234"},
        {"remaining_hours": "100000"},
        {"remaining_hours": 3.5},  # a JSON number is not the published type (a decimal string)
        {},
        {"remaining_hours": "3", "progress": 90},
    ],
    ids=["negative", "text", "three-decimals", "too-large", "float", "missing", "other-field"],
)
def test_a_bad_value_is_refused_with_nothing_changed(task, body):
    before = Task.objects.get(pk=task.pk).history.count()

    response = token_client(task.project.project_manager).patch(_url(task), body, format="json")

    assert response.status_code == 400
    stored = Task.objects.get(pk=task.pk)
    assert (stored.remaining_hours, stored.progress) == (Decimal("12.50"), task.progress)
    assert stored.history.count() == before


def test_a_milestone_takes_no_remaining_work(task):
    milestone = TaskFactory(
        project=task.project, wbs_code="8", kind=TaskKind.MILESTONE, planned_start=MONDAY, planned_end=MONDAY
    )

    response = token_client(task.project.project_manager).patch(
        _url(milestone), {"remaining_hours": "4"}, format="json"
    )

    assert response.status_code == 400
    assert Task.objects.get(pk=milestone.pk).remaining_hours is None


@pytest.mark.parametrize(
    ("role", "status"), [(Role.FINANCE, 403), (Role.ENGINEERING_MANAGER, 403), (Role.SALES, 404)]
)
def test_who_may_not_change_the_project_may_not_set_remaining_work(task, role, status):
    response = token_client(user_with_role(role)).patch(_url(task), {"remaining_hours": "1"}, format="json")

    assert response.status_code == status
    assert Task.objects.get(pk=task.pk).remaining_hours == Decimal("12.50")


def test_tasks_are_not_replaced_or_deleted_through_the_api(task):
    client = token_client(task.project.project_manager)

    assert client.put(_url(task), {"remaining_hours": "1"}, format="json").status_code == 405
    assert client.delete(_url(task)).status_code == 405
