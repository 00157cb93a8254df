import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pmo.roles import Role
from projects import services
from projects.models import Phase, PhaseChange, Project, RequiredDocument, TaskStatus
from tests.factories import ProjectFactory, TaskFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(files_on_disk):
    return files_on_disk


def move(client, project, target, **extra):
    return client.post(f"/projects/{project.pk}/phase/", {"target_phase": target, **extra})


def test_the_gate_to_planning_lists_what_is_missing_and_refuses(client):
    project = ProjectFactory(project_manager=None)
    RequiredDocument.objects.create(
        project=project, category="minutes", phase="planning", title="Kick-off minutes"
    )
    client.force_login(user_with_role(Role.PM_SUPPORT))

    page = client.get(f"/projects/{project.pk}/phase/")
    response = move(client, project, Phase.PLANNING)

    assert "No project manager is assigned." in page.text
    assert "Documents missing: Kick-off minutes." in page.text
    assert response.status_code == 400
    assert Project.objects.get(pk=project.pk).phase == Phase.INITIATION
    assert not PhaseChange.objects.exists()


def test_it_moves_to_planning_when_the_gate_is_open(client):
    project = ProjectFactory()
    RequiredDocument.objects.create(
        project=project, category="minutes", phase="planning", title="Kick-off minutes"
    )
    officer = user_with_role(Role.PM_SUPPORT)
    services.document_upload(
        actor=officer,
        project=project,
        category="minutes",
        title="Kick-off",
        upload=SimpleUploadedFile("kickoff.pdf", b"%PDF-1.4 minutes"),
    )
    client.force_login(officer)

    response = move(client, project, Phase.PLANNING)

    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).phase == Phase.PLANNING
    change = PhaseChange.objects.get()
    assert (change.from_phase, change.to_phase, change.actor, change.is_override) == (
        "initiation",
        "planning",
        officer,
        False,
    )


def test_execution_needs_a_baseline(client):
    project = ProjectFactory(phase=Phase.PLANNING)
    TaskFactory(project=project)
    client.force_login(project.project_manager)

    assert move(client, project, Phase.EXECUTION).status_code == 400
    services.plan_baseline_create(project=project, name="Initial plan", actor=project.project_manager)
    assert move(client, project, Phase.EXECUTION).status_code == 302
    assert Project.objects.get(pk=project.pk).phase == Phase.EXECUTION


def test_closing_needs_all_tasks_done_or_cancelled(client):
    project = ProjectFactory(phase=Phase.EXECUTION)
    TaskFactory(project=project, status=TaskStatus.DONE, progress=100)
    open_task = TaskFactory(project=project)
    client.force_login(project.project_manager)

    response = move(client, project, Phase.CLOSING)
    assert response.status_code == 400 and "1 task(s) are not done or cancelled." in response.text

    open_task.status = TaskStatus.CANCELLED
    open_task.save()
    assert move(client, project, Phase.CLOSING).status_code == 302


def test_the_head_of_pm_overrides_a_gate_with_a_reason(client):
    project = ProjectFactory(project_manager=None)
    head = user_with_role(Role.HEAD_OF_PM)
    client.force_login(head)

    assert move(client, project, Phase.PLANNING, override="on").status_code == 400
    response = move(client, project, Phase.PLANNING, override="on", reason="Customer asked to start now")

    assert response.status_code == 302
    change = PhaseChange.objects.get()
    assert change.is_override and change.reason == "Customer asked to start now"
    assert change.missing == ["No project manager is assigned."]


def test_a_pm_cannot_override(client):
    project = ProjectFactory(phase=Phase.PLANNING)
    client.force_login(project.project_manager)

    response = move(client, project, Phase.EXECUTION, override="on", reason="Please")

    assert response.status_code == 403
    assert Project.objects.get(pk=project.pk).phase == Phase.PLANNING


@pytest.mark.parametrize("role", [Role.FINANCE, Role.SALES, Role.ENGINEERING_MANAGER])
def test_readers_cannot_change_the_phase(client, role):
    project = ProjectFactory()
    client.force_login(user_with_role(role))

    assert move(client, project, Phase.ON_HOLD).status_code in (403, 404)
    assert Project.objects.get(pk=project.pk).phase == Phase.INITIATION


def test_on_hold_is_not_gated_but_recorded(client):
    project = ProjectFactory(project_manager=None)
    client.force_login(user_with_role(Role.PM_SUPPORT))

    assert move(client, project, Phase.ON_HOLD, reason="Budget freeze").status_code == 302
    assert PhaseChange.objects.get().reason == "Budget freeze"
    assert project.history.latest().history_change_reason == "Budget freeze"


def test_an_unknown_move_is_refused():
    project = ProjectFactory()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.project_phase_change(
            project=project, target_phase=Phase.CLOSING, actor=user_with_role(Role.HEAD_OF_PM)
        )
    assert Project.objects.get(pk=project.pk).phase == Phase.INITIATION


def test_the_phase_page_lists_every_check_with_its_state_and_a_fix_link(client):
    project = ProjectFactory()
    RequiredDocument.objects.create(
        project=project, category="minutes", phase="planning", title="Kick-off minutes"
    )
    client.force_login(user_with_role(Role.PM_SUPPORT))

    page = client.get(f"/projects/{project.pk}/phase/")

    gate = next(gate for _label, gate in page.context["gates"] if gate.target_phase == Phase.PLANNING)
    states = {check.label: check.is_passed for check in gate.checks}
    assert states["Project manager assigned"] is True
    assert states["Required documents of the phase present"] is False
    documents = next(check for check in gate.checks if not check.is_passed)
    assert documents.fix_url == f"/projects/{project.pk}/documents/"
    assert f'href="/projects/{project.pk}/documents/"' in page.text
    assert 'name="override"' not in page.text  # only the head of PM is offered the override


def test_the_head_of_pm_is_offered_the_override_at_every_closed_gate(client):
    project = ProjectFactory(phase=Phase.EXECUTION)
    TaskFactory(project=project)
    head = user_with_role(Role.HEAD_OF_PM)
    client.force_login(head)

    page = client.get(f"/projects/{project.pk}/phase/")
    response = move(
        client, project, Phase.CLOSING, override="on", reason="Customer accepted the open snag list"
    )

    assert page.text.count('name="override"') == 1  # closing is the only closed forward gate from execution
    project.refresh_from_db()
    change = PhaseChange.objects.get()
    assert response.status_code == 302 and project.phase == Phase.CLOSING
    assert change.is_override and change.actor == head and change.missing
