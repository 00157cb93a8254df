"""Goods receipts and supplier invoices, with the three-way match (two-way for services)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from stdnum.be import ogm_vcs
from stdnum.exceptions import ValidationError as StdnumError

from pmo.lib.audit import audited_save
from pmo.lib.money import money_format
from pmo.models import User
from procurement.models import (
    VAT_PERCENT,
    EInvoice,
    EInvoiceStatus,
    GoodsReceipt,
    GoodsReceiptLine,
    InvoiceStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    SupplierInvoice,
    SupplierInvoiceLine,
)
from procurement.models.orders import INVOICEABLE_STATUSES
from procurement.services.orders import purchase_order_lock, purchase_order_move
from procurement.services.totals import purchase_order_totals_refresh

S = PurchaseOrderStatus
RECEIVABLE_STATUSES = (S.APPROVED, S.SENT, S.PARTIALLY_RECEIVED)


def _locked_lines(order: PurchaseOrder) -> dict[int, PurchaseOrderLine]:
    return {line.pk: line for line in order.lines.select_for_update().order_by("pk")}


@transaction.atomic
def goods_receipt_record(
    *, order: PurchaseOrder, quantities: dict[int, Decimal], received_on: date, actor: User, note: str = ""
) -> GoodsReceipt:
    """Record what arrived, per line; partial receipts are fine, more than ordered never is."""
    order = purchase_order_lock(order)
    if order.status not in RECEIVABLE_STATUSES:
        raise ValidationError(_("Goods can only be received on an approved or sent order."))
    quantities = {pk: quantity for pk, quantity in quantities.items() if quantity}
    if not quantities:
        raise ValidationError(_("Enter the quantity received on at least one line."))
    lines = _locked_lines(order)
    for pk, quantity in quantities.items():
        line = lines.get(pk)
        if line is None:
            raise ValidationError(_("This line is not on the order."))
        if quantity < 0 or line.received_quantity + quantity > line.quantity:
            raise ValidationError(
                _("“%(line)s”: at most %(open)s more can be received.")
                % {"line": line.description, "open": line.quantity - line.received_quantity}
            )
    receipt = GoodsReceipt(order=order, received_on=received_on, received_by=actor, note=note)
    audited_save(receipt, actor=actor)
    for pk, quantity in quantities.items():
        GoodsReceiptLine.objects.create(receipt=receipt, order_line_id=pk, quantity=quantity)
        PurchaseOrderLine.objects.filter(pk=pk).update(received_quantity=F("received_quantity") + quantity)
    fully = not order.lines.filter(received_quantity__lt=F("quantity")).exists()
    purchase_order_move(order, S.RECEIVED if fully else S.PARTIALLY_RECEIVED, actor=actor, fields=[])
    return receipt


@dataclass(frozen=True)
class InvoiceLineInput:
    order_line_id: int
    quantity: Decimal
    unit_price: Decimal


def _tolerance() -> Decimal:
    return Decimal(str(getattr(settings, "PROCUREMENT_PRICE_TOLERANCE_PERCENT", "2")))


def _match_line(line: PurchaseOrderLine, item: InvoiceLineInput) -> list[str]:
    """The mismatches of one invoice line against its order line and receipts."""
    problems = []
    invoiced = line.invoiced_quantity + item.quantity
    if line.is_service:
        if invoiced > line.quantity:
            problems.append(_("%(line)s: invoiced more than ordered.") % {"line": line.description})
    elif line.received_quantity == 0:
        problems.append(_("%(line)s: invoiced but not received.") % {"line": line.description})
    elif invoiced > line.received_quantity:
        problems.append(_("%(line)s: invoiced more than received.") % {"line": line.description})
    allowed = line.unit_price * _tolerance() / 100
    if abs(item.unit_price - line.unit_price) > allowed:
        problems.append(
            _("%(line)s: price %(billed)s differs from the order price %(ordered)s.")
            % {
                "line": line.description,
                "billed": money_format(item.unit_price),
                "ordered": money_format(line.unit_price),
            }
        )
    return problems


def _normalize_communication(value: str) -> str:
    if not value:
        return ""
    try:
        return f"+++{ogm_vcs.format(ogm_vcs.validate(value))}+++"
    except StdnumError as error:
        raise ValidationError(
            _("“%(value)s” is not a valid structured communication (+++123/4567/89002+++).")
            % {"value": value}
        ) from error


@transaction.atomic
def supplier_invoice_record(
    *,
    order: PurchaseOrder,
    number: str,
    invoice_date: date,
    lines: list[InvoiceLineInput],
    actor: User,
    due_date: date | None = None,
    structured_communication: str = "",
) -> SupplierInvoice:
    """Record a supplier invoice against an order and match it: matched, or mismatches for finance."""
    order = purchase_order_lock(order)
    if order.status not in INVOICEABLE_STATUSES:
        raise ValidationError(_("An invoice can only be recorded on an approved order."))
    lines = [item for item in lines if item.quantity]
    if not lines:
        raise ValidationError(_("Enter at least one invoiced line."))
    order_lines = _locked_lines(order)
    mismatches: list[str] = []
    for item in lines:
        if item.order_line_id not in order_lines:
            raise ValidationError(_("This line is not on the order."))
        mismatches += _match_line(order_lines[item.order_line_id], item)
    amounts = {
        item.order_line_id: (item.quantity * item.unit_price).quantize(Decimal("0.01")) for item in lines
    }
    vat = sum(
        (amounts[item.order_line_id] * VAT_PERCENT[order_lines[item.order_line_id].vat_rate] / 100).quantize(
            Decimal("0.01")
        )
        for item in lines
    )
    invoice = SupplierInvoice(
        order=order,
        supplier=order.supplier,
        number=number.strip(),
        invoice_date=invoice_date,
        due_date=due_date,
        structured_communication=_normalize_communication(structured_communication),
        amount=sum(amounts.values()),
        vat_amount=vat,
        status=InvoiceStatus.MISMATCH if mismatches else InvoiceStatus.MATCHED,
        mismatches=mismatches,
        recorded_by=actor,
    )
    audited_save(invoice, actor=actor)
    for item in lines:
        SupplierInvoiceLine.objects.create(
            invoice=invoice,
            order_line_id=item.order_line_id,
            quantity=item.quantity,
            unit_price=item.unit_price,
        )
        PurchaseOrderLine.objects.filter(pk=item.order_line_id).update(
            invoiced_quantity=F("invoiced_quantity") + item.quantity,
            invoiced_amount=F("invoiced_amount") + amounts[item.order_line_id],
        )
    purchase_order_totals_refresh(order=order)
    return invoice


@transaction.atomic
def supplier_invoice_resolve(
    *, invoice: SupplierInvoice, actor: User, accept: bool, note: str
) -> SupplierInvoice:
    """Finance accepts a mismatched invoice with a note, or rejects it (its amounts leave the actuals)."""
    invoice = SupplierInvoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.MISMATCH:
        raise ValidationError(_("Only an invoice with mismatches can be resolved."))
    if not note.strip():
        raise ValidationError(_("Say how the mismatch was resolved."))
    order = purchase_order_lock(invoice.order)
    if not accept:
        for line in invoice.lines.all():
            PurchaseOrderLine.objects.filter(pk=line.order_line_id).update(
                invoiced_quantity=F("invoiced_quantity") - line.quantity,
                invoiced_amount=F("invoiced_amount") - line.amount,
            )
        purchase_order_totals_refresh(order=order)
    invoice.workflow.assign(invoice, InvoiceStatus.RESOLVED if accept else InvoiceStatus.REJECTED)
    invoice.resolved_by, invoice.resolution_note = actor, note.strip()
    audited_save(invoice, actor=actor, update_fields=["status", "resolved_by", "resolution_note"])
    _einvoice_follow(invoice, accept=accept, actor=actor, note=note.strip())
    return invoice


def _einvoice_follow(invoice: SupplierInvoice, *, accept: bool, actor: User, note: str) -> None:
    """The e-invoice that brought this invoice leaves "to resolve" with it."""
    einvoice = EInvoice.objects.select_for_update().filter(invoice=invoice).first()
    if einvoice is None or einvoice.workflow.is_final(einvoice):
        return
    if not accept:
        einvoice.rejection_reason = note
    einvoice.resolved_by = actor
    einvoice.workflow.move(
        einvoice,
        EInvoiceStatus.MATCHED if accept else EInvoiceStatus.REJECTED,
        actor=actor,
        reason=note,
        fields=["rejection_reason", "resolved_by"],
    )
