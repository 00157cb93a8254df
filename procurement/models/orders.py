"""Purchase orders, their lines, the approval matrix and the approvals given."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Greatest, Round
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.lib.money import MoneyField
from pmo.lib.transitions import Transition, Workflow, permission
from pmo.roles import Role

AMOUNT = models.DecimalField(max_digits=14, decimal_places=2)


class PurchaseOrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent")
    PARTIALLY_RECEIVED = "partially_received", _("Partially received")
    RECEIVED = "received", _("Received")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


S = PurchaseOrderStatus
_CHANGE = permission("procurement.change_purchaseorder")
_RECEIVE = permission("procurement.receive_purchaseorder")
# The life of an order: the services move it only through this table; the detail page offers the
# transitions that have a view (url_name) to whoever may take them. A rejected order is returned to
# draft by its requester; a change to a submitted, approved or sent order asks for a new approval.
PURCHASE_ORDER_WORKFLOW = Workflow(
    Transition(
        "submit",
        source=[S.DRAFT],
        target=S.SUBMITTED,
        allowed=_CHANGE,
        label=_("Submit for approval"),
        url_name="procurement:purchase-order-submit",
        style="primary",
    ),
    Transition(
        "reopen",
        source=[S.REJECTED],
        target=S.DRAFT,
        allowed=_CHANGE,
        label=_("Back to draft"),
        url_name="procurement:purchase-order-reopen",
    ),
    Transition(
        "send",
        source=[S.APPROVED],
        target=S.SENT,
        allowed=_CHANGE,
        label=_("Email to supplier"),
        url_name="procurement:purchase-order-send",
        style="primary",
        icon="send",
        confirm=_("Email the order to the supplier?"),
    ),
    Transition(
        "receive",
        source=[S.APPROVED, S.SENT, S.PARTIALLY_RECEIVED],
        target=S.PARTIALLY_RECEIVED,
        allowed=_RECEIVE,
        label=_("Record a receipt"),
        url_name="procurement:purchase-order-receive",
        icon="box-seam",
        link=True,
    ),
    Transition(
        "receive_all", source=[S.APPROVED, S.SENT, S.PARTIALLY_RECEIVED], target=S.RECEIVED, allowed=_RECEIVE
    ),
    Transition(
        "close",
        source=[S.SENT, S.PARTIALLY_RECEIVED, S.RECEIVED],
        target=S.CLOSED,
        allowed=_CHANGE,
        label=_("Close"),
        url_name="procurement:purchase-order-close",
        style="outline-secondary",
        confirm=_("Close the order? What was not received is released from the budget."),
    ),
    Transition(
        "cancel",
        source=[S.DRAFT, S.SUBMITTED, S.APPROVED, S.SENT, S.REJECTED],
        target=S.CANCELLED,
        allowed=_CHANGE,
        label=_("Cancel order"),
        url_name="procurement:purchase-order-cancel",
        style="outline-danger",
        confirm=_("Cancel this order?"),
    ),
    # Moves without a button of their own: the approval form, and changing an order under approval.
    Transition("approve", source=[S.SUBMITTED], target=S.APPROVED),
    Transition("reject", source=[S.SUBMITTED], target=S.REJECTED),
    Transition("withdraw", source=[S.SUBMITTED], target=S.DRAFT, allowed=_CHANGE),
    Transition("resubmit", source=[S.SUBMITTED, S.APPROVED, S.SENT], target=S.SUBMITTED, allowed=_CHANGE),
    refusal=_("An order in state “%(status)s” cannot go to “%(target)s”."),
)
PURCHASE_ORDER_TRANSITIONS: dict[str, tuple[str, ...]] = PURCHASE_ORDER_WORKFLOW.table
# Orders whose not-yet-received value is a commitment on the budget.
COMMITTED_STATUSES = (S.APPROVED, S.SENT, S.PARTIALLY_RECEIVED)
# Orders whose lines may still change (a change to an approved or sent order needs a new approval).
EDITABLE_STATUSES = (S.DRAFT, S.SUBMITTED, S.REJECTED, S.APPROVED, S.SENT)
# Orders that no longer hold a project open: nothing more will be received on them. A received order may
# still be closed and a rejected one reopened, but neither waits on a supplier (the closure check).
SETTLED_STATUSES = (S.RECEIVED, S.CLOSED, S.REJECTED, S.CANCELLED)
# Orders an invoice may be recorded against (the invoice services check the same tuple).
INVOICEABLE_STATUSES = (S.APPROVED, S.SENT, S.PARTIALLY_RECEIVED, S.RECEIVED, S.CLOSED)
# Orders refused or called off: their supplier never works on the project (quality's VCA check).
WITHDRAWN_STATUSES = (S.REJECTED, S.CANCELLED)


class VatRate(models.TextChoices):
    STANDARD = "21", _("21 %")
    INTERMEDIATE = "12", _("12 %")
    REDUCED = "6", _("6 %")
    ZERO = "0", _("0 %")
    REVERSE_CHARGE = "rc", _("Reverse charge (co-contractor)")
    INTRA_EU_SERVICES = "is", _("Reverse charge (intra-EU services)")
    INTRA_EU_GOODS = "ig", _("Intra-EU acquisition of goods")


VAT_PERCENT = {
    "21": Decimal(21),
    "12": Decimal(12),
    "6": Decimal(6),
    "0": Decimal(0),
    "rc": Decimal(0),
    "is": Decimal(0),
    "ig": Decimal(0),
}
# Rates where the buyer, not the supplier, accounts for the VAT: the order must say why, with its legal basis.
REVERSE_CHARGE_RATES = ("rc", "is", "ig")


class PurchaseOrder(models.Model):
    number = models.CharField(_("number"), max_length=16, unique=True, editable=False)
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="purchase_orders",
        verbose_name=_("project"),
        help_text=_("Leave empty for spending outside any project (needs the head of project management)."),
    )
    supplier = models.ForeignKey(
        "procurement.Supplier",
        on_delete=models.PROTECT,
        related_name="purchase_orders",
        verbose_name=_("supplier"),
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="requested_purchase_orders",
        verbose_name=_("requester"),
    )
    status = models.CharField(_("status"), max_length=20, choices=S.choices, default=S.DRAFT)
    title = models.CharField(_("subject"), max_length=200)
    delivery_address = models.TextField(_("delivery address"), blank=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    notes = models.TextField(_("notes for the supplier"), blank=True)
    approval_round = models.PositiveSmallIntegerField(_("approval round"), default=1, editable=False)
    # Roles still to approve, recomputed by the services on each step: the "waiting for me" lists read it.
    awaiting_roles = models.JSONField(_("awaiting roles"), default=list, blank=True, editable=False)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed to the supplier at"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Sum of the lines' amounts, kept by procurement.services.totals: the "awaiting approval, largest
    # first" panels sort on it instead of summing every waiting order's lines.
    amount_excl_vat = models.DecimalField(
        _("amount excl. VAT"),
        max_digits=16,
        decimal_places=2,
        default=Decimal("0.00"),
        db_default=Decimal("0.00"),  # rows written in SQL (the XL seed) start from nothing too
        editable=False,
    )
    history = HistoricalRecords(excluded_fields=["amount_excl_vat"])
    workflow = PURCHASE_ORDER_WORKFLOW

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-number"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["project", "status"]),
            models.Index(fields=["supplier", "status"]),
            models.Index(fields=["requester", "status"]),
            models.Index(fields=["created_at"]),
            models.Index(fields=["status", "-amount_excl_vat"], name="po_status_amount_idx"),
            # The orders waiting for approval, oldest submission first (portfolio, the awaiting list): read
            # from the index instead of joining and sorting every waiting order (10,000 at scale XL).
            models.Index(fields=["status", "submitted_at", "id"], name="po_status_submitted_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:purchase-order-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def can_move_to(self, status: str) -> bool:
        return self.workflow.can_move(self, status)

    @property
    def accepts_invoices(self) -> bool:
        return self.status in INVOICEABLE_STATUSES

    @property
    def is_rejected(self) -> bool:
        return self.status == S.REJECTED

    @property
    def change_needs_approval(self) -> bool:
        """Saving a change sends the order (back) for approval: see purchase_order_update."""
        return self.status in (S.SUBMITTED, S.APPROVED, S.SENT)


def _percent_of(amount):
    return (
        Case(
            *[When(vat_rate=rate, then=Value(percent)) for rate, percent in VAT_PERCENT.items() if percent],
            default=Value(Decimal(0)),
            output_field=models.DecimalField(max_digits=5, decimal_places=2),
        )
        * amount
        / Value(Decimal(100))
    )


_LINE_AMOUNT = F("quantity") * F("unit_price")
_OPEN_QUANTITY = Greatest(
    F("quantity") - Greatest(F("received_quantity"), F("invoiced_quantity")), Value(Decimal(0))
)
_UNINVOICED_QUANTITY = Greatest(F("received_quantity") - F("invoiced_quantity"), Value(Decimal(0)))


class PurchaseOrderLine(models.Model):
    order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("purchase order")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20, default="pcs")
    unit_price = MoneyField(_("unit price"))
    vat_rate = models.CharField(_("VAT"), max_length=2, choices=VatRate.choices, default=VatRate.STANDARD)
    budget_line = models.ForeignKey(
        "procurement.BudgetLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_lines",
        verbose_name=_("budget line"),
    )
    is_service = models.BooleanField(
        _("service"),
        default=False,
        help_text=_("Services are matched two-way: the acceptance is the receipt."),
    )
    # Running totals kept by the receipt and invoice services under the order's row lock.
    received_quantity = models.DecimalField(
        _("received quantity"), max_digits=12, decimal_places=3, default=Decimal(0), editable=False
    )
    invoiced_quantity = models.DecimalField(
        _("invoiced quantity"), max_digits=12, decimal_places=3, default=Decimal(0), editable=False
    )
    invoiced_amount = MoneyField(_("invoiced amount"), editable=False)
    amount = models.GeneratedField(
        expression=Round(_LINE_AMOUNT, 2),
        output_field=AMOUNT,
        db_persist=True,
        verbose_name=_("amount excl. VAT"),
    )
    vat_amount = models.GeneratedField(
        expression=Round(_percent_of(_LINE_AMOUNT), 2),
        output_field=AMOUNT,
        db_persist=True,
        verbose_name=_("VAT"),
    )
    open_amount = models.GeneratedField(
        expression=Round(_OPEN_QUANTITY * F("unit_price"), 2),
        output_field=AMOUNT,
        db_persist=True,
        verbose_name=_("not yet received"),
    )
    uninvoiced_amount = models.GeneratedField(
        expression=Round(_UNINVOICED_QUANTITY * F("unit_price"), 2),
        output_field=AMOUNT,
        db_persist=True,
        verbose_name=_("received, not invoiced"),
    )
    history = HistoricalRecords(excluded_fields=["amount", "vat_amount", "open_amount", "uninvoiced_amount"])

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="order_line_price_not_negative"),
            models.CheckConstraint(
                condition=Q(received_quantity__gte=0) & Q(received_quantity__lte=F("quantity")),
                name="order_line_received_within_ordered",
            ),
            models.CheckConstraint(
                condition=Q(invoiced_quantity__gte=0), name="order_line_invoiced_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["budget_line", "order"])]

    def __str__(self) -> str:
        return self.description


class ApprovalRuleKind(models.TextChoices):
    AMOUNT = "amount", _("Order amount from (excl. VAT)")
    OUTSIDE_PROJECT = "outside_project", _("Order outside any project")
    OVER_BUDGET = "over_budget", _("Order above the available budget of its line")
    LEVEL_1_LIMIT = "level_1_limit", _("Order taking a Level 1 project past 250,000 EUR")


class ApprovalRule(models.Model):
    """One row of the approval matrix: when it applies, which role must approve."""

    kind = models.CharField(_("applies to"), max_length=20, choices=ApprovalRuleKind.choices)
    min_amount = MoneyField(_("from amount (excl. VAT)"), help_text=_("Only for amount rules."))
    role = models.CharField(_("approver role"), max_length=30, choices=Role.choices)
    requires_justification = models.BooleanField(_("written justification required"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")
        ordering = ["kind", "min_amount", "role"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "min_amount", "role"], name="unique_approval_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.min_amount} → {self.get_role_display()}"


class ApprovalDecision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Approval(models.Model):
    """A decision on an order, kept on record and printed on the order."""

    order = models.ForeignKey(
        PurchaseOrder, on_delete=models.PROTECT, related_name="approvals", verbose_name=_("purchase order")
    )
    approval_round = models.PositiveSmallIntegerField(_("approval round"))
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approver")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    decision = models.CharField(_("decision"), max_length=10, choices=ApprovalDecision.choices)
    justification = models.TextField(_("justification"), blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    amount = MoneyField(_("order amount at approval"))
    # Who the approver stood in for (as an absent approver's substitute), and whether the head of PM took
    # the step over from the people it was asked of; both are printed with the approval.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    taken_over = models.BooleanField(_("taken over by the head of project management"), default=False)
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["order", "decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "approval_round", "role"],
                condition=Q(decision="approved"),
                name="one_approval_per_role_and_round",
            ),
        ]
        indexes = [models.Index(fields=["approver", "decided_at"])]

    def __str__(self) -> str:
        return f"{self.order.number} {self.get_decision_display()} {self.get_role_display()}"


class ApproverSubstitute(models.Model):
    """Someone who approves in a person's place while that person is away (both dates included)."""

    absent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="approval_substitutes",
        verbose_name=_("absent person"),
    )
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("substitute")
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("substitute approver")
        verbose_name_plural = _("substitute approvers")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="substitute_period_ordered"
            ),
            models.CheckConstraint(condition=~Q(absent=F("substitute")), name="substitute_is_someone_else"),
        ]
        indexes = [models.Index(fields=["absent", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.substitute} → {self.absent} ({self.starts_on} - {self.ends_on})"


class ApprovalNotice(models.Model):
    """An approver was told an order waits for them: once per person and approval round."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="+")
    approval_round = models.PositiveSmallIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "approval_round", "user"], name="one_notice_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} round {self.approval_round} → {self.user_id}"
