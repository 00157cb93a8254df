"""The plan under bad input: dates at the calendar's end, weeks out of range, garbage in every field."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from pmo.roles import Role
from projects import services
from projects.models import Task, TaskDependency
from tests.factories import ProjectFactory, TaskFactory, user_with_role

pytestmark = pytest.mark.django_db
D = datetime.date
GARBAGE = ["", " ", "abc", "-1", "9999-12-31", "0001-01-01", "31/02/2026", "1e309", "1" * 400, "é\x00"]


@pytest.fixture
def project():
    return ProjectFactory()


@pytest.fixture
def manager_client(client, project):
    client.force_login(project.project_manager)
    return client


def task_data(task, **changes) -> dict:
    return {
        "wbs_code": task.wbs_code,
        "name": task.name,
        "kind": "engineering",
        "status": "not_started",
        "planned_start": task.planned_start.isoformat(),
        "planned_end": task.planned_end.isoformat(),
        "progress": "0",
        **changes,
    }


def test_an_end_date_that_leaves_no_room_for_the_successor_is_a_form_error(manager_client, project):
    design = TaskFactory(
        project=project, wbs_code="1", planned_start=D(2027, 3, 1), planned_end=D(2027, 3, 5)
    )
    build = TaskFactory(
        project=project, wbs_code="2", planned_start=D(2027, 3, 8), planned_end=D(2027, 3, 12)
    )
    TaskDependency.objects.create(predecessor=design, successor=build)

    response = manager_client.post(
        f"/projects/tasks/{design.pk}/update/", task_data(design, planned_end="9999-12-31")
    )

    assert response.status_code == 400
    assert "planned_end" in response.context["form"].errors
    design.refresh_from_db()
    build.refresh_from_db()
    assert design.planned_end == D(2027, 3, 5) and build.planned_start == D(2027, 3, 8)


def test_the_scheduler_refuses_a_successor_pushed_past_the_calendar(project):
    design = TaskFactory(project=project, planned_start=D(2027, 3, 1), planned_end=D(9999, 12, 20))
    build = TaskFactory(project=project, planned_start=D(2027, 3, 8), planned_end=D(2027, 3, 30))

    with pytest.raises(ValidationError):
        services.task_dependency_create(predecessor=design, successor=build, actor=project.project_manager)

    assert not TaskDependency.objects.exists()
    assert Task.objects.get(pk=build.pk).planned_start == D(2027, 3, 8)


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "2027-W99", "abc", "-W", "2027-W", "1" * 50])
def test_the_capacity_page_takes_any_week(client, week):
    client.force_login(user_with_role(Role.ENGINEERING_MANAGER))

    assert client.get("/projects/capacity/", {"week": week}).status_code == 200


def test_garbage_in_any_task_field_is_never_a_server_error(manager_client, project):
    design = TaskFactory(
        project=project, wbs_code="1", planned_start=D(2027, 3, 1), planned_end=D(2027, 3, 5)
    )
    build = TaskFactory(
        project=project, wbs_code="2", planned_start=D(2027, 3, 8), planned_end=D(2027, 3, 12)
    )
    TaskDependency.objects.create(predecessor=design, successor=build)
    valid = task_data(design)

    statuses = [
        manager_client.post(f"/projects/tasks/{design.pk}/update/", {**valid, field: value}).status_code
        for field in valid
        for value in GARBAGE
    ] + [
        manager_client.post(f"/projects/{project.pk}/plan/tasks/create/", {**valid, field: value}).status_code
        for field in valid
        for value in GARBAGE
    ]

    assert max(statuses) < 500
    build.refresh_from_db()
    assert build.planned_start.year < 9999
