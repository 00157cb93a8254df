"""The life of a purchase requisition: requested by the team, reviewed by the PMO or the PM, ordered."""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save
from pmo.lib.uploads import upload_check
from pmo.models import User
from pmo.services import sequence_next
from procurement.models import BudgetLine, PurchaseOrder, PurchaseRequisition, RequisitionStatus, Supplier
from procurement.rules import is_buyer, on_project_team

R = RequisitionStatus
FIELDS = (
    "description",
    "quantity",
    "unit",
    "estimated_unit_price",
    "needed_by",
    "suggested_supplier",
    "budget_line",
    "justification",
)


def _notify(requisition: PurchaseRequisition, event: str) -> None:
    from procurement import tasks

    transaction.on_commit(lambda: tasks.requisition_notify_task.delay(requisition.pk, event))


def _attach(requisition: PurchaseRequisition, upload: UploadedFile | None) -> None:
    if upload is None:
        return
    checked = upload_check(upload=upload, max_bytes=settings.DOCUMENT_MAX_UPLOAD_BYTES)
    requisition.attachment.save(checked.name, upload, save=False)
    requisition.attachment_name, requisition.attachment_type = checked.name, checked.content_type


def _check(requisition: PurchaseRequisition) -> None:
    budget_line = requisition.budget_line
    if budget_line is not None and budget_line.project_id != requisition.project_id:
        raise ValidationError({"budget_line": _("Choose a budget line of the requisition's project.")})
    supplier = requisition.suggested_supplier
    if supplier is not None and supplier.is_blocked:
        raise ValidationError({"suggested_supplier": _("This supplier is blocked.")})


@transaction.atomic
def requisition_submit(*, actor: User, project, attachment: UploadedFile | None = None, **values):
    """Ask the PMO to buy something for a project the requester works on."""
    if not (on_project_team(actor, project) or is_buyer(actor)):
        raise ValidationError(_("Only someone on the project's team can request a purchase for it."))
    year = timezone.localdate().year
    requisition = PurchaseRequisition(
        project=project, requester=actor, **{name: values[name] for name in FIELDS if name in values}
    )
    requisition.number = f"PR-{year}-{sequence_next(series='PR', year=year):05d}"
    _check(requisition)
    _attach(requisition, attachment)
    try:
        audited_save(requisition, actor=actor)
    except Exception:
        requisition.attachment.delete(save=False)
        raise
    _notify(requisition, "submitted")
    return requisition


def _lock(requisition: PurchaseRequisition) -> PurchaseRequisition:
    return (
        PurchaseRequisition.objects.select_related("project")
        .select_for_update(of=("self",))
        .get(pk=requisition.pk)
    )


@transaction.atomic
def requisition_update(
    *, requisition: PurchaseRequisition, actor: User, attachment: UploadedFile | None = None, **values
):
    """The requester changes a returned requisition, which goes back to the reviewers."""
    requisition = _lock(requisition)
    if requisition.requester_id != actor.pk:
        raise ValidationError(_("Only the requester can change a requisition."))
    for name in FIELDS:
        if name in values:
            setattr(requisition, name, values[name])
    _check(requisition)
    _attach(requisition, attachment)
    changed = [name for name in FIELDS if name in values]
    if attachment is not None:
        changed += ["attachment", "attachment_name", "attachment_type"]
    requisition.workflow.assign(requisition, R.SUBMITTED, user=actor)
    audited_save(
        requisition, actor=actor, update_fields=[*changed, "status", "updated_at"], reason=_("changed")
    )
    _notify(requisition, "submitted")
    return requisition


def _review(requisition, target: str, *, actor: User, reason: str, event: str):
    requisition = _lock(requisition)
    requisition.review_reason = reason.strip()
    requisition.reviewed_by, requisition.reviewed_at = actor, timezone.now()
    requisition.workflow.move(
        requisition,
        target,
        actor=actor,
        user=actor,
        reason=reason,
        fields=["review_reason", "reviewed_by", "reviewed_at"],
    )
    _notify(requisition, event)
    return requisition


@transaction.atomic
def requisition_accept(*, requisition: PurchaseRequisition, actor: User) -> PurchaseRequisition:
    """Accept a requisition: it may now be ordered or put out to tender."""
    return _review(requisition, R.ACCEPTED, actor=actor, reason="", event="accepted")


