"""Inbound Peppol BIS Billing 3.0 invoices and credit notes: validate with the official rules, refuse
duplicates, match to the order and its lines, then record them through the existing three-way match."""

import base64
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _
from lxml import etree

from pmo.lib.ubl_rules import check_ubl
from pmo.models import User
from procurement.models import (
    EInvoice,
    EInvoiceKind,
    EInvoiceStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
    SupplierInvoice,
)
from procurement.services.receipts import InvoiceLineInput, supplier_invoice_record

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def _rules_report(xml: bytes):
    standards = settings.PEPPOL_STANDARDS_DIR
    is_credit_note = b"CreditNote-2" in xml[:800]
    schema = "UBL-CreditNote-2.1.xsd" if is_credit_note else "UBL-Invoice-2.1.xsd"
    rules = standards / "peppol-2026.5" / "rules"
    return check_ubl(
        xml,
        schema=standards / "ubl-2.1" / "xsd" / "maindoc" / schema,
        rules=(rules / "CEN-EN16931-UBL.xslt", rules / "PEPPOL-EN16931-UBL.xslt"),
    )


@dataclass
class _Line:
    reference: str
    name: str
    quantity: Decimal
    price: Decimal


def _text(node, path: str) -> str:
    return (node.findtext(path, namespaces=NS) or "").strip()


def _decimal(value: str) -> Decimal:
    try:
        return Decimal(value or "0")
    except InvalidOperation:
        return Decimal(0)


def _lines(root, kind: str) -> list[_Line]:
    tag, quantity = ("cac:CreditNoteLine", "cbc:CreditedQuantity") if kind == EInvoiceKind.CREDIT_NOTE else (
        "cac:InvoiceLine", "cbc:InvoicedQuantity")  # fmt: skip
    return [
        _Line(
            reference=_text(line, "cac:OrderLineReference/cbc:LineID"),
            name=_text(line, "cac:Item/cbc:Name"),
            quantity=_decimal(_text(line, quantity)),
            price=_decimal(_text(line, "cac:Price/cbc:PriceAmount")),
        )
        for line in root.iterfind(tag, NS)
    ]


def _supplier(vat: str, endpoint: str) -> Supplier | None:
    candidates = [value for value in (vat, endpoint) if value]
    return Supplier.objects.filter(vat_number__in=candidates).first() or (
        Supplier.objects.filter(peppol_id__endswith=f":{endpoint}").first() if endpoint else None
    )


def _match_lines(order: PurchaseOrder, lines: list[_Line]) -> tuple[list[InvoiceLineInput], list[str]]:
    """By the order line reference (its position), else by description and unit price."""
    order_lines = list(order.lines.order_by("position", "pk"))
    by_position = {str(line.position): line for line in order_lines}
    matched, problems = [], []
    for line in lines:
        target = by_position.get(line.reference) or next(
            (o for o in order_lines if o.description == line.name and o.unit_price == line.price), None
        )
        if line.quantity <= 0:
            problems.append(
                _("Line “%(name)s” has a negative quantity: finance resolves it.") % {"name": line.name}
            )
        elif target is None:
            problems.append(
                _("Line “%(name)s” is not on order %(order)s.") % {"name": line.name, "order": order}
            )
        else:
            matched.append(
                InvoiceLineInput(order_line_id=target.pk, quantity=line.quantity, unit_price=line.price)
            )
    return matched, problems


def _embedded_pdf(root) -> tuple[str, bytes] | None:
    for attachment in root.iterfind(
        "cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject", NS
    ):
        if attachment.get("mimeCode") == "application/pdf":
            return attachment.get("filename") or "invoice.pdf", base64.b64decode(attachment.text or "")
    return None


def _apply_credit_note(order: PurchaseOrder, lines: list[InvoiceLineInput]) -> None:
    """A credit note reduces what is invoiced on the order lines it names."""
    for item in lines:
        amount = (item.quantity * item.unit_price).quantize(Decimal("0.01"))
        PurchaseOrderLine.objects.filter(pk=item.order_line_id, order=order).update(
            invoiced_quantity=Greatest(F("invoiced_quantity") - item.quantity, Decimal(0)),
            invoiced_amount=Greatest(F("invoiced_amount") - amount, Decimal(0)),
        )


