"""Requests for quotation: lines and invited suppliers, the quotes received, the award into an order."""

import secrets
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save, history_stamp
from pmo.lib.uploads import upload_check
from pmo.models import User
from pmo.services import sequence_next
from procurement.models import (
    BudgetLine,
    PurchaseOrder,
    PurchaseRequisition,
    RequestForQuotation,
    RequisitionStatus,
    RfqDocument,
    RfqInvitation,
    RfqLine,
    RfqStatus,
    Supplier,
    SupplierQuote,
    SupplierQuoteLine,
)

T = RfqStatus
RFQ_FIELDS = (
    "title",
    "description",
    "deadline",
    "delivery_address",
    "price_weight",
    "delivery_weight",
    "quality_weight",
)
# A supplier's link stays valid a week after the deadline: late offers are still recorded, then refused.
LINK_GRACE_DAYS = 7


def _lock(rfq: RequestForQuotation) -> RequestForQuotation:
    return (
        RequestForQuotation.objects.select_related("project").select_for_update(of=("self",)).get(pk=rfq.pk)
    )


def _check_weights(rfq: RequestForQuotation) -> None:
    if rfq.price_weight + rfq.delivery_weight + rfq.quality_weight != 100:
        raise ValidationError(_("The weights of price, delivery and quality must add up to 100 %."))


def _line_add(rfq: RequestForQuotation, values: dict, *, actor: User, position: int) -> RfqLine:
    budget_line = values.get("budget_line")
    if budget_line is not None and budget_line.project_id != rfq.project_id:
        raise ValidationError(_("A line's budget line must belong to the request's project."))
    line = RfqLine(rfq=rfq, position=position, **values)
    audited_save(line, actor=actor)
    return line


@transaction.atomic
def rfq_create(
    *,
    actor: User,
    project,
    lines: list[dict],
    requisitions: Sequence[PurchaseRequisition] = (),
    budget_line: BudgetLine | None = None,
    **values,
) -> RequestForQuotation:
    """Open a draft request for quotation, from scratch (`lines`) or from accepted requisitions."""
    if not actor.has_perm("procurement.add_requestforquotation"):
        raise ValidationError(_("You cannot ask suppliers for quotes."))
    year = timezone.localdate().year
    rfq = RequestForQuotation(
        project=project, created_by=actor, **{name: values[name] for name in RFQ_FIELDS if name in values}
    )
    if not actor.has_perm("procurement.change_requestforquotation", rfq):
        raise ValidationError(_("You cannot ask suppliers for quotes for this project."))
    rfq.number = f"RFQ-{year}-{sequence_next(series='RFQ', year=year):05d}"
    _check_weights(rfq)
    audited_save(rfq, actor=actor)
    position = 0
    for requisition in PurchaseRequisition.objects.select_for_update().filter(
        pk__in=[requisition.pk for requisition in requisitions]
    ):
        if requisition.project_id != project.pk or requisition.status != RequisitionStatus.ACCEPTED:
            raise ValidationError(
                _("%(number)s is not an accepted requisition of this project.")
                % {"number": requisition.number}
            )
        if requisition.order_line_id or RfqLine.objects.filter(requisition=requisition).exists():
            raise ValidationError(
                _("%(number)s is already ordered or in a tender.") % {"number": requisition.number}
            )
        position += 1
        _line_add(
            rfq,
            {
                "description": requisition.description,
                "quantity": requisition.quantity,
                "unit": requisition.unit,
                "budget_line": requisition.budget_line or budget_line,
                "requisition": requisition,
            },
            actor=actor,
            position=position,
        )
    for values_of_line in lines:
        position += 1
        _line_add(rfq, values_of_line, actor=actor, position=position)
    if not position:
        raise ValidationError(_("Add at least one line."))
    return rfq


def _draft(rfq: RequestForQuotation) -> RequestForQuotation:
    rfq = _lock(rfq)
    if rfq.status != T.DRAFT:
        raise ValidationError(_("The request was sent: its lines, suppliers and documents are fixed."))
    return rfq


@transaction.atomic
def rfq_line_add(*, rfq: RequestForQuotation, actor: User, **values) -> RfqLine:
    """Add a line to a draft request."""
    rfq = _draft(rfq)
    return _line_add(rfq, values, actor=actor, position=rfq.lines.count() + 1)


