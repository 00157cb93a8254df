"""Peppol BIS Billing 3.0 documents received from suppliers: what came in and what the rules said."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.lib.money import MoneyField
from pmo.lib.transitions import Transition, Workflow, permission


class EInvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class EInvoiceStatus(models.TextChoices):
    MATCHED = "matched", _("Matched")
    TO_RESOLVE = "to_resolve", _("To resolve")
    REFUSED = "refused", _("Refused")
    REJECTED = "rejected", _("Rejected by finance")


_RESOLVE = permission("procurement.resolve_einvoice")


def _not_recorded(einvoice) -> str:
    if einvoice.invoice_id:
        return str(_("It is recorded as an invoice with mismatches: resolve it on the invoice's page."))
    return ""


# Received documents land matched, to resolve or refused (by the rules, or as a duplicate). Finance resolves
# the ones to resolve: assigns an order and matches again (which may still leave problems), or rejects.
EINVOICE_WORKFLOW = Workflow(
    Transition(
        "match",
        source=[EInvoiceStatus.TO_RESOLVE],
        target=EInvoiceStatus.MATCHED,
        allowed=_RESOLVE,
        needs=_not_recorded,
        label=_("Assign to an order and match"),
        url_name="procurement:einvoice-match",
    ),
    # The same re-match when problems remain: no button of its own.
    Transition(
        "rematch", source=[EInvoiceStatus.TO_RESOLVE], target=EInvoiceStatus.TO_RESOLVE, allowed=_RESOLVE
    ),
    Transition(
        "reject",
        source=[EInvoiceStatus.TO_RESOLVE],
        target=EInvoiceStatus.REJECTED,
        allowed=_RESOLVE,
        needs=_not_recorded,
        label=_("Reject"),
        url_name="procurement:einvoice-reject",
        style="outline-danger",
    ),
    # Follows its recorded invoice when finance resolves the mismatch there (accepted or rejected).
    Transition("invoice_accepted", source=[EInvoiceStatus.TO_RESOLVE], target=EInvoiceStatus.MATCHED),
    Transition("invoice_rejected", source=[EInvoiceStatus.TO_RESOLVE], target=EInvoiceStatus.REJECTED),
    refusal=_("Only an e-invoice to resolve can be matched again or rejected."),
)


class EInvoice(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=EInvoiceKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=EInvoiceStatus.choices)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    number = models.CharField(_("supplier's number"), max_length=50, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    supplier_name = models.CharField(_("supplier name in the document"), max_length=200, blank=True)
    supplier_vat = models.CharField(_("supplier VAT number in the document"), max_length=30, blank=True)
    order_reference = models.CharField(_("order reference"), max_length=50, blank=True)
    supplier = models.ForeignKey(
        "procurement.Supplier", on_delete=models.PROTECT, null=True, blank=True, related_name="einvoices"
    )
    order = models.ForeignKey(
        "procurement.PurchaseOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="einvoices"
    )
    invoice = models.OneToOneField(
        "procurement.SupplierInvoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="einvoice",
        verbose_name=_("recorded invoice"),
    )
    payable_amount = MoneyField(_("amount due"), allow_negative=True, null=True, blank=True, default=None)
    findings = models.JSONField(_("rule findings"), default=list, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    xml = models.TextField(_("UBL document"))
    pdf = models.FileField(_("embedded PDF"), upload_to="einvoices/", blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    history = HistoricalRecords(excluded_fields=["xml", "findings"])
    workflow = EINVOICE_WORKFLOW

    class Meta:
        verbose_name = _("e-invoice")
        verbose_name_plural = _("e-invoices")
        ordering = ["-received_at", "-pk"]
        # Given to the Peppol access point's own account (see `manage.py einvoice_delivery_account`):
        # it may deliver e-invoices through the API and nothing else. Finance has it through the rules.
        permissions = [("deliver_einvoice", "Can deliver e-invoices (Peppol access point)")]
        constraints = [
            # Two deliveries of one document at the same moment: the database keeps one.
            models.UniqueConstraint(
                fields=["supplier", "number", "kind"],
                condition=~models.Q(status__in=["refused", "rejected"]),
                name="einvoice_one_live_number_per_supplier",
                violation_error_message=_("This supplier already sent this number."),
            )
        ]
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["supplier", "number"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:einvoice-detail", args=[self.pk])
