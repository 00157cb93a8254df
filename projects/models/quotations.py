"""Quotations to direct customers: lines with cost and price, margin, validity, VAT, a PDF."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Round
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.lib.money import MoneyField
from pmo.lib.transitions import Transition, Workflow, permission
from projects.models.core import Customer, CustomerContact, Language

AMOUNT = models.DecimalField(max_digits=14, decimal_places=2)


class QuotationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


_CHANGE = permission("projects.change_quotation")
# A quotation is drafted, sent, then accepted, declined or left to expire (the hourly task).
QUOTATION_WORKFLOW = Workflow(
    Transition(
        "send",
        source=[QuotationStatus.DRAFT],
        target=QuotationStatus.SENT,
        allowed=_CHANGE,
        label=_("Mark as sent"),
        url_name="projects:quotation-send",
        style="primary",
    ),
    # The customer's answer has forms of its own on the detail page.
    Transition("accept", source=[QuotationStatus.SENT], target=QuotationStatus.ACCEPTED, allowed=_CHANGE),
    Transition("decline", source=[QuotationStatus.SENT], target=QuotationStatus.DECLINED, allowed=_CHANGE),
    Transition("expire", source=[QuotationStatus.SENT], target=QuotationStatus.EXPIRED),
    refusal=_("A quotation that is %(status)s cannot become %(target)s."),
)
QUOTATION_TRANSITIONS: dict[str, tuple[str, ...]] = QUOTATION_WORKFLOW.table


class QuotationVatRate(models.TextChoices):
    STANDARD = "21", _("21 %")
    INTERMEDIATE = "12", _("12 %")
    REDUCED = "6", _("6 %")
    ZERO = "0", _("0 %")
    REVERSE_CHARGE = "rc", _("Reverse charge (co-contractor)")


class Quotation(models.Model):
    number = models.CharField(_("number"), max_length=16, unique=True, editable=False)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="quotations", verbose_name=_("customer")
    )
    contact = models.ForeignKey(
        CustomerContact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact"),
    )
    title = models.CharField(_("subject"), max_length=200)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.DUTCH)
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=10, choices=QuotationStatus.choices, default=QuotationStatus.DRAFT
    )
    notes = models.TextField(_("terms and notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="quotations",
        verbose_name=_("author"),
    )
    decision_reason = models.TextField(_("reason given by the customer"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    intake = models.ForeignKey(
        "projects.Intake",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotations",
        verbose_name=_("intake"),
    )
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotations",
        verbose_name=_("project"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()
    workflow = QUOTATION_WORKFLOW

    class Meta:
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        ordering = ["-number"]
        indexes = [
            models.Index(fields=["created_by", "status"]),
            models.Index(fields=["status", "valid_until"]),
            models.Index(fields=["customer"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("projects:quotation-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        """Only a draft is changed; once sent, the customer has seen it."""
        return self.status == QuotationStatus.DRAFT


_PERCENT = Case(
    When(vat_rate="21", then=Value(Decimal(21))),
    When(vat_rate="12", then=Value(Decimal(12))),
    When(vat_rate="6", then=Value(Decimal(6))),
    default=Value(Decimal(0)),
    output_field=models.DecimalField(max_digits=5, decimal_places=2),
)


class QuotationLine(models.Model):
    quotation = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    item = models.CharField(_("item"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20, default="pcs")
    unit_cost = MoneyField(_("unit cost"))
    unit_price = MoneyField(_("unit price"))
    vat_rate = models.CharField(
        _("VAT"), max_length=2, choices=QuotationVatRate.choices, default=QuotationVatRate.STANDARD
    )
    amount = models.GeneratedField(
        expression=Round(F("quantity") * F("unit_price"), 2),
        output_field=AMOUNT,
        db_persist=True,
        verbose_name=_("price excl. VAT"),
    )
    cost_amount = models.GeneratedField(
        expression=Round(F("quantity") * F("unit_cost"), 2),
        output_field=AMOUNT,
        db_persist=True,
        verbose_name=_("cost"),
    )
    vat_amount = models.GeneratedField(
        expression=Round(F("quantity") * F("unit_price") * _PERCENT / Value(Decimal(100)), 2),
        output_field=AMOUNT,
        db_persist=True,
        verbose_name=_("VAT"),
    )

    class Meta:
        verbose_name = _("quotation line")
        verbose_name_plural = _("quotation lines")
        ordering = ["quotation", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="quotation_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return self.item

    @property
    def margin(self) -> Decimal:
        return self.amount - self.cost_amount
