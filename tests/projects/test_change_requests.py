from decimal import Decimal
from importlib import import_module

import pytest

from pmo.roles import Role
from procurement.models import BudgetLine
from projects.models import ChangeRequest, PlanBaseline, Project
from tests.factories import (
    BudgetLineFactory,
    ChangeRequestFactory,
    ProjectFactory,
    cost_category,
    user_with_role,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("postgres_only", "shipped_data")]


@pytest.fixture
def shipped_data(db):
    """Cost categories and risk bands as migrations ship them (a transactional test may flush them)."""
    from django.apps import apps

    import_module("procurement.migrations.0002_default_categories_and_rules").create_defaults(apps, None)
    import_module("projects.migrations.0006_registers_defaults").create_defaults(apps, None)


@pytest.fixture
def project():
    return ProjectFactory(budget=Decimal("100000.00"), contract_value=Decimal("120000.00"))


@pytest.fixture
def line(project):
    return BudgetLineFactory(project=project, category=cost_category("equipment"), budget=Decimal("40000.00"))


def _assessed(project, **values):
    values = {
        "cost_impact": Decimal("8000.00"),
        "is_billable": True,
        "price_impact": Decimal("9500.00"),
        "cost_category": "equipment",
        "status": ChangeRequest.Status.ASSESSED,
        "title": "Extra access points in building B",
        "number": 1,
    } | values
    return ChangeRequestFactory(project=project, **values)


def _approve(client, change):
    return client.post(f"/projects/{change.project_id}/change-requests/{change.pk}/approve/")


def _snapshot(project, line):
    project.refresh_from_db()
    line.refresh_from_db()
    return (project.budget, project.contract_value, line.budget, PlanBaseline.objects.count())


def test_approval_moves_budget_line_budget_contract_value_and_takes_a_linked_baseline(client, project, line):
    change = _assessed(project)
    client.force_login(project.project_manager)

    response = _approve(client, change)

    change.refresh_from_db()
    project.refresh_from_db()
    line.refresh_from_db()
    assert response.status_code == 302
    assert change.status == ChangeRequest.Status.APPROVED
    assert change.decided_by == project.project_manager
    assert line.budget == Decimal("48000.00")
    assert project.budget == Decimal("108000.00")
    assert project.contract_value == Decimal("129500.00")
    baseline = change.baseline
    assert baseline.project == project and baseline.name == "CR-1 Extra access points in building B"
    assert list(baseline.change_requests.all()) == [change]
    # The variance is traced back to the change in the history of every record it moved.
    reason = "Change request CR-1 approved"
    assert line.history.first().history_change_reason == reason
    assert project.history.first().history_change_reason == reason
    assert baseline.reason == reason


def test_a_non_billable_change_leaves_the_contract_value_alone(client, project, line):
    change = _assessed(project, is_billable=False, price_impact=Decimal("0.00"))
    client.force_login(project.project_manager)

    _approve(client, change)

    project.refresh_from_db()
    assert project.contract_value == Decimal("120000.00")
    assert project.budget == Decimal("108000.00")


def test_a_change_above_the_limit_waits_for_the_head_of_pm_and_changes_nothing(client, project, line):
    change = _assessed(project, cost_impact=Decimal("15000.00"), price_impact=Decimal("18000.00"))
    before = _snapshot(project, line)
    client.force_login(project.project_manager)

    _approve(client, change)

    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.ASSESSED
    assert _snapshot(project, line) == before

    client.force_login(user_with_role(Role.HEAD_OF_PM))
    _approve(client, change)

    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.APPROVED
    assert BudgetLine.objects.get(pk=line.pk).budget == Decimal("55000.00")


def test_a_change_taking_a_level_1_project_over_its_ceiling_needs_the_head_of_pm(client, line):
    project = Project.objects.get(pk=line.project_id)
    project.budget = Decimal("245000.00")
    project.save(update_fields=["budget"])
    change = _assessed(project, cost_impact=Decimal("6000.00"))
    client.force_login(project.project_manager)

    _approve(client, change)

    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.ASSESSED


