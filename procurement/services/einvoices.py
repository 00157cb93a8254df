"""Inbound Peppol BIS Billing 3.0 invoices and credit notes: validate with the official rules, refuse
duplicates, match to the order and its lines, then record them through the existing three-way match."""

import base64
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save
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
from procurement.selectors.einvoices import (
    NS,
    UBLLine,
    order_line_for,
    ubl_date,
    ubl_decimal,
    ubl_lines,
    ubl_parse,
    ubl_text,
)
from procurement.services.orders import purchase_order_lock
from procurement.services.receipts import InvoiceLineInput, supplier_invoice_record
from procurement.services.totals import purchase_order_totals_refresh


class EInvoiceRefused(Exception):
    """A refused document the caller answers for itself (the access point's API): nothing was stored."""

    def __init__(self, einvoice: EInvoice, *, is_duplicate: bool) -> None:
        super().__init__(" ".join(map(str, einvoice.problems)))
        self.einvoice = einvoice
        self.is_duplicate = is_duplicate


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


def _supplier(vat: str, endpoint: str) -> Supplier | None:
    candidates = [value for value in (vat, endpoint) if value]
    return Supplier.objects.filter(vat_number__in=candidates).first() or (
        Supplier.objects.filter(peppol_id__endswith=f":{endpoint}").first() if endpoint else None
    )


def _match_lines(order: PurchaseOrder, lines: list[UBLLine]) -> tuple[list[InvoiceLineInput], list[str]]:
    """By the order line reference (its position), else by description and unit price."""
    order_lines = list(order.lines.order_by("position", "pk"))
    matched, problems = [], []
    for line in lines:
        target = order_line_for(line, order_lines)
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


def _apply_credit_note(order: PurchaseOrder, lines: list[InvoiceLineInput]) -> list[str]:
    """A credit note reduces what is invoiced on the order lines it names; never below nothing."""
    order = purchase_order_lock(order)  # before its lines, as the receipt and invoice services lock
    order_lines = PurchaseOrderLine.objects.select_for_update().in_bulk(
        [item.order_line_id for item in lines]
    )
    problems = [
        _("Line “%(name)s”: credits %(credited)s, only %(invoiced)s invoiced.")
        % {"name": line.description, "credited": item.quantity, "invoiced": line.invoiced_quantity}
        for item in lines
        if item.quantity > (line := order_lines[item.order_line_id]).invoiced_quantity
    ]
    if problems:
        return problems
    for item in lines:
        amount = (item.quantity * item.unit_price).quantize(Decimal("0.01"))
        PurchaseOrderLine.objects.filter(pk=item.order_line_id, order=order).update(
            invoiced_quantity=F("invoiced_quantity") - item.quantity,
            invoiced_amount=Greatest(F("invoiced_amount") - amount, Decimal(0)),
        )
    purchase_order_totals_refresh(order=order)
    return []