@transaction.atomic
def einvoice_receive(*, xml: bytes, actor: User | None, file_name: str = "") -> EInvoice:
    """Read one UBL invoice or credit note; the result says matched, to resolve, or refused and why."""
    report = _rules_report(xml)
    einvoice = EInvoice(xml=xml.decode("utf-8", "replace"), file_name=file_name[:200], received_by=actor)
    einvoice.findings = [{"rule": f.rule, "flag": f.flag, "text": f.text} for f in report.findings]
    einvoice.kind = EInvoiceKind.CREDIT_NOTE if b"CreditNote-2" in xml[:800] else EInvoiceKind.INVOICE
    if not report.is_valid:
        einvoice.status = EInvoiceStatus.REFUSED
        einvoice.problems = report.schema_errors[:5] or [
            _("The official Peppol rules reject it: %(rules)s.")
            % {"rules": ", ".join(sorted({f.rule for f in report.fatal}))}
        ]
        einvoice.save()
        return einvoice
    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    party = "cac:AccountingSupplierParty/cac:Party/"
    einvoice.number = _text(root, "cbc:ID")[:50]
    einvoice.issue_date = date.fromisoformat(_text(root, "cbc:IssueDate"))
    einvoice.supplier_name = _text(root, party + "cac:PartyLegalEntity/cbc:RegistrationName")[:200]
    einvoice.supplier_vat = _text(root, party + "cac:PartyTaxScheme/cbc:CompanyID")[:30]
    einvoice.order_reference = _text(root, "cac:OrderReference/cbc:ID")[:50]
    einvoice.payable_amount = _decimal(_text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount"))
    einvoice.supplier = _supplier(einvoice.supplier_vat, _text(root, party + "cbc:EndpointID"))
    _route(einvoice, root)
    pdf = _embedded_pdf(root)
    if pdf:
        einvoice.pdf.save(pdf[0], ContentFile(pdf[1]), save=False)
    einvoice.save()
    return einvoice


def _issue_date(einvoice: EInvoice) -> date:
    """Read by einvoice_receive before routing: a document without cbc:IssueDate never gets this far."""
    if einvoice.issue_date is None:
        raise ValueError("an e-invoice was routed before its issue date was read")
    return einvoice.issue_date


def _route(einvoice: EInvoice, root) -> None:
    currency = _text(root, "cbc:DocumentCurrencyCode")
    if currency != "EUR":
        einvoice.status = EInvoiceStatus.TO_RESOLVE
        einvoice.problems = [_("In %(currency)s: our orders are in EUR.") % {"currency": currency}]
        return
    if einvoice.supplier is None:
        einvoice.status, einvoice.problems = (
            EInvoiceStatus.TO_RESOLVE,
            [_("No supplier with the VAT number %(vat)s.") % {"vat": einvoice.supplier_vat or "—"}],
        )
        return
    duplicate = SupplierInvoice.objects.filter(
        supplier=einvoice.supplier, number=einvoice.number
    ).exists() or (
        EInvoice.objects.filter(supplier=einvoice.supplier, number=einvoice.number, kind=einvoice.kind)
        .exclude(status=EInvoiceStatus.REFUSED)
        .exists()
    )
    if duplicate:
        einvoice.status = EInvoiceStatus.REFUSED
        einvoice.problems = [
            _("Duplicate: %(supplier)s already sent number %(number)s.")
            % {"supplier": einvoice.supplier, "number": einvoice.number}
        ]
        return
    order = PurchaseOrder.objects.filter(number=einvoice.order_reference, supplier=einvoice.supplier).first()
    if order is None:
        einvoice.status, einvoice.problems = (
            EInvoiceStatus.TO_RESOLVE,
            [_("No order %(reference)s of this supplier.") % {"reference": einvoice.order_reference or "—"}],
        )
        return
    einvoice.order = order
    lines, problems = _match_lines(order, _lines(root, einvoice.kind))
    if problems or not lines:
        einvoice.status, einvoice.problems = EInvoiceStatus.TO_RESOLVE, problems or [_("No invoice line.")]
        return
    if einvoice.kind == EInvoiceKind.CREDIT_NOTE:
        _apply_credit_note(order, lines)
        einvoice.status = EInvoiceStatus.MATCHED
        return
    try:
        with transaction.atomic():
            einvoice.invoice = supplier_invoice_record(
                order=order,
                number=einvoice.number,
                invoice_date=_issue_date(einvoice),
                lines=lines,
                actor=einvoice.received_by or order.requester,
                due_date=date.fromisoformat(_text(root, "cbc:DueDate"))
                if _text(root, "cbc:DueDate")
                else None,
            )
    except ValidationError as error:
        einvoice.status, einvoice.problems = EInvoiceStatus.TO_RESOLVE, error.messages
        return
    einvoice.status = EInvoiceStatus.MATCHED if not einvoice.invoice.mismatches else EInvoiceStatus.TO_RESOLVE
    einvoice.problems = einvoice.invoice.mismatches
