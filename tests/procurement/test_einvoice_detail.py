"""Finance opens a received e-invoice: parties, totals, lines against the order's lines, the rule findings,
the three-way match; and resolves one that is to resolve (assign an order and match again, or reject)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pmo.roles import Role
from procurement.models import EInvoice, EInvoiceStatus, PurchaseOrder, PurchaseOrderStatus, SupplierInvoice
from procurement.services.einvoices import einvoice_match, einvoice_receive
from tests.factories import user_with_role
from tests.procurement.einvoice_samples import adapted_invoice, order_for_vat_category_s, small_pdf
from tests.procurement.helpers import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(client):
    client.force_login(user_with_role(Role.FINANCE, preferred_language="fr"))
    return client


def _receive(xml: bytes, name: str = "invoice.xml") -> EInvoice:
    return einvoice_receive(xml=xml, actor=user_with_role(Role.FINANCE), file_name=name)


def _unknown_order(order, number: str = "LOST-1") -> EInvoice:
    xml = adapted_invoice(order, number=number).replace(order.number.encode(), b"PO-2099-99999")
    return _receive(xml, "lost.xml")


def _history(einvoice) -> int:
    return einvoice.history.count()


def test_finance_sees_the_document_its_lines_against_the_order_and_the_match_in_french(finance):
    order = order_for_vat_category_s()
    einvoice = _receive(adapted_invoice(order, pdf=small_pdf()))
    page = finance.get(einvoice.get_absolute_url()).content.decode()
    assert "Fournisseur (vendeur)" in page and "SupplierOfficialName Ltd" in page  # the seller in the UBL
    assert "Buyer Official Name" in page and order.supplier.name in page
    assert "8.550,00" in page and "6.900,00" in page  # amount due, sum of the lines
    assert "1. item name" in page and "Rapprochée" in page
    assert einvoice.invoice.get_absolute_url() in page and order.get_absolute_url() in page
    assert f"/procurement/einvoices/{einvoice.pk}/document.pdf" in page
    assert "Aucune constatation" in page  # no finding: passes every rule


def test_a_refused_document_shows_its_fatal_rule_ids_with_their_explanation(finance):
    order = order_for_vat_category_s()
    wrong = adapted_invoice(order).replace(
        b'<cbc:PayableAmount currencyID="EUR">', b'<cbc:PayableAmount currencyID="EUR">1', 1
    )
    einvoice = _receive(wrong)
    page = finance.get(einvoice.get_absolute_url()).content.decode()
    assert "<code>BR-CO-16</code>" in page and "Amount due for payment (BT-115)" in page
    assert "bloquant" in page and "pas le total TVAC moins ce qui a" in page
    assert "Associer à une commande" not in page  # refused: nothing to resolve


def test_to_resolve_finance_assigns_the_order_and_it_matches(finance):
    order = order_for_vat_category_s()
    einvoice = _unknown_order(order)
    page = finance.get(einvoice.get_absolute_url()).content.decode()
    assert "Associer à une commande et rapprocher" in page and "PO-2099-99999" in page
    response = finance.post(f"/procurement/einvoices/{einvoice.pk}/match/", {"order": order.pk})
    assert response.status_code == 302
    einvoice.refresh_from_db()
    assert einvoice.status == EInvoiceStatus.MATCHED and einvoice.order == order
    assert einvoice.invoice.amount == Decimal("6900.00") and einvoice.resolved_by is not None
    assert einvoice.history.first().history_change_reason == f"matched to {order.number}"
    assert (
        f"Rapprochée avec la commande {order.number}."
        in finance.get(einvoice.get_absolute_url()).content.decode()
    )


def test_an_order_of_another_supplier_is_refused_and_nothing_changes(finance):
    order = order_for_vat_category_s()
    einvoice = _unknown_order(order)
    other = make_order()
    PurchaseOrder.objects.filter(pk=other.pk).update(status=PurchaseOrderStatus.APPROVED)
    before = _history(einvoice)
    finance.post(f"/procurement/einvoices/{einvoice.pk}/match/", {"order": other.pk})
    einvoice.refresh_from_db()
    assert einvoice.status == EInvoiceStatus.TO_RESOLVE and einvoice.order is None
    assert _history(einvoice) == before and not SupplierInvoice.objects.exists()


def test_a_match_that_still_fails_keeps_it_to_resolve_with_the_new_problems(finance):
    order = order_for_vat_category_s()
    einvoice = _unknown_order(order)
    order.lines.filter(position=3).update(description="other", unit_price=Decimal("1"))
    finance.post(f"/procurement/einvoices/{einvoice.pk}/match/", {"order": order.pk})
    einvoice.refresh_from_db()
    assert einvoice.status == EInvoiceStatus.TO_RESOLVE and einvoice.order == order
    assert "item name" in einvoice.problems[0] and not SupplierInvoice.objects.exists()


def test_a_match_without_an_issue_date_stays_to_resolve_and_says_why():
    # The column is nullable: the match must not hand a missing date to the supplier invoice, whose
    # validation answered only "This field cannot be null."
    order = order_for_vat_category_s()
    einvoice = _unknown_order(order)
    EInvoice.objects.filter(pk=einvoice.pk).update(issue_date=None)

    einvoice = einvoice_match(einvoice=einvoice, order=order, actor=user_with_role(Role.FINANCE))

    assert einvoice.status == EInvoiceStatus.TO_RESOLVE
    assert einvoice.problems == ["No issue date: the invoice cannot be recorded."]
    assert not SupplierInvoice.objects.exists()
    assert sorted(order.lines.values_list("invoiced_quantity", flat=True)) == [Decimal("0")] * 3


def test_finance_rejects_with_a_reason(finance):
    einvoice = _unknown_order(order_for_vat_category_s())
    finance.post(f"/procurement/einvoices/{einvoice.pk}/reject/", {"reason": "Wrong order number, resend"})
    einvoice.refresh_from_db()
    assert (
        einvoice.status == EInvoiceStatus.REJECTED
        and einvoice.rejection_reason == "Wrong order number, resend"
    )
    assert "Wrong order number, resend" in finance.get(einvoice.get_absolute_url()).content.decode()


def test_a_rejection_without_a_reason_changes_nothing(finance):
    einvoice = _unknown_order(order_for_vat_category_s())
    before = _history(einvoice)
    finance.post(f"/procurement/einvoices/{einvoice.pk}/reject/", {"reason": " "})
    einvoice.refresh_from_db()
    assert einvoice.status == EInvoiceStatus.TO_RESOLVE and _history(einvoice) == before


def test_a_matched_e_invoice_cannot_be_rejected_or_matched_again(finance):
    order = order_for_vat_category_s()
    einvoice = _receive(adapted_invoice(order))
    before = _history(einvoice)
    finance.post(f"/procurement/einvoices/{einvoice.pk}/reject/", {"reason": "no"})
    finance.post(f"/procurement/einvoices/{einvoice.pk}/match/", {"order": order.pk})
    einvoice.refresh_from_db()
    assert einvoice.status == EInvoiceStatus.MATCHED and _history(einvoice) == before
    assert SupplierInvoice.objects.count() == 1


def test_the_actions_answer_post_only(finance):
    einvoice = _unknown_order(order_for_vat_category_s())
    assert finance.get(f"/procurement/einvoices/{einvoice.pk}/match/").status_code == 405
    assert finance.get(f"/procurement/einvoices/{einvoice.pk}/reject/").status_code == 405


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.HEAD_OF_PM, Role.PM_SUPPORT, Role.SALES])
def test_other_roles_may_not_open_or_resolve(client, role):
    order = order_for_vat_category_s()
    einvoice = _unknown_order(order)
    client.force_login(user_with_role(role))
    assert client.get(einvoice.get_absolute_url()).status_code == 403
    assert client.get("/procurement/einvoices/").status_code == 403
    assert client.post(f"/procurement/einvoices/{einvoice.pk}/match/", {"order": order.pk}).status_code == 403
    assert client.post(f"/procurement/einvoices/{einvoice.pk}/reject/", {"reason": "x"}).status_code == 403
    einvoice.refresh_from_db()
    assert einvoice.status == EInvoiceStatus.TO_RESOLVE and einvoice.order is None


def test_a_mismatch_resolved_on_the_invoice_page_resolves_the_e_invoice(finance):
    order = order_for_vat_category_s()
    order.lines.update(received_quantity=Decimal("5"))  # invoiced 10, received 5: a mismatch
    einvoice = _receive(adapted_invoice(order))
    assert einvoice.status == EInvoiceStatus.TO_RESOLVE and einvoice.invoice.mismatches
    page = finance.get(einvoice.get_absolute_url()).content.decode()
    assert "résolvez-la sur la page de la facture" in page  # match and reject wait for the invoice page
    finance.post(
        f"/procurement/invoices/{einvoice.invoice.pk}/resolve/", {"accept": "1", "note": "Rest follows"}
    )
    einvoice.refresh_from_db()
    assert einvoice.status == EInvoiceStatus.MATCHED


def test_the_inbox_filters_by_state_supplier_and_date(finance):
    order = order_for_vat_category_s(name="Acme Belgium NV")
    matched = _receive(adapted_invoice(order))
    lost = _unknown_order(order)
    EInvoice.objects.filter(pk=lost.pk).update(received_at="2026-01-15T10:00:00+01:00")

    def listed(query: str) -> set[int]:
        page = finance.get(f"/procurement/einvoices/?{query}").context["page"]
        return {einvoice.pk for einvoice in page.object_list}

    assert listed("status=matched") == {matched.pk}
    assert listed("status=to_resolve") == {lost.pk}
    assert listed("supplier=acme") == {matched.pk, lost.pk} and listed("supplier=nobody") == set()
    assert listed("received_before=2026-01-31") == {lost.pk}
    assert listed("received_after=2026-02-01") == {matched.pk}


def test_the_inbox_and_the_detail_keep_a_constant_number_of_queries(finance, django_assert_max_num_queries):
    order = order_for_vat_category_s()
    einvoice = _receive(adapted_invoice(order))
    with django_assert_max_num_queries(12) as few:
        finance.get("/procurement/einvoices/")
    for number in range(12):
        _receive(adapted_invoice(order, number=f"N{number}").replace(order.number.encode(), b"PO-X"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        finance.get("/procurement/einvoices/")
    with django_assert_max_num_queries(14):
        finance.get(einvoice.get_absolute_url())


def test_uploading_two_files_at_once_lists_both(finance):
    order = order_for_vat_category_s()
    files = [
        SimpleUploadedFile("a.xml", adapted_invoice(order, number="A-1"), content_type="application/xml"),
        SimpleUploadedFile(
            "b.xml", adapted_invoice(order, number="B-1").replace(order.number.encode(), b"X")
        ),
    ]
    finance.post("/procurement/einvoices/", {"documents": files})
    assert dict(EInvoice.objects.values_list("number", "status")) == {"A-1": "matched", "B-1": "to_resolve"}
