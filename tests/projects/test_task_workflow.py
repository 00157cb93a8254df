"""Task status moves go through Task.workflow (pmo.lib.transitions), from the form, the buttons and hours."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pmo.lib.transitions import allowed_actions
from pmo.roles import Role
from projects import services
from projects.models import Task, TaskStatus
from tests.factories import ProjectFactory, TaskFactory, user_with_role

pytestmark = pytest.mark.django_db
S = TaskStatus


@pytest.fixture
def task():
    return TaskFactory(project=ProjectFactory(), status=S.NOT_STARTED, progress=0)


def _snapshot(task: Task) -> tuple:
    task.refresh_from_db()
    return task.status, task.progress, task.actual_start, task.actual_end, task.history.count()


def test_the_workflow_lists_the_moves_the_task_form_allowed():
    table = Task.workflow.table

    assert set(table[S.NOT_STARTED]) == {S.IN_PROGRESS, S.DONE, S.CANCELLED}
    assert set(table[S.IN_PROGRESS]) == {S.DONE, S.NOT_STARTED, S.CANCELLED}
    assert set(table[S.DONE]) == {S.IN_PROGRESS, S.NOT_STARTED, S.CANCELLED}
    assert set(table[S.CANCELLED]) == {S.DONE, S.IN_PROGRESS, S.NOT_STARTED}


def test_it_starts_and_finishes_a_task_with_history(task):
    manager = task.project.project_manager

    started = services.task_status_set(task=task, status=S.IN_PROGRESS, actor=manager)
    done = services.task_status_set(task=started, status=S.DONE, actor=manager)

    done.refresh_from_db()
    assert (done.status, done.progress) == (S.DONE, 100)
    assert done.actual_start is not None and done.actual_end is not None
    assert [row.status for row in done.history.order_by("history_date")][-2:] == [S.IN_PROGRESS, S.DONE]
    assert done.history.latest().history_user == manager


def test_it_refuses_not_started_on_a_task_with_progress_and_nothing_changes(task):
    manager = task.project.project_manager
    services.task_status_set(task=task, status=S.IN_PROGRESS, actor=manager)
    Task.objects.filter(pk=task.pk).update(progress=40)
    before = _snapshot(task)

    with pytest.raises(ValidationError, match="progress to 0"):
        services.task_status_set(task=task, status=S.NOT_STARTED, actor=manager)

    assert _snapshot(task) == before


def test_it_refuses_a_status_the_table_does_not_know_and_nothing_changes(task):
    before = _snapshot(task)

    with pytest.raises(ValidationError):
        services.task_status_set(task=task, status="archived", actor=task.project.project_manager)
    with pytest.raises(ValidationError):  # no move to where it already is
        services.task_status_set(task=task, status=S.NOT_STARTED, actor=task.project.project_manager)

    assert _snapshot(task) == before


def test_it_refuses_someone_who_may_not_change_the_plan_and_nothing_changes(task):
    before = _snapshot(task)

    with pytest.raises(ValidationError):
        services.task_status_set(task=task, status=S.DONE, actor=user_with_role(Role.SALES))

    assert _snapshot(task) == before


def test_the_form_path_still_moves_progress_on_a_task_not_started_to_in_progress(task):
    saved, _moved = services.task_update(task=task, actor=task.project.project_manager, progress=30)

    saved.refresh_from_db()
    assert (saved.status, saved.progress) == (S.IN_PROGRESS, 30)
    assert saved.actual_start is not None


def test_the_form_path_goes_back_to_not_started_with_progress_0(task):
    manager = task.project.project_manager
    services.task_update(task=task, actor=manager, status=S.DONE)

    saved, _moved = services.task_update(task=task, actor=manager, status=S.NOT_STARTED, progress=0)

    saved.refresh_from_db()
    assert (saved.status, saved.progress) == (S.NOT_STARTED, 0)


def test_allowed_actions_offer_the_buttons_of_the_state_to_the_plan_writers_only(task):
    manager = task.project.project_manager

    assert list(allowed_actions(task, manager)) == ["start", "finish", "cancel"]
    assert allowed_actions(task, user_with_role(Role.SALES)) == {}
    task.status = S.DONE
    assert list(allowed_actions(task, manager)) == ["reopen", "reset", "cancel"]


def test_the_task_page_shows_the_buttons_and_the_status_view_moves_it(client, task):
    client.force_login(task.project.project_manager)

    page = client.get(reverse("projects:task-update", args=[task.pk]))
    response = client.post(reverse("projects:task-status", args=[task.pk]), {"status": S.DONE})

    assert reverse("projects:task-status", args=[task.pk]) in page.content.decode()
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.progress) == (S.DONE, 100)


def test_the_status_view_refuses_get_and_readers(client, task):
    reader = user_with_role(Role.FINANCE)
    client.force_login(task.project.project_manager)
    assert client.get(reverse("projects:task-status", args=[task.pk])).status_code == 405
    client.force_login(reader)
    before = _snapshot(task)

    response = client.post(reverse("projects:task-status", args=[task.pk]), {"status": S.DONE})

    assert response.status_code in (403, 404)
    assert _snapshot(task) == before
