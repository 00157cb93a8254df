from decimal import Decimal

import pytest

from pmo.roles import Role
from procurement.models import Approval, PurchaseOrder, PurchaseOrderStatus
from tests.factories import BudgetLineFactory, ProjectFactory, SupplierFactory, user_with_role
from tests.procurement.helpers import make_order, submitted_order

pytestmark = pytest.mark.django_db
S = PurchaseOrderStatus


def login(client, user):
    client.force_login(user)
    return client


def test_it_creates_an_order_with_its_lines(client):
    project = ProjectFactory()
    budget_line = BudgetLineFactory(project=project)
    supplier = SupplierFactory()
    requester = user_with_role(Role.PM_SUPPORT)
    data = {
        "project": project.pk,
        "supplier": supplier.pk,
        "title": "Access points",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-description": "Access point",
        "lines-0-quantity": "12",
        "lines-0-unit": "pcs",
        "lines-0-unit_price": "1.250,50",
        "lines-0-vat_rate": "21",
        "lines-0-budget_line": budget_line.pk,
        "lines-1-unit": "pcs",  # an untouched extra line, as the browser posts it
        "lines-1-vat_rate": "21",
    }
    response = login(client, requester).post("/procurement/orders/create/", data)
    order = PurchaseOrder.objects.get(title="Access points")
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert order.requester == requester and order.status == S.DRAFT
    assert order.lines.get().amount == Decimal("15006.00")


@pytest.mark.parametrize("role", [Role.SALES, Role.SMO, Role.FINANCE, Role.ENGINEERING_MANAGER])
def test_it_refuses_order_creation_to_roles_that_do_not_buy(client, role):
    response = login(client, user_with_role(role)).post("/procurement/orders/create/", {"title": "x"})
    assert response.status_code == 403
    assert not PurchaseOrder.objects.exists()


def test_it_approves_through_the_page_and_keeps_the_written_justification(client):
    order = submitted_order(project=None)
    head = user_with_role(Role.HEAD_OF_PM)
    response = login(client, head).post(
        f"/procurement/orders/{order.pk}/approve/", {"justification": "Office network, no project."}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == S.APPROVED
    assert Approval.objects.get(order=order).justification == "Office network, no project."


def test_it_refuses_approval_by_get(client):
    order = submitted_order()
    response = login(client, order.project.project_manager).get(f"/procurement/orders/{order.pk}/approve/")
    assert response.status_code == 405
    assert PurchaseOrder.objects.get(pk=order.pk).status == S.SUBMITTED


@pytest.mark.parametrize("role", [Role.FINANCE, Role.PM_SUPPORT, Role.HEAD_OF_PM])
def test_it_changes_nothing_when_someone_not_asked_approves(client, role):
    order = submitted_order()
    response = login(client, user_with_role(role)).post(f"/procurement/orders/{order.pk}/approve/")
    assert response.status_code == 302
    assert PurchaseOrder.objects.get(pk=order.pk).status == S.SUBMITTED
    assert not Approval.objects.exists()


@pytest.mark.parametrize("role", [Role.SALES, Role.SMO, Role.ENGINEERING_MANAGER, Role.PROJECT_MANAGER])
def test_it_hides_orders_from_roles_without_access(client, role):
    order = submitted_order()
    client = login(client, user_with_role(role))
    assert client.get(f"/procurement/orders/{order.pk}/").status_code == 404
    assert client.post(f"/procurement/orders/{order.pk}/approve/").status_code == 404
    assert client.post(f"/procurement/orders/{order.pk}/cancel/").status_code == 404
    assert PurchaseOrder.objects.get(pk=order.pk).status == S.SUBMITTED


def test_it_lets_finance_read_but_not_cancel_an_order(client):
    order = submitted_order()
    client = login(client, user_with_role(Role.FINANCE))
    assert client.get(f"/procurement/orders/{order.pk}/").status_code == 200
    assert client.post(f"/procurement/orders/{order.pk}/cancel/").status_code == 403
    assert PurchaseOrder.objects.get(pk=order.pk).status == S.SUBMITTED


def test_it_shows_the_order_with_its_approval_steps(client):
    order = submitted_order(amount=Decimal("12000.00"), budget=Decimal("50000.00"))
    response = login(client, order.project.project_manager).get(f"/procurement/orders/{order.pk}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert order.number in content and "PM support officer" in content
    assert response.context["can_approve"] is True


def test_it_serves_the_pdf_and_the_ubl_order(client):
    from tests.procurement.peppol_samples import belgian_supplier, demo_company

    demo_company()
    order = submitted_order(supplier=belgian_supplier())
    client = login(client, order.requester)
    pdf = client.get(f"/procurement/orders/{order.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    ubl = client.get(f"/procurement/orders/{order.pk}/ubl.xml")
    assert b"urn:fdc:peppol.eu:poacc:trns:order:3" in ubl.content
    assert order.number.encode() in ubl.content


def test_it_lists_orders_in_a_constant_number_of_queries(client, django_assert_max_num_queries):
    finance = user_with_role(Role.FINANCE)
    client = login(client, finance)
    make_order()
    client.get("/procurement/orders/")
    for _ in range(15):
        make_order()
    with django_assert_max_num_queries(9):
        response = client.get("/procurement/orders/?sort=-total&q=Switches")
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 16


def test_it_lists_what_waits_for_me(client):
    order = submitted_order()
    response = login(client, order.project.project_manager).get("/procurement/orders/awaiting/")
    assert list(response.context["page"].object_list) == [order]


def test_it_filters_the_list_by_project_and_status(client):
    order = submitted_order()
    make_order()
    client = login(client, user_with_role(Role.HEAD_OF_PM))
    response = client.get(f"/procurement/orders/?project={order.project.code}&status=submitted")
    assert list(response.context["page"].object_list) == [order]


def test_it_records_a_receipt_through_the_page(client):
    order = submitted_order()
    from procurement import services

    services.purchase_order_approve(order=order, approver=order.project.project_manager)
    line = order.lines.get()
    response = login(client, order.requester).post(
        f"/procurement/orders/{order.pk}/receive/", {"received_on": "02/03/2026", f"line_{line.pk}": "1"}
    )
    assert response.status_code == 302
    assert PurchaseOrder.objects.get(pk=order.pk).status == S.RECEIVED


def test_it_renders_the_order_forms(client):
    order = make_order()
    client = login(client, order.requester)
    assert client.get(f"/procurement/orders/create/?project={order.project.pk}").status_code == 200
    response = client.get(f"/procurement/orders/{order.pk}/update/")
    assert response.status_code == 200
    assert response.context["formset"].forms[0].instance.pk == order.lines.get().pk


def test_it_refuses_to_edit_a_cancelled_order(client):
    order = make_order()
    from procurement import services

    services.purchase_order_cancel(order=order, actor=order.requester)
    response = login(client, order.requester).get(f"/procurement/orders/{order.pk}/update/")
    assert response.status_code == 403