@transaction.atomic
def rfq_supplier_invite(*, rfq: RequestForQuotation, supplier: Supplier, actor: User) -> RfqInvitation:
    """Invite a supplier to quote on a draft request (a blocked supplier cannot be invited)."""
    rfq = _draft(rfq)
    if supplier.is_blocked:
        raise ValidationError(_("The supplier %(supplier)s is blocked.") % {"supplier": supplier})
    if rfq.invitations.filter(supplier=supplier).exists():
        raise ValidationError(_("%(supplier)s is already invited.") % {"supplier": supplier})
    invitation = RfqInvitation(rfq=rfq, supplier=supplier)
    audited_save(invitation, actor=actor, exclude=["token"])
    return invitation


@transaction.atomic
def rfq_supplier_remove(*, invitation: RfqInvitation, actor: User) -> None:
    """Take an invited supplier off a draft request."""
    _draft(invitation.rfq)
    history_stamp(invitation, actor=actor)
    invitation.delete()


@transaction.atomic
def rfq_document_add(*, rfq: RequestForQuotation, upload: UploadedFile, actor: User) -> RfqDocument:
    """Add a file (plan, specification) to the document pack of a draft request."""
    rfq = _draft(rfq)
    checked = upload_check(upload=upload, max_bytes=settings.DOCUMENT_MAX_UPLOAD_BYTES)
    document = RfqDocument(
        rfq=rfq,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor,
    )
    document.file.save(checked.name, upload, save=False)
    try:
        document.full_clean()
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def rfq_send(*, rfq: RequestForQuotation, actor: User) -> RequestForQuotation:
    """Send the request: each invited supplier gets its own link and an email with the PDF, once."""
    from procurement import tasks

    rfq = _lock(rfq)
    if rfq.deadline < timezone.localdate():
        raise ValidationError(_("The deadline is past: move it before sending."))
    rfq.sent_at = timezone.now()
    rfq.workflow.move(rfq, T.SENT, actor=actor, user=actor, fields=["sent_at"])
    expires = timezone.make_aware(datetime.combine(rfq.deadline + timedelta(days=LINK_GRACE_DAYS), time.max))
    for invitation in rfq.invitations.select_related("supplier"):
        invitation.token = secrets.token_urlsafe(32)
        invitation.expires_at = expires
        audited_save(invitation, actor=actor, update_fields=["token", "expires_at"], exclude=["token"])
        if invitation.supplier.email:
            transaction.on_commit(partial(tasks.rfq_invitation_email_task.delay, invitation.pk))
    return rfq


@transaction.atomic
def rfq_cancel(*, rfq: RequestForQuotation, actor: User) -> RequestForQuotation:
    """Cancel a request; its requisitions are free again to be ordered or put out to tender."""
    rfq = _lock(rfq)
    rfq.workflow.move(rfq, T.CANCELLED, actor=actor, user=actor)
    for line in rfq.lines.filter(requisition__isnull=False):
        line.requisition = None
        audited_save(line, actor=actor, update_fields=["requisition"])
    return rfq


def _quote_save(
    invitation: RfqInvitation,
    *,
    actor: User | None,
    prices: dict[int, Decimal],
    offer: UploadedFile | None,
    **values,
) -> SupplierQuote:
    rfq = _lock(invitation.rfq)
    if not rfq.takes_quotes:
        raise ValidationError(_("This request no longer takes quotes."))
    if SupplierQuote.objects.filter(invitation=invitation).exists():
        raise ValidationError(
            _("The quote of %(supplier)s is already recorded.") % {"supplier": invitation.supplier}
        )
    lines = list(rfq.lines.all())
    missing = [line for line in lines if prices.get(line.pk) is None]
    if len(missing) == len(lines):
        raise ValidationError(_("Give a price for at least one line."))
    quote = SupplierQuote(invitation=invitation, recorded_by=actor, **values)
    if offer is not None:
        checked = upload_check(upload=offer, max_bytes=settings.DOCUMENT_MAX_UPLOAD_BYTES)
        quote.offer.save(checked.name, offer, save=False)
        quote.offer_name, quote.offer_type = checked.name, checked.content_type
    try:
        audited_save(quote, actor=actor)
    except Exception:
        if quote.offer:
            quote.offer.delete(save=False)
        raise
    for line in lines:
        if prices.get(line.pk) is not None:
            price = SupplierQuoteLine(
                quote=quote, rfq_line=line, unit_price=prices[line.pk], quantity=line.quantity
            )
            audited_save(price, actor=actor, exclude=["amount"])
    return quote


