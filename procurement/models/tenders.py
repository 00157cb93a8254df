"""Requests for quotation (tenders): lines, invited suppliers, their quotes, the award."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.lib.money import MoneyField
from pmo.lib.transitions import Transition, Workflow, permission


class RfqStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent to suppliers")
    AWARDED = "awarded", _("Awarded")
    CANCELLED = "cancelled", _("Cancelled")


T = RfqStatus
_CHANGE = permission("procurement.change_requestforquotation")


def _needs_lines_and_suppliers(rfq) -> str:
    from django.utils.translation import gettext

    if not rfq.lines.exists():
        return gettext("Add at least one line.")
    if not rfq.invitations.exists():
        return gettext("Invite at least one supplier.")
    return ""


RFQ_WORKFLOW = Workflow(
    Transition(
        "send",
        source=[T.DRAFT],
        target=T.SENT,
        allowed=_CHANGE,
        needs=_needs_lines_and_suppliers,
        label=_("Send to the suppliers"),
        url_name="procurement:rfq-send",
        style="primary",
        icon="send",
        confirm=_("Email the request for quotation to every invited supplier?"),
    ),
    Transition("award", source=[T.SENT], target=T.AWARDED, allowed=_CHANGE),
    Transition(
        "cancel",
        source=[T.DRAFT, T.SENT],
        target=T.CANCELLED,
        allowed=_CHANGE,
        label=_("Cancel the request"),
        url_name="procurement:rfq-cancel",
        style="outline-danger",
        confirm=_("Cancel this request for quotation?"),
    ),
    refusal=_("A request for quotation in state “%(status)s” cannot go to “%(target)s”."),
)


def tender_upload_path(instance, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"tenders/{uuid.uuid4().hex}{suffix}"


class RequestForQuotation(models.Model):
    number = models.CharField(_("number"), max_length=16, unique=True, editable=False)
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    title = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("what is asked"), blank=True)
    deadline = models.DateField(_("quotes due by"))
    delivery_address = models.TextField(_("delivery address"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=T.choices, default=T.DRAFT)
    # Weights of the comparison, in percent (they add up to 100).
    price_weight = models.PositiveSmallIntegerField(_("weight of the price (%)"), default=60)
    delivery_weight = models.PositiveSmallIntegerField(_("weight of the delivery time (%)"), default=20)
    quality_weight = models.PositiveSmallIntegerField(_("weight of the quality (%)"), default=20)
    awarded_quote = models.OneToOneField(
        "procurement.SupplierQuote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("awarded quote"),
    )
    award_justification = models.TextField(_("justification of the award"), blank=True)
    purchase_order = models.OneToOneField(
        "procurement.PurchaseOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tender",
        verbose_name=_("purchase order"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    awarded_at = models.DateTimeField(_("awarded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()
    workflow = RFQ_WORKFLOW

    class Meta:
        verbose_name = _("request for quotation")
        verbose_name_plural = _("requests for quotation")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_weight__lte=100) & Q(delivery_weight__lte=100) & Q(quality_weight__lte=100),
                name="rfq_weights_within_100",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"]), models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:rfq-detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == T.DRAFT

    @property
    def takes_quotes(self) -> bool:
        return self.status == T.SENT


class RfqLine(models.Model):
    rfq = models.ForeignKey(
        RequestForQuotation, on_delete=models.CASCADE, related_name="lines", verbose_name=_("request")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20, default="pcs")
    budget_line = models.ForeignKey(
        "procurement.BudgetLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("budget line"),
    )
    requisition = models.OneToOneField(
        "procurement.PurchaseRequisition",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rfq_line",
        verbose_name=_("requisition"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("request line")
        verbose_name_plural = _("request lines")
        ordering = ["rfq", "position", "pk"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="rfq_line_quantity_positive")]

    def __str__(self) -> str:
        return self.description


class RfqDocument(models.Model):
    """One file of the document pack sent with the request (plans, specifications)."""

    rfq = models.ForeignKey(
        RequestForQuotation, on_delete=models.CASCADE, related_name="documents", verbose_name=_("request")
    )
    file = models.FileField(_("file"), upload_to=tender_upload_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tender document")
        verbose_name_plural = _("tender documents")
        ordering = ["rfq", "pk"]

    def __str__(self) -> str:
        return self.original_name


class RfqInvitation(models.Model):
    """A supplier asked to quote; the token opens the quote page without a login, once, until it expires."""

    rfq = models.ForeignKey(
        RequestForQuotation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("request")
    )
    supplier = models.ForeignKey(
        "procurement.Supplier", on_delete=models.PROTECT, related_name="+", verbose_name=_("supplier")
    )
    token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        verbose_name = _("invited supplier")
        verbose_name_plural = _("invited suppliers")
        ordering = ["rfq", "supplier__name"]
        constraints = [
            models.UniqueConstraint(fields=["rfq", "supplier"], name="one_invitation_per_supplier"),
        ]

    def __str__(self) -> str:
        return f"{self.rfq_id} → {self.supplier}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at < timezone.now()


class SupplierQuote(models.Model):
    """What one invited supplier offered: a price per line, a delivery time, conditions, the offer file."""

    invitation = models.OneToOneField(
        RfqInvitation, on_delete=models.CASCADE, related_name="quote", verbose_name=_("invitation")
    )
    delivery_days = models.PositiveSmallIntegerField(_("delivery time (working days)"))
    valid_until = models.DateField(_("offer valid until"), null=True, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    quality_score = models.PositiveSmallIntegerField(
        _("quality score (1 to 5)"),
        default=3,
        help_text=_("The PMO's rating of the offer and the supplier's record."),
    )
    offer = models.FileField(_("offer"), upload_to=tender_upload_path, max_length=300, blank=True)
    offer_name = models.CharField(_("file name"), max_length=255, blank=True)
    offer_type = models.CharField(_("content type"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
        help_text=_("Empty when the supplier answered through their link."),
    )
    submitted_at = models.DateTimeField(_("received at"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplier quote")
        verbose_name_plural = _("supplier quotes")
        ordering = ["invitation", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quality_score__gte=1) & Q(quality_score__lte=5), name="quote_quality_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invitation.supplier} ({self.invitation.rfq_id})"

    @property
    def via_link(self) -> bool:
        return self.recorded_by_id is None


class SupplierQuoteLine(models.Model):
    quote = models.ForeignKey(SupplierQuote, on_delete=models.CASCADE, related_name="lines")
    rfq_line = models.ForeignKey(RfqLine, on_delete=models.CASCADE, related_name="quote_lines")
    unit_price = MoneyField(_("unit price"))
    amount = models.GeneratedField(
        expression=models.functions.Round(F("unit_price") * F("quantity"), 2),
        output_field=models.DecimalField(max_digits=14, decimal_places=2),
        db_persist=True,
        verbose_name=_("amount excl. VAT"),
    )
    # The line's quantity copied at quote time, so that the amount is a column the database sums.
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, editable=False)
    history = HistoricalRecords(excluded_fields=["amount"])

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["quote", "rfq_line__position", "rfq_line_id"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "rfq_line"], name="one_price_per_quote_line"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="quote_line_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.rfq_line} @ {self.unit_price}"
