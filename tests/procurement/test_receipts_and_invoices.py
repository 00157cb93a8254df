from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pmo.roles import Role
from procurement import selectors, services
from procurement.models import (
    BudgetLine,
    InvoiceStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
)
from procurement.services import InvoiceLineInput
from tests.factories import user_with_role
from tests.procurement.helpers import submitted_order

pytestmark = pytest.mark.django_db
S = PurchaseOrderStatus
TODAY = date(2026, 3, 2)


def approved_order(amount=Decimal("100.00"), quantity=Decimal("10"), **kwargs):
    order = submitted_order(amount=amount, **kwargs)
    line = order.lines.get()
    services.purchase_order_update(
        order=order,
        actor=order.requester,
        lines=[
            {
                "id": line.pk,
                "description": line.description,
                "quantity": quantity,
                "unit_price": amount,
                "budget_line": line.budget_line,
            }
        ],
    )
    services.purchase_order_approve(order=order, approver=order.project.project_manager)
    return PurchaseOrder.objects.get(pk=order.pk), line


def figures(line: PurchaseOrderLine) -> BudgetLine:
    return selectors.budget_line_figures(BudgetLine.objects.filter(pk=line.budget_line_id)).get()


def test_it_receives_partially_then_fully():
    order, line = approved_order()
    services.goods_receipt_record(
        order=order, quantities={line.pk: Decimal("4")}, received_on=TODAY, actor=order.requester
    )
    assert PurchaseOrder.objects.get(pk=order.pk).status == S.PARTIALLY_RECEIVED
    services.goods_receipt_record(
        order=order, quantities={line.pk: Decimal("6")}, received_on=TODAY, actor=order.requester
    )
    assert PurchaseOrder.objects.get(pk=order.pk).status == S.RECEIVED


def test_it_never_receives_more_than_ordered():
    order, line = approved_order()
    with pytest.raises(ValidationError):
        services.goods_receipt_record(
            order=order, quantities={line.pk: Decimal("10.001")}, received_on=TODAY, actor=order.requester
        )
    line.refresh_from_db()
    assert line.received_quantity == 0
    assert order.receipts.count() == 0


def test_it_counts_each_euro_once_from_commitment_to_invoice():
    order, line = approved_order()  # 10 x 100 on a 10,000 line
    assert (figures(line).committed, figures(line).available) == (Decimal("1000.00"), Decimal("9000.00"))
    services.goods_receipt_record(
        order=order, quantities={line.pk: Decimal("4")}, received_on=TODAY, actor=order.requester
    )
    line_figures = figures(line)
    assert (line_figures.committed, line_figures.received_not_invoiced, line_figures.actual) == (
        Decimal("600.00"),
        Decimal("400.00"),
        Decimal("0.00"),
    )
    services.supplier_invoice_record(
        order=order,
        number="F-1",
        invoice_date=TODAY,
        actor=user_with_role(Role.FINANCE),
        lines=[InvoiceLineInput(line.pk, Decimal("4"), Decimal("101.00"))],
    )
    line_figures = figures(line)
    assert (line_figures.committed, line_figures.received_not_invoiced, line_figures.actual) == (
        Decimal("600.00"),
        Decimal("0.00"),
        Decimal("404.00"),
    )
    assert line_figures.available == Decimal("8996.00")


def test_it_matches_within_the_price_tolerance():
    order, line = approved_order()
    services.goods_receipt_record(
        order=order, quantities={line.pk: Decimal("10")}, received_on=TODAY, actor=order.requester
    )
    invoice = services.supplier_invoice_record(
        order=order,
        number="F-2",
        invoice_date=TODAY,
        actor=user_with_role(Role.FINANCE),
        structured_communication="010806817183",
        lines=[InvoiceLineInput(line.pk, Decimal("10"), Decimal("102.00"))],
    )
    assert (invoice.status, invoice.mismatches) == (InvoiceStatus.MATCHED, [])
    assert invoice.structured_communication == "+++010/8068/17183+++"
    assert (invoice.amount, invoice.vat_amount) == (Decimal("1020.00"), Decimal("214.20"))


def test_it_lists_mismatches_for_finance_and_lets_them_reject_the_invoice():
    order, line = approved_order()
    services.goods_receipt_record(
        order=order, quantities={line.pk: Decimal("2")}, received_on=TODAY, actor=order.requester
    )
    finance = user_with_role(Role.FINANCE)
    invoice = services.supplier_invoice_record(
        order=order,
        number="F-3",
        invoice_date=TODAY,
        actor=finance,
        lines=[InvoiceLineInput(line.pk, Decimal("3"), Decimal("110.00"))],
    )
    assert invoice.status == InvoiceStatus.MISMATCH
    assert len(invoice.mismatches) == 2  # more than received, and the price
    services.supplier_invoice_resolve(invoice=invoice, actor=finance, accept=False, note="Credit note asked")
    line.refresh_from_db()
    assert (line.invoiced_quantity, line.invoiced_amount) == (Decimal("0"), Decimal("0.00"))


def test_it_flags_an_invoice_on_goods_not_received():
    order, line = approved_order()
    invoice = services.supplier_invoice_record(
        order=order,
        number="F-4",
        invoice_date=TODAY,
        actor=user_with_role(Role.FINANCE),
        lines=[InvoiceLineInput(line.pk, Decimal("1"), Decimal("100.00"))],
    )
    assert invoice.status == InvoiceStatus.MISMATCH
    assert "not received" in invoice.mismatches[0]


def test_it_matches_services_two_way_without_a_receipt():
    order, line = approved_order()
    PurchaseOrderLine.objects.filter(pk=line.pk).update(is_service=True)
    invoice = services.supplier_invoice_record(
        order=order,
        number="F-5",
        invoice_date=TODAY,
        actor=user_with_role(Role.FINANCE),
        lines=[InvoiceLineInput(line.pk, Decimal("10"), Decimal("100.00"))],
    )
    assert invoice.status == InvoiceStatus.MATCHED
    assert figures(line).committed == Decimal("0.00")  # invoiced services no longer count as committed


def test_it_refuses_a_bad_structured_communication():
    order, line = approved_order()
    with pytest.raises(ValidationError):
        services.supplier_invoice_record(
            order=order,
            number="F-6",
            invoice_date=TODAY,
            actor=user_with_role(Role.FINANCE),
            structured_communication="+++010/8068/17184+++",
            lines=[InvoiceLineInput(line.pk, Decimal("1"), Decimal("100.00"))],
        )
    assert not order.invoices.exists()


def test_it_releases_what_was_not_received_when_the_order_is_closed():
    order, line = approved_order()
    services.goods_receipt_record(
        order=order, quantities={line.pk: Decimal("4")}, received_on=TODAY, actor=order.requester
    )
    services.purchase_order_close(order=order, actor=order.requester)
    assert figures(line).committed == Decimal("0.00")
    assert figures(line).received_not_invoiced == Decimal("400.00")
