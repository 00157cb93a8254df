"""The order form: budget lines of the chosen project at once, rows added and removed, running totals."""

from decimal import Decimal

import pytest

from pmo.roles import Role
from procurement.models import PurchaseOrder
from tests.factories import BudgetLineFactory, ProjectFactory, SupplierFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def pm_project(client):
    pm = user_with_role(Role.PROJECT_MANAGER)
    project = ProjectFactory(project_manager=pm)
    line = BudgetLineFactory(project=project, budget=Decimal("20000.00"))
    client.force_login(pm)
    return pm, project, line


def _data(project, supplier, **extra):
    data = {
        "project": str(project.pk) if project else "",
        "supplier": str(supplier.pk),
        "title": "Switches",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-description": "Switch",
        "lines-0-quantity": "2",
        "lines-0-unit": "pcs",
        "lines-0-unit_price": "1.500,00",
        "lines-0-vat_rate": "21",
    }
    data.update(extra)
    return data


def test_choosing_the_project_offers_its_budget_lines_and_the_remaining_amount(client, pm_project):
    _pm, project, line = pm_project
    data = _data(project, SupplierFactory(), **{"lines-0-budget_line": str(line.pk)})
    response = client.post("/procurement/orders/lines/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{line.pk}"' in html and 'id="order-lines"' in html
    assert "3.000,00" in html  # running total excl. VAT of 2 x 1.500,00
    assert "3.630,00" in html  # incl. 21 % VAT
    assert "17.000,00" in html  # what the budget line has left after this order
    assert not PurchaseOrder.objects.exists()


def test_adding_and_removing_rows_saves_nothing(client, pm_project):
    _pm, project, _line = pm_project
    supplier = SupplierFactory()
    added = client.post("/procurement/orders/lines/", _data(project, supplier, add_line="1"))
    assert added.context["formset"].total_form_count() == 2
    data = _data(project, supplier, **{"lines-TOTAL_FORMS": "2", "lines-1-description": "Cable"})
    removed = client.post("/procurement/orders/lines/", {**data, "remove_line": "0"})
    forms = removed.context["formset"].forms
    assert len(forms) == 1 and forms[0]["description"].value() == "Cable"
    assert not PurchaseOrder.objects.exists()


def test_a_malformed_project_is_a_form_error_not_a_500(client, pm_project):
    response = client.get("/procurement/orders/create/?project=abc")
    assert response.status_code == 200
    assert "Choose one of your projects." in response.content.decode()
    response = client.post(
        "/procurement/orders/create/", {**_data(None, SupplierFactory()), "project": "abc"}
    )
    assert response.status_code == 200 and response.context["form"].errors["project"]
    assert not PurchaseOrder.objects.exists()


def test_a_pm_submits_an_order_outside_any_project_and_it_goes_to_the_head(client, pm_project):
    pm, _project, _line = pm_project
    user_with_role(Role.HEAD_OF_PM)
    response = client.post("/procurement/orders/create/", _data(None, SupplierFactory()))
    order = PurchaseOrder.objects.get()
    assert response.status_code == 302 and order.project is None and order.requester == pm
    client.post(f"/procurement/orders/{order.pk}/submit/")
    order.refresh_from_db()
    assert order.status == "submitted" and order.awaiting_roles == [Role.HEAD_OF_PM]
