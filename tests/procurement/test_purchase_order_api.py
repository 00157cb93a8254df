"""The purchase-order and budget-line API: the same object rules, approval matrix and budget checks."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from pmo.roles import Role
from procurement.models import PurchaseOrder, PurchaseOrderStatus
from tests.factories import BudgetLineFactory, ProjectFactory, SupplierFactory, api_key_for, user_with_role
from tests.procurement.helpers import make_order, submitted_order

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


def order_payload(project, **changes) -> dict:
    line = BudgetLineFactory(project=project)
    return {
        "project": project.pk,
        "supplier": SupplierFactory().pk,
        "title": "Core switches",
        "lines": [
            {
                "description": "Switch 48 ports",
                "quantity": "2",
                "unit_price": "1500.00",
                "vat_rate": "21",
                "budget_line": line.pk,
            }
        ],
        **changes,
    }


def test_it_refuses_anonymous_callers():
    order = make_order()

    assert APIClient().get("/api/v1/purchase-orders/").status_code == 401
    assert APIClient().get(f"/api/v1/purchase-orders/{order.pk}/").status_code == 401


def test_a_project_manager_sees_the_orders_of_their_projects_only():
    mine = make_order()
    other = make_order()
    client = token_client(mine.project.project_manager)

    listed = [row["id"] for row in client.get("/api/v1/purchase-orders/").json()["results"]]

    assert listed == [mine.pk]
    assert client.get(f"/api/v1/purchase-orders/{other.pk}/").status_code == 404
    assert client.post(f"/api/v1/purchase-orders/{other.pk}/submit/").status_code == 404
    assert PurchaseOrder.objects.get(pk=other.pk).status == PurchaseOrderStatus.DRAFT


def test_the_detail_has_lines_totals_and_approvals():
    order = submitted_order(amount=Decimal("800.00"))
    client = token_client(user_with_role(Role.FINANCE))

    body = client.get(f"/api/v1/purchase-orders/{order.pk}/").json()

    assert body["number"] == order.number and body["status"] == "submitted"
    assert (body["total_excl"], body["total_vat"], body["total_incl"]) == ("800.00", "168.00", "968.00")
    assert [line["amount"] for line in body["lines"]] == ["800.00"]
    assert body["approvals"] == [] and body["awaiting_roles"] == ["project_manager"]


def test_a_project_manager_creates_a_draft_order_with_lines_and_submits_it():
    project = ProjectFactory()
    client = token_client(project.project_manager)

    created = client.post("/api/v1/purchase-orders/", order_payload(project))
    submitted = client.post(f"/api/v1/purchase-orders/{created.json()['id']}/submit/")

    assert created.status_code == 201, created.json()
    assert created.json()["number"].startswith("PO-") and created.json()["total_excl"] == "3000.00"
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    order = PurchaseOrder.objects.get(pk=created.json()["id"])
    assert order.requester == project.project_manager and order.status == PurchaseOrderStatus.SUBMITTED


def test_a_project_manager_cannot_order_on_someone_elses_project():
    project = ProjectFactory()
    client = token_client(user_with_role(Role.PROJECT_MANAGER))

    response = client.post("/api/v1/purchase-orders/", order_payload(project))

    assert response.status_code == 400 and "project" in response.json()
    assert not PurchaseOrder.objects.exists()


@pytest.mark.parametrize("role", [Role.FINANCE, Role.SALES, Role.SMO, Role.ENGINEERING_MANAGER])
def test_roles_that_do_not_buy_cannot_create_orders(role):
    project = ProjectFactory()
    client = token_client(user_with_role(role))

    assert client.post("/api/v1/purchase-orders/", order_payload(project)).status_code == 403
    assert not PurchaseOrder.objects.exists()


def test_a_read_only_reader_cannot_submit():
    order = make_order()
    client = token_client(user_with_role(Role.FINANCE))

    assert client.post(f"/api/v1/purchase-orders/{order.pk}/submit/").status_code == 403
    assert PurchaseOrder.objects.get(pk=order.pk).status == PurchaseOrderStatus.DRAFT


def test_the_project_manager_approves_inside_the_budget_through_the_api():
    order = submitted_order(amount=Decimal("800.00"))
    client = token_client(order.project.project_manager)

    response = client.post(f"/api/v1/purchase-orders/{order.pk}/approve/", {})

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved"
    assert [approval["role"] for approval in response.json()["approvals"]] == ["project_manager"]


def test_the_requester_cannot_approve_their_own_order_and_gets_the_reason():
    project = ProjectFactory()
    order = submitted_order(project=project, requester=project.project_manager)
    client = token_client(project.project_manager)

    response = client.post(f"/api/v1/purchase-orders/{order.pk}/approve/", {})

    assert response.status_code == 400
    assert PurchaseOrder.objects.get(pk=order.pk).status == PurchaseOrderStatus.SUBMITTED


def test_a_rejection_needs_a_reason():
    order = submitted_order()
    client = token_client(order.project.project_manager)

    assert client.post(f"/api/v1/purchase-orders/{order.pk}/reject/", {}).status_code == 400
    response = client.post(f"/api/v1/purchase-orders/{order.pk}/reject/", {"reason": "Wrong supplier"})

    assert response.status_code == 200 and response.json()["status"] == "rejected"


def test_actions_are_post_only():
    order = make_order()
    client = token_client(user_with_role(Role.ADMINISTRATOR))

    assert client.get(f"/api/v1/purchase-orders/{order.pk}/submit/").status_code == 405
    assert client.delete(f"/api/v1/purchase-orders/{order.pk}/").status_code == 405


@pytest.mark.parametrize("rows", [2, 15])
def test_the_order_list_runs_a_constant_number_of_queries(rows, django_assert_max_num_queries):
    project = ProjectFactory()
    for _ in range(rows):
        make_order(project=project)
    client = token_client(user_with_role(Role.FINANCE))

    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/purchase-orders/", {"page_size": 50})

    assert response.json()["count"] == rows


def test_budget_lines_follow_who_sees_the_money():
    mine, other = ProjectFactory(), ProjectFactory()
    line = BudgetLineFactory(project=mine, budget=Decimal("5000.00"))
    BudgetLineFactory(project=other)
    make_order(project=mine, amount=Decimal("1000.00"))  # a draft commits nothing yet

    own = token_client(mine.project_manager).get("/api/v1/budget-lines/").json()["results"]
    finance = token_client(user_with_role(Role.FINANCE)).get("/api/v1/budget-lines/").json()
    sales = token_client(user_with_role(Role.SALES)).get("/api/v1/budget-lines/").json()

    assert [row["id"] for row in own] == [line.pk]
    assert own[0]["available"] == "5000.00" and own[0]["category_code"] == "equipment"
    assert finance["count"] == 2 and sales["count"] == 0
    assert (
        token_client(mine.project_manager)
        .get(f"/api/v1/budget-lines/{BudgetLineFactory(project=other).pk}/")
        .status_code
        == 404
    )