@transaction.atomic
def requisition_return(*, requisition: PurchaseRequisition, actor: User, reason: str) -> PurchaseRequisition:
    """Send a requisition back to its requester with what to change."""
    if not reason.strip():
        raise ValidationError(_("Say what the requester should change."))
    return _review(requisition, R.RETURNED, actor=actor, reason=reason, event="returned")


@transaction.atomic
def requisition_reject(*, requisition: PurchaseRequisition, actor: User, reason: str) -> PurchaseRequisition:
    """Refuse a requisition, saying why."""
    if not reason.strip():
        raise ValidationError(_("Say why the requisition is rejected."))
    if requisition.order_line_id or hasattr(requisition, "rfq_line"):
        raise ValidationError(_("This requisition is already being ordered."))
    return _review(requisition, R.REJECTED, actor=actor, reason=reason, event="rejected")


@transaction.atomic
def requisition_cancel(*, requisition: PurchaseRequisition, actor: User) -> PurchaseRequisition:
    """The requester withdraws a requisition not yet accepted."""
    requisition = _lock(requisition)
    requisition.workflow.move(requisition, R.CANCELLED, actor=actor, user=actor)
    return requisition


def requisition_link_to_order(*, requisition: PurchaseRequisition, order_line, actor: User) -> None:
    """Keep the link both ways between a requisition and the order line made from it."""
    requisition = _lock(requisition)
    requisition.order_line = order_line
    requisition.workflow.move(requisition, R.ORDERED, actor=actor, fields=["order_line"])
    _notify(requisition, "ordered")


@transaction.atomic
def requisitions_order(
    *,
    requisitions: list[PurchaseRequisition],
    actor: User,
    supplier: Supplier | None = None,
    budget_line: BudgetLine | None = None,
) -> list[PurchaseOrder]:
    """Turn accepted requisitions of one project into draft orders, one per supplier, one line each.

    A requisition without a suggested supplier goes to `supplier`; one without a budget line to
    `budget_line`. The orders are drafts: the PMO confirms the prices, then submits them to the approval
    matrix like any order.
    """
    from procurement.services.orders import purchase_order_create

    if not requisitions:
        raise ValidationError(_("Choose at least one accepted requisition."))
    locked = [_lock(requisition) for requisition in sorted(requisitions, key=lambda item: item.pk)]
    if len({requisition.project_id for requisition in locked}) > 1:
        raise ValidationError(_("Order the requisitions of one project at a time."))
    project = locked[0].project
    if not actor.has_perm("procurement.review_purchaserequisition", locked[0]):
        raise ValidationError(_("You cannot order the requisitions of this project."))
    groups: dict[Supplier, list[PurchaseRequisition]] = defaultdict(list)
    for requisition in locked:
        if requisition.status != R.ACCEPTED or requisition.order_line_id:
            raise ValidationError(
                _("%(number)s is not an accepted requisition waiting for an order.")
                % {"number": requisition.number}
            )
        chosen = requisition.suggested_supplier or supplier
        if chosen is None:
            raise ValidationError(
                _("%(number)s has no suggested supplier: choose one.") % {"number": requisition.number}
            )
        groups[chosen].append(requisition)
    orders = []
    for chosen, grouped in sorted(groups.items(), key=lambda item: item[0].name):
        lines = [_order_line(requisition, budget_line, chosen) for requisition in grouped]
        order = purchase_order_create(
            actor=actor,
            project=project,
            supplier=chosen,
            title=_("Requisitions %(numbers)s") % {"numbers": ", ".join(r.number for r in grouped)},
            delivery_date=min(requisition.needed_by for requisition in grouped),
            lines=lines,
        )
        for requisition, line in zip(grouped, order.lines.order_by("position"), strict=True):
            requisition_link_to_order(requisition=requisition, order_line=line, actor=actor)
        orders.append(order)
    return orders


def default_vat_rate(supplier: Supplier, *, is_service: bool = False) -> str:
    """21 % from a Belgian supplier; the intra-EU treatment from one in another Member State."""
    from pmo.lib.vat import vat_rate_refusal

    if vat_rate_refusal(supplier_country=supplier.country, vat_rate="21") is None:
        return "21"
    return "is" if is_service else "ig"


def _order_line(requisition: PurchaseRequisition, budget_line: BudgetLine | None, supplier: Supplier) -> dict:
    return {
        "description": requisition.description,
        "quantity": requisition.quantity,
        "unit": requisition.unit,
        "unit_price": requisition.estimated_unit_price or Decimal("0.00"),
        "vat_rate": default_vat_rate(supplier),
        "budget_line": requisition.budget_line or budget_line,
    }