@pytest.mark.parametrize("role", [Role.FINANCE, Role.SALES, Role.SMO, Role.ENGINEERING_MANAGER])
def test_it_refuses_roles_that_may_not_approve(client, project, line, role):
    change = _assessed(project)
    before = _snapshot(project, line)
    client.force_login(user_with_role(role))

    response = _approve(client, change)

    assert response.status_code in (403, 404)
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.ASSESSED
    assert _snapshot(project, line) == before


def test_it_refuses_a_get_on_approve(client, project):
    change = _assessed(project)
    client.force_login(project.project_manager)

    assert client.get(f"/projects/{project.pk}/change-requests/{change.pk}/approve/").status_code == 405


def test_only_an_assessed_change_can_be_approved_and_the_flow_runs_in_order(client, project, line):
    change = ChangeRequestFactory(project=project, cost_impact=Decimal("1000.00"), cost_category="equipment")
    client.force_login(project.project_manager)
    url = f"/projects/{project.pk}/change-requests/{change.pk}"

    _approve(client, change)
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.DRAFT

    for step in ("submit", "assess", "approve", "implement"):
        client.post(f"{url}/{step}/")
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.IMPLEMENTED
    assert change.implemented_at is not None


def test_a_rejection_needs_a_reason(client, project):
    change = _assessed(project)
    client.force_login(project.project_manager)
    url = f"/projects/{project.pk}/change-requests/{change.pk}/reject/"

    client.post(url, {"reason": " "})
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.ASSESSED

    client.post(url, {"reason": "Not in the contract's spirit"})
    change.refresh_from_db()
    assert (change.status, change.decision_note) == (
        ChangeRequest.Status.REJECTED,
        "Not in the contract's spirit",
    )


def test_the_change_request_form_refuses_a_price_on_a_non_billable_change(client, project):
    client.force_login(project.project_manager)

    response = client.post(
        f"/projects/{project.pk}/change-requests/create/",
        {
            "title": "More cabling",
            "cost_impact": "500,00",
            "cost_category": "equipment",
            "price_impact": "700,00",
            "time_impact_days": "2",
        },
    )

    assert response.status_code == 200
    assert "price_impact" in response.context["form"].errors
    assert not ChangeRequest.objects.exists()


def test_the_time_impact_moves_the_chosen_tasks_and_their_successors_before_the_baseline(
    client, project, line
):
    from datetime import date

    from projects.models import TaskDependency
    from tests.factories import TaskFactory

    cabling = TaskFactory(
        project=project,
        wbs_code="1",
        name="Cabling",
        planned_start=date(2027, 3, 1),
        planned_end=date(2027, 3, 5),
    )
    testing = TaskFactory(
        project=project,
        wbs_code="2",
        name="Testing",
        planned_start=date(2027, 3, 8),
        planned_end=date(2027, 3, 9),
    )
    other = TaskFactory(
        project=project,
        wbs_code="3",
        name="Training",
        planned_start=date(2027, 3, 1),
        planned_end=date(2027, 3, 2),
    )
    TaskDependency.objects.create(predecessor=cabling, successor=testing)
    change = _assessed(project, time_impact_days=5)
    client.force_login(project.project_manager)

    page = client.get(f"/projects/{project.pk}/change-requests/{change.pk}/")
    refused = client.post(f"/projects/{project.pk}/change-requests/{change.pk}/approve/", follow=True)
    change.refresh_from_db()
    assert 'name="tasks"' in page.text and change.status == ChangeRequest.Status.ASSESSED
    assert "Choose the tasks the 5 days of time impact fall on." in refused.text

    response = client.post(
        f"/projects/{project.pk}/change-requests/{change.pk}/approve/", {"tasks": [cabling.pk]}, follow=True
    )

    for task in (cabling, testing, other):
        task.refresh_from_db()
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.APPROVED
    assert cabling.planned_end == date(2027, 3, 12)  # five working days later
    assert (testing.planned_start, testing.planned_end) == (date(2027, 3, 13), date(2027, 3, 14))
    assert other.planned_end == date(2027, 3, 2)
    baseline_dates = {entry.task_id: entry.planned_end for entry in change.baseline.rows.all()}
    assert baseline_dates[cabling.pk] == date(2027, 3, 12) and baseline_dates[testing.pk] == date(2027, 3, 14)
    assert "1 Cabling" in response.text and "2 Testing" in response.text
