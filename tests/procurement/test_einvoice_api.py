"""The Peppol access point delivers inbound invoices and credit notes through POST /api/v1/einvoices/:
the same rules, duplicate check and order match as finance's upload; nothing stored on a refusal."""

from decimal import Decimal

import pytest
import requests
from django.core.management import call_command
from rest_framework.test import APIClient

from pmo.roles import Role
from procurement.models import EInvoice, EInvoiceStatus, SupplierInvoice
from procurement.services.einvoices import einvoice_delivery_account_create
from tests.factories import api_key_for, user_with_role
from tests.procurement.einvoice_samples import BILLING, adapted_invoice, order_for_vat_category_s

pytestmark = pytest.mark.django_db
URL = "/api/v1/einvoices/"


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


def _deliver(client: APIClient, xml: bytes, content_type: str = "application/xml"):
    return client.post(URL, data=xml, content_type=content_type)


@pytest.fixture
def access_point():
    return _client(einvoice_delivery_account_create(username="peppol-ap"))


def _invoiced(order) -> list[Decimal]:
    return sorted(order.lines.values_list("invoiced_amount", flat=True))


def test_it_receives_a_matching_invoice_and_answers_201_with_the_state(access_point):
    order = order_for_vat_category_s()
    response = _deliver(access_point, adapted_invoice(order))
    assert response.status_code == 201, response.content
    body = response.json()
    einvoice = EInvoice.objects.get()
    assert body["id"] == einvoice.pk and body["status"] == "matched" and body["order_number"] == order.number
    assert body["number"] == "Snippet1" and body["payable_amount"] == "8550.00" and body["problems"] == []
    assert all(finding["flag"] == "warning" for finding in body["findings"])
    assert einvoice.received_by.username == "peppol-ap" and einvoice.invoice.amount == Decimal("6900.00")
    assert _invoiced(order) == [Decimal("900.00"), Decimal("2000.00"), Decimal("4000.00")]


def test_an_unknown_order_is_received_to_resolve_with_the_reason(access_point):
    order = order_for_vat_category_s()
    response = _deliver(access_point, adapted_invoice(order).replace(order.number.encode(), b"PO-2099-99999"))
    assert response.status_code == 201
    assert response.json()["status"] == "to_resolve" and "PO-2099-99999" in response.json()["problems"][0]
    assert EInvoice.objects.get().status == EInvoiceStatus.TO_RESOLVE
    assert not SupplierInvoice.objects.exists()


def test_a_wrong_total_is_422_with_the_fatal_rule_ids_and_nothing_is_stored(access_point):
    order = order_for_vat_category_s()
    wrong = adapted_invoice(order).replace(
        b'<cbc:PayableAmount currencyID="EUR">', b'<cbc:PayableAmount currencyID="EUR">1', 1
    )
    response = _deliver(access_point, wrong)
    assert response.status_code == 422
    body = response.json()
    rules = {finding["rule"] for finding in body["findings"]}
    assert "BR-CO-16" in rules and all(f["flag"] == "fatal" and f["text"] for f in body["findings"])
    assert "BR-CO-16" in body["detail"]
    explained = next(f for f in body["findings"] if f["rule"] == "BR-CO-16")["explanation"]
    assert explained == "The amount due is not the total including VAT minus what was paid in advance."
    assert not EInvoice.objects.exists() and not SupplierInvoice.objects.exists()
    assert _invoiced(order) == [Decimal("0.00")] * 3


def test_what_is_not_ubl_is_422_and_nothing_is_stored(access_point):
    response = _deliver(access_point, b"<html><body>an invoice</body></html>")
    assert response.status_code == 422 and response.json()["problems"]
    assert _deliver(access_point, b"not xml at all").status_code == 422
    assert not EInvoice.objects.exists()


def test_a_duplicate_is_409_and_nothing_more_is_stored(access_point):
    order = order_for_vat_category_s()
    assert _deliver(access_point, adapted_invoice(order)).status_code == 201
    response = _deliver(access_point, adapted_invoice(order))
    assert response.status_code == 409
    assert "Snippet1" in response.json()["detail"] and response.json()["findings"] == []
    assert EInvoice.objects.count() == 1 and SupplierInvoice.objects.count() == 1
    assert _invoiced(order) == [Decimal("900.00"), Decimal("2000.00"), Decimal("4000.00")]


