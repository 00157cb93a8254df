"""The life of a purchase order: create, change, submit, approve, reject, send, cancel, close.

Every function is one transaction. Approvals lock the order, then its project, then its budget lines
(always in that order, so two approvals cannot deadlock) and re-read the budget after the locks:
two approvals racing for the same remaining budget are serialised and the second one sees the first.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save, history_stamp
from pmo.lib.vat import vat_rate_refusal
from pmo.models import User
from pmo.roles import Role
from pmo.services import sequence_next
from procurement.models import (
    Approval,
    ApprovalDecision,
    BudgetLine,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    SupplierKind,
)
from procurement.selectors.approvals import approval_requirements, order_amount, pending_roles_for
from procurement.services.totals import purchase_order_totals_refresh

S = PurchaseOrderStatus
ORDER_FIELDS = ("project", "supplier", "title", "delivery_address", "delivery_date", "notes")
LINE_FIELDS = ("description", "quantity", "unit", "unit_price", "vat_rate", "budget_line", "is_service")


def purchase_order_move(
    order: PurchaseOrder, status: str, *, actor: User, fields: list[str], reason: str = ""
) -> None:
    """Every status change of an order goes through its table (PurchaseOrder.workflow).

    The status decides what the order's lines count as (committed, received, nothing when cancelled),
    so its budget lines' running totals are refreshed here; a receipt has updated its lines before."""
    order.workflow.move(order, status, actor=actor, fields=fields, reason=reason)
    purchase_order_totals_refresh(order=order)


def purchase_order_lock(order: PurchaseOrder) -> PurchaseOrder:
    return (
        PurchaseOrder.objects.select_related("project", "supplier")
        .select_for_update(of=("self",))
        .get(pk=order.pk)
    )


def _notify(order: PurchaseOrder, event: str) -> None:
    from procurement import tasks

    transaction.on_commit(lambda: tasks.purchase_order_notify_task.delay(order.pk, event))


def _check_lines(order: PurchaseOrder, lines: list[dict]) -> None:
    for values in lines:
        budget_line: BudgetLine | None = values.get("budget_line")
        if order.project_id and budget_line is None:
            raise ValidationError(_("Every line of a project order needs a budget line."))
        if budget_line is not None and budget_line.project_id != order.project_id:
            raise ValidationError(_("A line's budget line must belong to the order's project."))
        refusal = vat_rate_refusal(
            supplier_country=order.supplier.country, vat_rate=values.get("vat_rate", "21")
        )
        if refusal:
            raise ValidationError(refusal)


def _save_lines(order: PurchaseOrder, lines: list[dict], *, actor: User) -> set[int | None]:
    """Create, change and remove lines so that the order holds exactly `lines` (dicts, `id` for existing);
    return the budget lines they were on before (their running totals change too)."""
    _check_lines(order, lines)
    existing = {line.pk: line for line in order.lines.all()}
    before = {line.budget_line_id for line in existing.values()}
    kept = {values["id"] for values in lines if values.get("id")}
    for pk in set(existing) - kept:
        history_stamp(existing[pk], actor=actor)
        existing[pk].delete()
    for position, values in enumerate(lines, start=1):
        line_id = values.get("id")
        line = (existing.get(line_id) if line_id else None) or PurchaseOrderLine(order=order)
        for field in LINE_FIELDS:
            if field in values:
                setattr(line, field, values[field])
        line.position = position
        audited_save(line, actor=actor)
    return before


@transaction.atomic
def purchase_order_create(*, actor: User, lines: list[dict], **values) -> PurchaseOrder:
    """Create a draft order with its lines and its gap-free number PO-YYYY-NNNNN."""
    year = timezone.localdate().year
    order = PurchaseOrder(
        requester=actor, **{field: values[field] for field in ORDER_FIELDS if field in values}
    )
    order.number = f"PO-{year}-{sequence_next(series='PO', year=year):05d}"
    audited_save(order, actor=actor)
    _save_lines(order, lines, actor=actor)
    purchase_order_totals_refresh(order=order)
    return order


