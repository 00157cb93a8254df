"""The project cockpit: the project home shows its gate, status, progress, money and what needs attention."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from pmo.roles import Role
from projects.models import Phase, TaskKind
from tests.factories import (
    ActionFactory,
    BudgetLineFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    PurchaseOrderFactory,
    PurchaseOrderLineFactory,
    RiskFactory,
    TaskFactory,
    cost_category,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def _project_with(size: int, **fields):
    project = ProjectFactory(phase=Phase.PLANNING, **fields)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for index in range(size):
        TaskFactory(
            project=project,
            name=f"Milestone {index}",
            kind=TaskKind.MILESTONE,
            planned_end=datetime.date(2027, 3, 1),
        )
        TaskFactory(project=project, planned_start=yesterday, planned_end=yesterday)
        RiskFactory(project=project, probability=4, impact=5, residual_probability=2, residual_impact=3)
        ActionFactory(project=project, due_date=yesterday)
        order = PurchaseOrderFactory(project=project, status="submitted")
        PurchaseOrderLineFactory(order=order)
    ProgressUpdateFactory(project=project, rag_cost="red", override_comment="Switch prices rose 12 %.")
    return project


def test_it_shows_the_next_gate_status_progress_risks_and_what_is_overdue(client):
    project = _project_with(2)
    BudgetLineFactory(project=project, category=cost_category(), budget=Decimal("50000.00"))
    client.force_login(user_with_role(Role.PM_SUPPORT))

    page = client.get(project.get_absolute_url()).text

    assert "Phase and next gate" in page and "gate-check" in page  # the planning → execution checks
    assert "Switch prices rose 12 %." in page  # the last update's comment, beside its RAG
    assert "rag-red" in page
    assert "Milestone 0" in page
    risk = project.risk_set.order_by("number").first()
    # Inherent 4 x 5, residual 2 x 3.
    assert f"{risk.reference} · " in page and ">20<" in page and ">6<" in page
    assert "Orders awaiting approval" in page and "PO-1999-" in page
    assert "Overdue actions" in page and "A-1 · " in page
    assert 'data-chart="chart-cockpit-budget"' in page and "Equipment" in page


def test_a_role_without_the_money_right_sees_no_budget_nor_orders(client):
    sales = user_with_role(Role.SALES)
    project = _project_with(1, account_manager=sales)
    client.force_login(sales)

    response = client.get(project.get_absolute_url())

    assert response.status_code == 200
    assert "chart-cockpit-budget" not in response.text
    assert "Orders awaiting approval" not in response.text


def test_the_cockpit_costs_the_same_queries_for_a_small_and_a_large_project(
    client, django_assert_num_queries
):
    small, large = _project_with(1), _project_with(12)
    client.force_login(user_with_role(Role.HEAD_OF_PM))
    client.get(small.get_absolute_url())  # warm the per-process caches (content types, risk bands)

    with django_assert_num_queries(QUERIES):
        client.get(small.get_absolute_url())
    with django_assert_num_queries(QUERIES):
        client.get(large.get_absolute_url())


QUERIES = 36  # the whole page: session, user, project, cockpit, registers card, status card, history


def test_every_project_page_shows_the_one_tab_bar_with_its_tab_active(client):
    project = ProjectFactory()
    client.force_login(user_with_role(Role.PM_SUPPORT))

    for url, tab in [
        (project.get_absolute_url(), "Overview"),
        (f"/projects/{project.pk}/plan/", "Plan"),
        (f"/projects/{project.pk}/plan/gantt/", "Gantt"),
        (f"/projects/{project.pk}/risks/", "Registers"),
        (f"/procurement/projects/{project.pk}/pnl/", "Money"),
    ]:
        page = client.get(url).text
        assert 'aria-label="Project pages"' in page, url
        assert page.count('aria-current="page"><i class="bi') >= 1
        active = page.split('class="nav-link text-nowrap active"', 1)[1].split("</a>", 1)[0]
        assert tab in active, url