def test_finance_may_deliver_too(client):
    order = order_for_vat_category_s()
    response = _deliver(_client(user_with_role(Role.FINANCE)), adapted_invoice(order))
    assert response.status_code == 201 and response.json()["status"] == "matched"


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.HEAD_OF_PM, Role.PM_SUPPORT, Role.ADMINISTRATOR])
def test_other_roles_are_refused_and_nothing_is_stored(role):
    order = order_for_vat_category_s()
    response = _deliver(_client(user_with_role(role)), adapted_invoice(order))
    assert response.status_code == 403
    assert not EInvoice.objects.exists() and _invoiced(order) == [Decimal("0.00")] * 3


def test_without_a_token_it_is_401_and_nothing_is_stored():
    order = order_for_vat_category_s()
    assert _deliver(APIClient(), adapted_invoice(order)).status_code == 401
    assert not EInvoice.objects.exists()


def test_the_wrong_method_and_the_wrong_content_type_are_refused(access_point):
    order = order_for_vat_category_s()
    assert access_point.get(URL).status_code == 405
    assert _deliver(access_point, adapted_invoice(order), content_type="application/json").status_code == 415
    assert not EInvoice.objects.exists()


def test_text_xml_is_accepted_as_well(access_point):
    order = order_for_vat_category_s()
    assert _deliver(access_point, adapted_invoice(order), content_type="text/xml").status_code == 201


def test_the_access_point_account_may_do_nothing_else(access_point, client):
    order_for_vat_category_s()
    orders = access_point.get("/api/v1/purchase-orders/")
    assert orders.status_code == 200 and orders.json()["count"] == 0
    assert access_point.get("/api/v1/suppliers/").json()["count"] == 0
    account = EInvoice._meta.apps.get_model("pmo", "User").objects.get(username="peppol-ap")
    assert not account.has_usable_password() and not account.roles
    client.force_login(account)
    assert client.get("/procurement/einvoices/").status_code == 403


def test_the_command_makes_the_account_and_prints_a_working_token(capsys):
    call_command("einvoice_delivery_account", "peppol-ap")
    key = capsys.readouterr().out.strip()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/me/").json()["username"] == "peppol-ap"


def test_the_command_refuses_a_persons_account():
    person = user_with_role(Role.FINANCE, username="anne")
    with pytest.raises(Exception, match="anne"):
        einvoice_delivery_account_create(username="anne")
    assert not person.user_permissions.exists()


def test_the_schema_documents_the_delivery(access_point):
    schema = access_point.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/einvoices/"]["post"]
    assert set(operation["requestBody"]["content"]) == {"application/xml", "text/xml"}
    assert {"201", "409", "422", "401", "403"} <= set(operation["responses"])


def test_over_real_http_an_official_example_arrives(live_server):
    """The access point's call as it is made: a socket, a token header, the bytes of the file."""
    import importlib

    from django.apps import apps

    importlib.import_module("pmo.migrations.0002_role_groups").create_role_groups(apps, None)
    key = api_key_for(einvoice_delivery_account_create(username="peppol-ap"))
    response = requests.post(
        f"{live_server.url}{URL}",
        data=(BILLING / "base-example.xml").read_bytes(),
        headers={"Authorization": f"Token {key}", "Content-Type": "application/xml"},
        timeout=120,
    )
    assert response.status_code == 201 and response.json()["status"] == "to_resolve"
    assert EInvoice.objects.get().file_name == "api"


def test_the_database_keeps_one_live_e_invoice_per_supplier_and_number(access_point):
    """Two deliveries racing past the duplicate check: the constraint refuses the second."""
    from django.db import IntegrityError, transaction

    order = order_for_vat_category_s()
    assert _deliver(access_point, adapted_invoice(order)).status_code == 201
    first = EInvoice.objects.get()
    twin = EInvoice(
        **{f.attname: getattr(first, f.attname) for f in EInvoice._meta.concrete_fields if not f.primary_key}
    )
    twin.invoice_id = None
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    twin.status = EInvoiceStatus.REFUSED
    twin.save()  # a refused twin is kept for the inbox
    assert EInvoice.objects.count() == 2
