from datetime import timedelta

import pytest
from django.utils import timezone

from pmo.roles import Role
from projects.models import Phase
from quality.models import ActionStatus, CorrectiveAction, Finding, FindingStatus
from tests.factories import CorrectiveActionFactory, FindingFactory, ProjectFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def pmo(client):
    user = user_with_role(Role.PM_SUPPORT)
    client.force_login(user)
    client.user = user
    return client


def test_the_pmo_raises_a_finding_by_hand_with_the_next_number(pmo):
    project = ProjectFactory(phase=Phase.EXECUTION)

    response = pmo.post(
        f"/quality/projects/{project.pk}/findings/create/",
        {
            "source": "customer",
            "reference": "8.2",
            "severity": "major",
            "description": "Scope change not reviewed",
        },
    )

    finding = Finding.objects.get()
    assert response.status_code == 302
    assert finding.number == f"NC-{timezone.localdate().year}-00001"
    assert finding.raised_by == pmo.user and finding.status == FindingStatus.OPEN


def test_a_project_manager_cannot_raise_a_finding(client):
    manager = user_with_role(Role.PROJECT_MANAGER)
    project = ProjectFactory(project_manager=manager)
    client.force_login(manager)

    response = client.post(
        f"/quality/projects/{project.pk}/findings/create/",
        {"source": "audit", "severity": "minor", "description": "x"},
    )

    assert response.status_code == 403
    assert not Finding.objects.exists()


def test_a_corrective_action_goes_from_plan_to_done_to_verified_and_the_finding_follows(pmo):
    from django.test import Client

    finding = FindingFactory()
    owner = user_with_role(Role.PROJECT_MANAGER)

    pmo.post(
        f"/quality/findings/{finding.pk}/actions/create/",
        {"description": "Sign test reports", "owner": owner.pk, "due_date": "2026-12-20"},
    )
    action = CorrectiveAction.objects.get()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.ACTION_PLANNED and action.project_id == finding.project_id

    owner_client = Client()
    owner_client.force_login(owner)
    assert owner_client.post(f"/quality/actions/{action.pk}/complete/").status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.IN_VERIFICATION

    pmo.post(
        f"/quality/actions/{action.pk}/verify/", {"is_effective": "1", "verification": "Checked 5 reports"}
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.VERIFIED and action.verified_by == pmo.user


def test_an_ineffective_action_is_reopened(pmo):
    action = CorrectiveActionFactory(status=ActionStatus.DONE)

    pmo.post(f"/quality/actions/{action.pk}/verify/", {"is_effective": "0", "verification": "Still unsigned"})

    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN and action.verified_at is None


def test_the_owner_cannot_verify_their_own_action(client):
    owner = user_with_role(Role.PM_SUPPORT)
    action = CorrectiveActionFactory(status=ActionStatus.DONE, owner=owner)
    client.force_login(owner)

    response = client.post(
        f"/quality/actions/{action.pk}/verify/", {"is_effective": "1", "verification": "ok"}, follow=True
    )

    action.refresh_from_db()
    assert "Someone other than the owner verifies the action." in response.text
    assert action.status == ActionStatus.DONE


@pytest.mark.parametrize("role", [Role.FINANCE, Role.PROJECT_MANAGER])
def test_only_the_pmo_verifies(client, role):
    action = CorrectiveActionFactory(status=ActionStatus.DONE)
    client.force_login(user_with_role(role))

    response = client.post(
        f"/quality/actions/{action.pk}/verify/", {"is_effective": "1", "verification": "ok"}
    )

    action.refresh_from_db()
    assert response.status_code in (403, 404) and action.status == ActionStatus.DONE


def test_someone_else_cannot_complete_an_action_they_do_not_own(client):
    action = CorrectiveActionFactory()
    client.force_login(user_with_role(Role.PROJECT_MANAGER))

    response = client.post(f"/quality/actions/{action.pk}/complete/")

    action.refresh_from_db()
    assert response.status_code == 404 and action.status == ActionStatus.OPEN


def test_a_finding_closes_only_with_a_root_cause_and_no_open_action(pmo):
    finding = FindingFactory()
    action = CorrectiveActionFactory(finding=finding)

    first = pmo.post(f"/quality/findings/{finding.pk}/close/", follow=True)
    pmo.post(
        f"/quality/findings/{finding.pk}/", {"containment": "Re-signed", "root_cause": "No release step"}
    )
    second = pmo.post(f"/quality/findings/{finding.pk}/close/", follow=True)
    CorrectiveAction.objects.filter(pk=action.pk).update(status=ActionStatus.VERIFIED)
    third = pmo.post(f"/quality/findings/{finding.pk}/close/", follow=True)

    finding.refresh_from_db()
    assert "Record the root cause before closing the finding." in first.text
    assert "Every corrective action must be verified or cancelled first." in second.text
    assert "Finding closed." in third.text
    assert finding.status == FindingStatus.CLOSED and finding.closed_by == pmo.user


def test_close_is_post_only(pmo):
    finding = FindingFactory()

    assert pmo.get(f"/quality/findings/{finding.pk}/close/").status_code == 405


def test_the_action_list_shows_overdue_actions_in_constant_queries(pmo, django_assert_max_num_queries):
    CorrectiveActionFactory(due_date=timezone.localdate() - timedelta(days=3))
    with django_assert_max_num_queries(10) as few:
        pmo.get("/quality/actions/")
    for _ in range(15):
        CorrectiveActionFactory()

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = pmo.get("/quality/actions/?status=open")

    assert response.status_code == 200 and len(response.context["page"].object_list) == 16
    assert "Overdue" in response.text


def test_the_finding_list_runs_a_constant_number_of_queries(pmo, django_assert_max_num_queries):
    CorrectiveActionFactory()
    with django_assert_max_num_queries(10) as few:
        pmo.get("/quality/findings/")
    for _ in range(15):
        CorrectiveActionFactory()

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = pmo.get("/quality/findings/")

    assert len(response.context["page"].object_list) == 16


def test_a_sales_user_sees_no_findings_of_projects_they_did_not_sell(client):
    FindingFactory()
    client.force_login(user_with_role(Role.SALES))

    response = client.get("/quality/findings/")

    assert response.status_code == 200 and not response.context["page"].object_list
