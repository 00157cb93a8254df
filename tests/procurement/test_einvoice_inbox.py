"""Finance uploads Peppol BIS Billing 3.0 documents: rules, duplicates, order match, three-way match."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pmo.roles import Role
from procurement.models import EInvoice, EInvoiceStatus, PurchaseOrder, PurchaseOrderStatus, SupplierInvoice
from tests.factories import SupplierFactory, user_with_role
from tests.peppol import EXAMPLES
from tests.procurement.helpers import make_order

pytestmark = pytest.mark.django_db
BILLING = EXAMPLES / "billing"


def _upload(client, *documents: tuple[str, bytes]):
    files = [SimpleUploadedFile(name, content, content_type="application/xml") for name, content in documents]
    return client.post("/procurement/einvoices/", {"documents": files})


def _order_for_vat_category_s():
    """A demo order the official Vat-category-S example can be adapted to (3 lines of 10, received)."""
    supplier = SupplierFactory(vat_number="BE0403170701", country="BE")
    order = make_order(supplier=supplier, amount=Decimal("400"))
    line = order.lines.get()
    line.quantity, line.description = Decimal("10"), "item name"
    line.save()
    for position, price in ((2, "200"), (3, "90")):
        line.pk, line.position, line.unit_price = None, position, Decimal(price)
        line.save()
    order.lines.update(received_quantity=Decimal("10"))
    PurchaseOrder.objects.filter(pk=order.pk).update(status=PurchaseOrderStatus.APPROVED)
    return order


def _adapted(order) -> bytes:
    xml = (BILLING / "Vat-category-S.xml").read_bytes()
    xml = xml.replace(b"GB1232434", order.supplier.vat_number.encode())
    reference = f"<cac:OrderReference><cbc:ID>{order.number}</cbc:ID></cac:OrderReference>".encode()
    return xml.replace(b"</cbc:BuyerReference>", b"</cbc:BuyerReference>" + reference, 1)


@pytest.fixture
def finance(client):
    client.force_login(user_with_role(Role.FINANCE))
    return client


def test_the_official_examples_are_read_several_at_once(finance, capsys):
    paths = sorted(BILLING.glob("*.xml"))
    response = _upload(finance, *((path.name, path.read_bytes()) for path in paths))
    assert response.status_code == 302
    results = {e.file_name: e for e in EInvoice.objects.all()}
    assert set(results) == {path.name for path in paths}
    with capsys.disabled():
        for name, einvoice in sorted(results.items()):
            print(f"\nimport {name}: {einvoice.status} {' '.join(map(str, einvoice.problems))}")
    assert not [e for e in results.values() if e.status == EInvoiceStatus.REFUSED]  # all pass the rules
    assert not SupplierInvoice.objects.exists()  # none of them names one of our orders


def test_an_adapted_example_is_matched_to_its_order_and_recorded(finance):
    order = _order_for_vat_category_s()
    _upload(finance, ("invoice.xml", _adapted(order)))
    einvoice = EInvoice.objects.get()
    assert einvoice.status == EInvoiceStatus.MATCHED, einvoice.problems
    assert einvoice.order == order and einvoice.invoice.amount == Decimal("6900.00")
    assert sorted(order.lines.values_list("invoiced_quantity", flat=True)) == [Decimal("10")] * 3
    page = finance.get("/procurement/einvoices/?status=matched").content.decode()
    assert order.number in page


def test_a_duplicate_is_refused_and_nothing_more_is_invoiced(finance):
    order = _order_for_vat_category_s()
    _upload(finance, ("invoice.xml", _adapted(order)))
    _upload(finance, ("again.xml", _adapted(order)))
    again = EInvoice.objects.get(file_name="again.xml")
    assert again.status == EInvoiceStatus.REFUSED and "Duplicate" in again.problems[0]
    assert SupplierInvoice.objects.count() == 1
    assert sorted(order.lines.values_list("invoiced_quantity", flat=True)) == [Decimal("10")] * 3


def test_a_wrong_total_is_refused_with_the_rule_ids(finance):
    order = _order_for_vat_category_s()
    wrong = _adapted(order).replace(
        b'<cbc:PayableAmount currencyID="EUR">', b'<cbc:PayableAmount currencyID="EUR">1', 1
    )
    _upload(finance, ("wrong.xml", wrong))
    einvoice = EInvoice.objects.get()
    assert einvoice.status == EInvoiceStatus.REFUSED
    rules = {finding["rule"] for finding in einvoice.findings if finding["flag"] == "fatal"}
    assert any(rule.startswith("BR-CO-") for rule in rules), rules
    assert not SupplierInvoice.objects.exists()
    page = finance.get("/procurement/einvoices/?status=refused").content.decode()
    assert sorted(rules)[0] in page


def test_an_unknown_order_is_left_to_resolve(finance):
    order = _order_for_vat_category_s()
    xml = _adapted(order).replace(order.number.encode(), b"PO-2099-99999")
    _upload(finance, ("unknown.xml", xml))
    einvoice = EInvoice.objects.get()
    assert einvoice.status == EInvoiceStatus.TO_RESOLVE and "PO-2099-99999" in einvoice.problems[0]
    assert not SupplierInvoice.objects.exists()


def test_only_finance_uploads(client):
    client.force_login(user_with_role(Role.PROJECT_MANAGER))
    path = BILLING / "base-example.xml"
    assert _upload(client, (path.name, path.read_bytes())).status_code == 403
    assert not EInvoice.objects.exists()