@transaction.atomic
def einvoice_receive(
    *, xml: bytes, actor: User | None, file_name: str = "", keep_refused: bool = True
) -> EInvoice:
    """Read one UBL invoice or credit note; the result says matched, to resolve, or refused and why.

    A refused document is kept for the inbox, unless `keep_refused` is off (the access point is answered
    at once): then nothing is stored and EInvoiceRefused says why."""
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
        return _keep_refused(einvoice, keep_refused=keep_refused, is_duplicate=False)
    root = ubl_parse(xml)
    party = "cac:AccountingSupplierParty/cac:Party/"
    einvoice.number = ubl_text(root, "cbc:ID")[:50]
    einvoice.issue_date = ubl_date(ubl_text(root, "cbc:IssueDate"))
    einvoice.supplier_name = ubl_text(root, party + "cac:PartyLegalEntity/cbc:RegistrationName")[:200]
    einvoice.supplier_vat = ubl_text(root, party + "cac:PartyTaxScheme/cbc:CompanyID")[:30]
    einvoice.order_reference = ubl_text(root, "cac:OrderReference/cbc:ID")[:50]
    einvoice.payable_amount = ubl_decimal(ubl_text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount"))
    einvoice.supplier = _supplier(einvoice.supplier_vat, ubl_text(root, party + "cbc:EndpointID"))
    _route(einvoice, root, actor=actor)
    if einvoice.status == EInvoiceStatus.REFUSED:
        return _keep_refused(einvoice, keep_refused=keep_refused, is_duplicate=True)
    pdf = _embedded_pdf(root)
    if pdf:
        einvoice.pdf.save(pdf[0], ContentFile(pdf[1]), save=False)
    try:
        with transaction.atomic():
            audited_save(einvoice, actor=actor)
    except (IntegrityError, ValidationError) as error:
        # A twin delivered at the same moment passed the duplicate check too; the constraint kept one.
        if not _is_duplicate(einvoice):
            raise
        einvoice.problems = [
            _("Duplicate: %(supplier)s already sent number %(number)s.")
            % {"supplier": einvoice.supplier, "number": einvoice.number}
        ]
        raise EInvoiceRefused(einvoice, is_duplicate=True) from error  # nothing of this one is kept
    return einvoice


def _keep_refused(einvoice: EInvoice, *, keep_refused: bool, is_duplicate: bool) -> EInvoice:
    if not keep_refused:
        raise EInvoiceRefused(einvoice, is_duplicate=is_duplicate)
    audited_save(einvoice, actor=einvoice.received_by)
    return einvoice


def _is_duplicate(einvoice: EInvoice) -> bool:
    """Supplier + number already recorded, or received and not refused (a corrected resend of a refused
    or rejected document is welcome)."""
    if SupplierInvoice.objects.filter(supplier=einvoice.supplier, number=einvoice.number).exists():
        return einvoice.kind == EInvoiceKind.INVOICE
    return (
        EInvoice.objects.filter(supplier=einvoice.supplier, number=einvoice.number, kind=einvoice.kind)
        .exclude(status__in=[EInvoiceStatus.REFUSED, EInvoiceStatus.REJECTED])
        .exclude(pk=einvoice.pk)
        .exists()
    )


def _route(einvoice: EInvoice, root, *, actor: User | None, order: PurchaseOrder | None = None) -> None:
    """Set the status and problems: supplier, duplicate, order (the one given, else the reference), lines,
    then the three-way match of an invoice or the reduction of a credit note."""
    currency = ubl_text(root, "cbc:DocumentCurrencyCode")
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
    duplicate = _is_duplicate(einvoice)
    if duplicate:
        einvoice.status = EInvoiceStatus.REFUSED
        einvoice.problems = [
            _("Duplicate: %(supplier)s already sent number %(number)s.")
            % {"supplier": einvoice.supplier, "number": einvoice.number}
        ]
        return
    order = (
        order
        or PurchaseOrder.objects.filter(number=einvoice.order_reference, supplier=einvoice.supplier).first()
    )
    if order is None:
        einvoice.status, einvoice.problems = (
            EInvoiceStatus.TO_RESOLVE,
            [_("No order %(reference)s of this supplier.") % {"reference": einvoice.order_reference or "—"}],
        )
        return
    einvoice.order = order
    lines, problems = _match_lines(order, ubl_lines(root, einvoice.kind))
    if problems or not lines:
        einvoice.status, einvoice.problems = EInvoiceStatus.TO_RESOLVE, problems or [_("No invoice line.")]
        return
    if einvoice.kind == EInvoiceKind.CREDIT_NOTE:
        einvoice.problems = _apply_credit_note(order, lines)
        einvoice.status = EInvoiceStatus.TO_RESOLVE if einvoice.problems else EInvoiceStatus.MATCHED
        return
    if einvoice.issue_date is None:
        einvoice.status = EInvoiceStatus.TO_RESOLVE
        einvoice.problems = [_("No issue date: the invoice cannot be recorded.")]
        return
    try:
        with transaction.atomic():
            einvoice.invoice = supplier_invoice_record(
                order=order,
                number=einvoice.number,
                invoice_date=einvoice.issue_date,
                lines=lines,
                actor=actor or order.requester,
                due_date=ubl_date(ubl_text(root, "cbc:DueDate")),
            )
    except ValidationError as error:
        einvoice.status, einvoice.problems = EInvoiceStatus.TO_RESOLVE, error.messages
        return
    einvoice.status = EInvoiceStatus.MATCHED if not einvoice.invoice.mismatches else EInvoiceStatus.TO_RESOLVE
    einvoice.problems = einvoice.invoice.mismatches


@transaction.atomic
def einvoice_match(*, einvoice: EInvoice, order: PurchaseOrder, actor: User) -> EInvoice:
    """Assign an e-invoice to resolve to one of its supplier's orders and match it again."""
    einvoice = EInvoice.objects.select_for_update().get(pk=einvoice.pk)
    if einvoice.workflow.state(einvoice) != EInvoiceStatus.TO_RESOLVE:
        raise einvoice.workflow.refuse(einvoice, EInvoiceStatus.MATCHED)
    if einvoice.supplier_id and order.supplier_id != einvoice.supplier_id:
        raise ValidationError(
            _("Order %(order)s is not an order of %(supplier)s.")
            % {"order": order, "supplier": einvoice.supplier}
        )
    einvoice.supplier = einvoice.supplier or order.supplier
    einvoice.problems = []
    _route(einvoice, ubl_parse(einvoice.xml.encode()), actor=actor, order=order)
    outcome, einvoice.status = einvoice.status, EInvoiceStatus.TO_RESOLVE
    if outcome == EInvoiceStatus.REFUSED:
        raise ValidationError(einvoice.problems)
    einvoice.workflow.assign(einvoice, outcome, user=actor)
    einvoice.resolved_by = actor
    audited_save(
        einvoice,
        actor=actor,
        update_fields=["status", "supplier", "order", "invoice", "problems", "resolved_by"],
        reason=f"matched to {order.number}",
    )
    return einvoice


@transaction.atomic
def einvoice_reject(*, einvoice: EInvoice, actor: User, reason: str) -> EInvoice:
    """Finance rejects an e-invoice to resolve with a reason (the supplier sends a corrected one)."""
    einvoice = EInvoice.objects.select_for_update().get(pk=einvoice.pk)
    if not reason.strip():
        raise ValidationError(_("Say why the e-invoice is rejected."))
    einvoice.rejection_reason, einvoice.resolved_by = reason.strip(), actor
    einvoice.workflow.move(
        einvoice,
        EInvoiceStatus.REJECTED,
        actor=actor,
        user=actor,
        reason=reason,
        fields=["rejection_reason", "resolved_by"],
    )
    return einvoice


@transaction.atomic
def einvoice_delivery_account_create(*, username: str) -> User:
    """The access point's account: no role, no password, the one permission to deliver e-invoices."""
    from django.contrib.auth.models import Permission

    account, created = User.objects.get_or_create(username=username, defaults={"is_active": True})
    if not created and (account.groups.exists() or account.has_usable_password()):
        raise ValidationError(_("%(name)s is a person's account: choose another name.") % {"name": username})
    if created:
        account.set_unusable_password()
        account.save(update_fields=["password"])
    permission = Permission.objects.get(content_type__app_label="procurement", codename="deliver_einvoice")
    account.user_permissions.add(permission)
    return account