@transaction.atomic
def quote_record(*, invitation: RfqInvitation, actor: User, prices: dict[int, Decimal], offer=None, **values):
    """The PMO records a supplier's quote from the offer received (by mail, on paper)."""
    if not actor.has_perm("procurement.change_requestforquotation", invitation.rfq):
        raise ValidationError(_("You cannot record quotes on this request."))
    return _quote_save(invitation, actor=actor, prices=prices, offer=offer, **values)


@transaction.atomic
def quote_submit_by_link(*, invitation: RfqInvitation, prices: dict[int, Decimal], offer=None, **values):
    """The supplier answers through their link: once, before the link expires."""
    invitation = (
        RfqInvitation.objects.select_for_update().select_related("rfq", "supplier").get(pk=invitation.pk)
    )
    if invitation.is_expired:
        raise ValidationError(_("This link has expired."))
    values.pop("quality_score", None)  # the supplier does not rate itself
    return _quote_save(invitation, actor=None, prices=prices, offer=offer, **values)


@transaction.atomic
def quote_rate(*, quote: SupplierQuote, actor: User, quality_score: int) -> SupplierQuote:
    """The PMO rates a quote's quality (1 to 5) for the weighted comparison."""
    rfq = _lock(quote.invitation.rfq)
    if not actor.has_perm("procurement.change_requestforquotation", rfq) or not rfq.takes_quotes:
        raise ValidationError(_("You cannot rate quotes on this request now."))
    quote.quality_score = quality_score
    audited_save(quote, actor=actor, update_fields=["quality_score"])
    return quote


@transaction.atomic
def rfq_award(
    *, rfq: RequestForQuotation, quote: SupplierQuote, actor: User, justification: str = ""
) -> PurchaseOrder:
    """Award the request to one quote: a draft order for that supplier, at its prices, follows the
    approval matrix like any order. Choosing another quote than the cheapest needs a written reason."""
    from procurement.selectors.tenders import rfq_comparison
    from procurement.services.orders import purchase_order_create
    from procurement.services.requisitions import default_vat_rate, requisition_link_to_order

    rfq = _lock(rfq)
    if quote.invitation.rfq_id != rfq.pk:
        raise ValidationError(_("This quote is not one of this request's."))
    comparison = rfq_comparison(rfq=rfq)
    chosen = next((compared for compared in comparison.quotes if compared.quote.pk == quote.pk), None)
    justification = justification.strip()
    if chosen is None:
        raise ValidationError(_("This quote is not one of this request's."))
    if not chosen.is_cheapest and not justification:
        raise ValidationError(_("Write why you do not choose the cheapest quote."))
    supplier = chosen.invitation.supplier
    priced = [row.line for row in comparison.rows if row.line.pk in chosen.prices]
    lines = [
        {
            "description": line.description,
            "quantity": line.quantity,
            "unit": line.unit,
            "unit_price": chosen.prices[line.pk].unit_price,
            "vat_rate": default_vat_rate(supplier),
            "budget_line": line.budget_line,
        }
        for line in priced
    ]
    order = purchase_order_create(
        actor=actor,
        project=rfq.project,
        supplier=supplier,
        title=rfq.title,
        delivery_address=rfq.delivery_address,
        delivery_date=timezone.localdate() + timedelta(days=quote.delivery_days * 7 // 5),
        notes=quote.conditions,
        lines=lines,
    )
    rfq.awarded_quote, rfq.award_justification = quote, justification
    rfq.purchase_order, rfq.awarded_at = order, timezone.now()
    rfq.workflow.move(
        rfq,
        T.AWARDED,
        actor=actor,
        user=actor,
        reason=justification,
        fields=["awarded_quote", "award_justification", "purchase_order", "awarded_at"],
    )
    for line, order_line in zip(priced, order.lines.order_by("position", "pk"), strict=True):
        if line.requisition is not None:
            requisition_link_to_order(requisition=line.requisition, order_line=order_line, actor=actor)
    return order
