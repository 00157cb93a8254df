"""Finance uploads Peppol BIS Billing 3.0 documents: rules, duplicates, order match, three-way match."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pmo.roles import Role
from procurement.models import EInvoice, EInvoiceKind, EInvoiceStatus, SupplierInvoice
from tests.factories import user_with_role
from tests.procurement.einvoice_samples import (
    BILLING,
    adapt,
    adapted_invoice,
    credit_note_for,
    order_for_vat_category_s,
    small_pdf,
)

pytestmark = pytest.mark.django_db


def _upload(client, *documents: tuple[str, bytes]):
    files = [SimpleUploadedFile(name, content, content_type="application/xml") for name, content in documents]
    return client.post("/procurement/einvoices/", {"documents": files})


def _order_for_vat_category_s():
    return order_for_vat_category_s()


def _adapted(order) -> bytes:
    return adapted_invoice(order)


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


# Each official example, sent by the demo order's supplier and naming the order: what the inbox makes of it.
OFFICIAL_RESULTS = {
    "Allowance-example.xml": ("to_resolve", "is not on order"),  # its lines are not the order's
    "Vat-category-S.xml": ("matched", ""),
    "base-creditnote-correction.xml": ("to_resolve", "negative quantity"),
    "base-example.xml": ("to_resolve", "negative quantity"),
    "base-negative-inv-correction.xml": ("to_resolve", "negative quantity"),
    "sales-order-example.xml": ("to_resolve", "negative quantity"),
    "vat-category-E.xml": ("to_resolve", "In GBP"),
    "vat-category-O.xml": ("to_resolve", "In SEK"),
    "vat-category-Z.xml": ("to_resolve", "In GBP"),
}


def test_every_official_example_is_listed_with_its_expected_result():
    assert set(OFFICIAL_RESULTS) == {path.name for path in BILLING.glob("*.xml")}


@pytest.mark.parametrize("name", sorted(OFFICIAL_RESULTS))
def test_each_official_example_adapted_to_a_demo_order(finance, name, capsys):
    order = order_for_vat_category_s()
    _upload(finance, (name, adapt((BILLING / name).read_bytes(), order, number=name[:-4])))
    einvoice = EInvoice.objects.get()
    status, problem = OFFICIAL_RESULTS[name]
    with capsys.disabled():
        print(f"\nimport {name} (adapted): {einvoice.status}; fatal 0, warnings {len(einvoice.findings)}")
    assert einvoice.status == status, einvoice.problems
    assert not [f for f in einvoice.findings if f["flag"] == "fatal"]
    assert einvoice.order == (None if problem.startswith("In ") else order)  # other currencies stop first
    assert problem in " ".join(einvoice.problems) if problem else einvoice.problems == []
    assert SupplierInvoice.objects.count() == (1 if status == "matched" else 0)


def _invoiced(order) -> tuple[Decimal, Decimal]:
    lines = order.lines.all()
    return sum(line.invoiced_quantity for line in lines), sum(line.invoiced_amount for line in lines)


def test_a_credit_note_reduces_what_is_invoiced_on_the_order(finance):
    order = order_for_vat_category_s()
    _upload(finance, ("invoice.xml", _adapted(order)))
    assert _invoiced(order) == (Decimal("30"), Decimal("6900.00"))
    _upload(finance, ("credit.xml", credit_note_for(order)))
    credit = EInvoice.objects.get(kind=EInvoiceKind.CREDIT_NOTE)
    assert credit.status == EInvoiceStatus.MATCHED, credit.problems
    assert credit.order == order and credit.payable_amount == Decimal("8550.00")
    assert _invoiced(order) == (Decimal("0"), Decimal("0.00"))


def test_a_credit_note_for_more_than_was_invoiced_is_left_to_resolve_and_changes_nothing(finance):
    order = order_for_vat_category_s()
    _upload(finance, ("credit.xml", credit_note_for(order)))
    credit = EInvoice.objects.get()
    assert credit.status == EInvoiceStatus.TO_RESOLVE and "only 0" in credit.problems[0]
    assert _invoiced(order) == (Decimal("0"), Decimal("0.00"))


def test_the_same_credit_note_twice_is_a_duplicate(finance):
    order = order_for_vat_category_s()
    _upload(finance, ("invoice.xml", _adapted(order)), ("credit.xml", credit_note_for(order)))
    _upload(finance, ("again.xml", credit_note_for(order)))
    again = EInvoice.objects.get(file_name="again.xml")
    assert again.status == EInvoiceStatus.REFUSED and "CN-1" in again.problems[0]
    assert _invoiced(order) == (Decimal("0"), Decimal("0.00"))


def test_the_embedded_pdf_is_kept_and_finance_downloads_it(finance, client):
    order = order_for_vat_category_s()
    pdf = small_pdf()
    _upload(finance, ("invoice.xml", adapted_invoice(order, pdf=pdf)))
    einvoice = EInvoice.objects.get()
    assert einvoice.status == EInvoiceStatus.MATCHED and einvoice.pdf.name.endswith(".pdf")
    download = finance.get(f"/procurement/einvoices/{einvoice.pk}/document.pdf")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == pdf
    assert (
        f"/procurement/einvoices/{einvoice.pk}/document.pdf"
        in finance.get(einvoice.invoice.get_absolute_url()).content.decode()
    )
    client.force_login(user_with_role(Role.PROJECT_MANAGER))
    assert client.get(f"/procurement/einvoices/{einvoice.pk}/document.pdf").status_code == 403


def test_without_an_embedded_pdf_there_is_nothing_to_download(finance):
    order = order_for_vat_category_s()
    _upload(finance, ("invoice.xml", _adapted(order)))
    assert finance.get(f"/procurement/einvoices/{EInvoice.objects.get().pk}/document.pdf").status_code == 404


def test_an_unknown_supplier_is_left_to_resolve(finance):
    order = order_for_vat_category_s()
    _upload(
        finance,
        ("stranger.xml", _adapted(order).replace(order.supplier.vat_number.encode(), b"BE0999999999")),
    )
    einvoice = EInvoice.objects.get()
    assert einvoice.status == EInvoiceStatus.TO_RESOLVE and "BE0999999999" in einvoice.problems[0]
    assert einvoice.supplier is None and not SupplierInvoice.objects.exists()


def test_a_file_that_is_not_ubl_is_refused_with_the_schema_message(finance):
    _upload(finance, ("notes.xml", b"<notes><note>pay me</note></notes>"))
    einvoice = EInvoice.objects.get()
    assert einvoice.status == EInvoiceStatus.REFUSED and "notes" in einvoice.problems[0]
    assert not SupplierInvoice.objects.exists()


def test_an_empty_or_foreign_file_is_turned_away_before_the_rules(finance):
    response = _upload(finance, ("empty.xml", b""), ("invoice.pdf", b"%PDF-1.7"))
    assert response.status_code == 302
    assert not EInvoice.objects.exists()
    messages = [str(m) for m in finance.get("/procurement/einvoices/").context["messages"]]
    assert any("empty.xml" in m for m in messages) and any("invoice.pdf" in m for m in messages)
