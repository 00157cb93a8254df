"""Peppol BIS Billing 3.0 documents received from suppliers: what came in and what the rules said."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pmo.lib.money import MoneyField


class EInvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class EInvoiceStatus(models.TextChoices):
    MATCHED = "matched", _("Matched")
    TO_RESOLVE = "to_resolve", _("To resolve")
    REFUSED = "refused", _("Refused")


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

    class Meta:
        verbose_name = _("e-invoice")
        verbose_name_plural = _("e-invoices")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["supplier", "number"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"