@transaction.atomic
def purchase_order_update(*, order: PurchaseOrder, actor: User, lines: list[dict] | None = None, **values):
    """Change an order; a change after approval (or during it) sends the order back for a new approval."""
    order = purchase_order_lock(order)
    if not order.is_editable or order.invoices.exists():
        raise ValidationError(_("This order can no longer be changed."))
    for field in ORDER_FIELDS:
        if field in values:
            setattr(order, field, values[field])
    fields = [field for field in ORDER_FIELDS if field in values]
    if order.status in (S.APPROVED, S.SENT, S.SUBMITTED):
        order.approval_round += 1
        order.workflow.assign(order, S.SUBMITTED)
        order.submitted_at = timezone.now()
        fields += ["approval_round", "status", "submitted_at"]
    elif order.status == S.REJECTED:
        order.workflow.assign(order, S.DRAFT)
        fields += ["status"]
    audited_save(order, actor=actor, update_fields=[*fields, "updated_at"], reason=_("changed"))
    left = _save_lines(order, lines, actor=actor) if lines is not None else set()
    # Both the lines and the status (an approved order back to submitted stops being committed).
    purchase_order_totals_refresh(order=order, budget_line_ids=left)
    if order.status == S.SUBMITTED:
        _refresh_awaiting(order, actor=actor)
    return order


def _refresh_awaiting(order: PurchaseOrder, *, actor: User) -> list:
    requirements = approval_requirements(order=order)
    order.awaiting_roles = [requirement.role for requirement in requirements if requirement.approval is None]
    audited_save(order, actor=actor, update_fields=["awaiting_roles"])
    _notify(order, "awaiting")
    return requirements


@transaction.atomic
def purchase_order_submit(*, order: PurchaseOrder, actor: User) -> PurchaseOrder:
    """Submit a draft for approval; the approval matrix decides who is asked."""
    order = purchase_order_lock(order)
    if order.status != S.DRAFT:
        raise ValidationError(_("Only a draft order can be submitted."))
    if not order.lines.exists():
        raise ValidationError(_("Add at least one line before submitting the order."))
    if order.supplier.is_blocked:
        raise ValidationError(_("The supplier %(supplier)s is blocked.") % {"supplier": order.supplier})
    if order.supplier.kind == SupplierKind.SUBCONTRACTOR and not order.supplier.is_vca_valid:
        raise ValidationError(_("This subcontractor has no valid VCA certificate."))
    _check_lines(
        order, [{"budget_line": line.budget_line} for line in order.lines.select_related("budget_line")]
    )
    order.submitted_at = timezone.now()
    order.rejection_reason = ""
    purchase_order_move(order, S.SUBMITTED, actor=actor, fields=["submitted_at", "rejection_reason"])
    _refresh_awaiting(order, actor=actor)
    return order


def _lock_budget(order: PurchaseOrder) -> None:
    """Lock the order's project and budget lines (in pk order) before reading the budget."""
    if order.project_id is None:
        return
    from projects.models import Project

    list(Project.objects.select_for_update().filter(pk=order.project_id).values_list("pk"))
    line_ids = order.lines.filter(budget_line__isnull=False).values("budget_line")
    list(BudgetLine.objects.select_for_update().filter(pk__in=line_ids).order_by("pk").values_list("pk"))


@transaction.atomic
def purchase_order_approve(*, order: PurchaseOrder, approver: User, justification: str = "") -> PurchaseOrder:
    """Record an approval; the order becomes approved when every role the matrix asks for has approved."""
    order = purchase_order_lock(order)
    if order.status != S.SUBMITTED:
        raise ValidationError(_("Only a submitted order can be approved."))
    _lock_budget(order)
    requirements = approval_requirements(order=order)
    mine = pending_roles_for(user=approver, order=order, requirements=requirements)
    if not mine:
        raise ValidationError(_("You cannot approve this order."))
    justification = justification.strip()
    if any(requirement.requires_justification for requirement in mine) and not justification:
        raise ValidationError(
            _("Write why you approve this order: the approval matrix asks for a justification.")
        )
    return _record_approvals(order, requirements, mine, approver=approver, justification=justification)


@transaction.atomic
def purchase_order_take_over(
    *, order: PurchaseOrder, approver: User, role: str, justification: str
) -> PurchaseOrder:
    """The head of PM approves a pending step in place of the people it is asked of, saying why in writing."""
    order = purchase_order_lock(order)
    if order.status != S.SUBMITTED:
        raise ValidationError(_("Only a submitted order can be approved."))
    if not approver.has_role(Role.HEAD_OF_PM) or approver.pk == order.requester_id:
        raise ValidationError(
            _("Only the head of project management, not the requester, may take a step over.")
        )
    if not justification.strip():
        raise ValidationError(_("Write why you take this step over."))
    _lock_budget(order)
    requirements = approval_requirements(order=order)
    step = [
        requirement
        for requirement in requirements
        if requirement.role == role and requirement.approval is None
    ]
    if not step:
        raise ValidationError(_("This step is not waiting for an approval."))
    return _record_approvals(
        order, requirements, step, approver=approver, justification=justification.strip(), taken_over=True
    )


