"""Suppliers and customers from other EU countries, and the VAT treatment of their order lines."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pmo.roles import Role
from procurement import services
from procurement.models import PurchaseOrder, Supplier
from projects.models import Customer
from tests.factories import BudgetLineFactory, ProjectFactory, SupplierFactory, user_with_role

pytestmark = pytest.mark.django_db
SUPPLIER = {"name": "X", "kind": "vendor", "language": "nl", "payment_terms_days": "30"}


@pytest.mark.parametrize(
    ("vat", "country", "stored"),
    [
        ("NL004495445B01", "NL", "NL004495445B01"),
        ("DE136695976", "DE", "DE136695976"),
        ("136695976", "de", "DE136695976"),
        ("FR 40 303 265 045", "FR", "FR40303265045"),
        ("BE 0403.170.701", "BE", "BE0403170701"),
    ],
)
def test_suppliers_of_other_eu_countries_are_recorded(client, vat, country, stored):
    client.force_login(user_with_role(Role.PM_SUPPORT))
    response = client.post(
        "/procurement/suppliers/create/", {**SUPPLIER, "vat_number": vat, "country": country}
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Supplier.objects.get().vat_number == stored
    assert Supplier.objects.get().country == country.upper()


@pytest.mark.parametrize(
    ("vat", "country", "field"),
    [
        ("NL004495446B01", "NL", "vat_number"),  # check digit
        ("DE136695976", "FR", "vat_number"),  # a German number for a French supplier
        ("BE0403170701", "XX", "country"),
    ],
)
def test_wrong_vat_numbers_and_countries_are_refused(client, vat, country, field):
    client.force_login(user_with_role(Role.PM_SUPPORT))
    response = client.post(
        "/procurement/suppliers/create/", {**SUPPLIER, "vat_number": vat, "country": country}
    )
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Supplier.objects.exists()


def test_a_supplier_peppol_id_is_checked_by_scheme(client):
    client.force_login(user_with_role(Role.PM_SUPPORT))
    data = {**SUPPLIER, "country": "BE", "vat_number": "BE0403170701"}
    response = client.post("/procurement/suppliers/create/", {**data, "peppol_id": "garbage"})
    assert "peppol_id" in response.context["form"].errors
    response = client.post("/procurement/suppliers/create/", {**data, "peppol_id": "0208:0403170702"})
    assert "peppol_id" in response.context["form"].errors
    assert not Supplier.objects.exists()
    client.post("/procurement/suppliers/create/", {**data, "peppol_id": "0208:0403.170.701"})
    assert Supplier.objects.get().peppol_id == "0208:0403170701"


def test_customers_of_other_eu_countries_are_recorded(client):
    client.force_login(user_with_role(Role.PM_SUPPORT))
    data = {
        "name": "Client FR",
        "vat_number": "FR40303265045",
        "country": "FR",
        "language": "fr",
        "is_active": "on",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
    }
    response = client.post("/projects/customers/create/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert Customer.objects.get().vat_number == "FR40303265045"
    bad = client.post("/projects/customers/create/", {**data, "name": "Bad", "country": "NL"})
    assert bad.status_code == 200 and "vat_number" in bad.context["form"].errors
    assert not Customer.objects.filter(name="Bad").exists()


def _order(supplier, vat_rate):
    project = ProjectFactory()
    return services.purchase_order_create(
        actor=user_with_role(Role.PM_SUPPORT),
        project=project,
        supplier=supplier,
        title="Services",
        lines=[
            {
                "description": "Configuration",
                "quantity": Decimal("1"),
                "unit": "day",
                "unit_price": Decimal("900"),
                "vat_rate": vat_rate,
                "budget_line": BudgetLineFactory(project=project),
            }
        ],
    )


def test_an_order_to_an_eu_supplier_is_reverse_charged_not_taxed_in_belgium():
    dutch = SupplierFactory(vat_number="NL004495445B01", country="NL")
    with pytest.raises(ValidationError, match="charges no Belgian VAT"):
        _order(dutch, "21")
    assert not PurchaseOrder.objects.exists()
    order = _order(dutch, "is")
    assert order.lines.get().vat_amount == Decimal("0.00")
    with pytest.raises(ValidationError, match="only apply to a supplier established in another EU"):
        _order(SupplierFactory(country="BE"), "ig")
    assert PurchaseOrder.objects.count() == 1