def _record_approvals(order, requirements, steps, *, approver, justification, taken_over=False):
    amount = order_amount(order=order)
    for requirement in steps:
        requirement.approval = Approval.objects.create(
            order=order,
            approval_round=order.approval_round,
            approver=approver,
            role=requirement.role,
            decision=ApprovalDecision.APPROVED,
            justification=justification,
            reasons=list(requirement.reasons),
            amount=amount,
            on_behalf_of=requirement.standing_in_for.get(approver.pk),
            taken_over=taken_over,
        )
    order.awaiting_roles = [requirement.role for requirement in requirements if requirement.approval is None]
    if order.awaiting_roles:
        audited_save(order, actor=approver, update_fields=["awaiting_roles", "updated_at"])
        _notify(order, "awaiting")
        return order
    order.approved_at = timezone.now()
    purchase_order_move(order, S.APPROVED, actor=approver, fields=["approved_at", "awaiting_roles"])
    _notify(order, "approved")
    return order


@transaction.atomic
def purchase_order_reject(*, order: PurchaseOrder, approver: User, reason: str) -> PurchaseOrder:
    """Reject a submitted order with a reason; its requester may change it and submit it again."""
    order = purchase_order_lock(order)
    if order.status != S.SUBMITTED:
        raise ValidationError(_("Only a submitted order can be rejected."))
    if not reason.strip():
        raise ValidationError(_("Say why the order is rejected."))
    requirements = approval_requirements(order=order)
    mine = pending_roles_for(user=approver, order=order, requirements=requirements)
    if not mine:
        raise ValidationError(_("You cannot reject this order."))
    Approval.objects.create(
        order=order,
        approval_round=order.approval_round,
        approver=approver,
        role=mine[0].role,
        decision=ApprovalDecision.REJECTED,
        justification=reason.strip(),
        reasons=list(mine[0].reasons),
        amount=order_amount(order=order),
    )
    order.rejection_reason = reason.strip()
    order.approval_round += 1
    order.awaiting_roles = []
    purchase_order_move(
        order, S.REJECTED, actor=approver, fields=["rejection_reason", "approval_round", "awaiting_roles"]
    )
    _notify(order, "rejected")
    return order


@transaction.atomic
def purchase_order_reopen(*, order: PurchaseOrder, actor: User) -> PurchaseOrder:
    """Take a rejected order back to draft to change it."""
    order = purchase_order_lock(order)
    purchase_order_move(order, S.DRAFT, actor=actor, fields=[])
    return order


@transaction.atomic
def purchase_order_mark_sent(*, order: PurchaseOrder, actor: User) -> PurchaseOrder:
    """Mark a fully approved order as sent to its supplier."""
    order = purchase_order_lock(order)
    if order.status != S.APPROVED:
        raise ValidationError(_("An order can only be sent once it is fully approved."))
    order.sent_at = timezone.now()
    purchase_order_move(order, S.SENT, actor=actor, fields=["sent_at"])
    return order


@transaction.atomic
def purchase_order_send(*, order: PurchaseOrder, actor: User) -> PurchaseOrder:
    """Email the order (PDF in the supplier's language) to the supplier; the order is then sent."""
    order = purchase_order_mark_sent(order=order, actor=actor)
    if not order.supplier.email:
        raise ValidationError(_("The supplier has no order email address."))
    from procurement import tasks

    transaction.on_commit(lambda: tasks.purchase_order_email_task.delay(order.pk))
    return order


@transaction.atomic
def purchase_order_cancel(*, order: PurchaseOrder, actor: User, reason: str = "") -> PurchaseOrder:
    """Cancel an order before anything was received or invoiced; it is kept, never deleted."""
    order = purchase_order_lock(order)
    received = order.lines.filter(received_quantity__gt=0).exists() or order.invoices.exists()
    if received:
        raise ValidationError(_("An order with receipts or invoices cannot be cancelled; close it instead."))
    order.cancelled_at = timezone.now()
    order.awaiting_roles = []
    purchase_order_move(
        order, S.CANCELLED, actor=actor, fields=["cancelled_at", "awaiting_roles"], reason=reason
    )
    return order


@transaction.atomic
def purchase_order_close(*, order: PurchaseOrder, actor: User) -> PurchaseOrder:
    """Close an order; whatever was not received is released from the budget."""
    order = purchase_order_lock(order)
    order.closed_at = timezone.now()
    purchase_order_move(order, S.CLOSED, actor=actor, fields=["closed_at"])
    return order
