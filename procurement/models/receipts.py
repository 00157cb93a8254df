"""Goods receipts and supplier invoices with their match against the order."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.lib.money import MoneyField
from pmo.lib.transitions import Transition, Workflow, permission


class GoodsReceipt(models.Model):
    order = models.ForeignKey(
        "procurement.PurchaseOrder",
        on_delete=models.PROTECT,
        related_name="receipts",
        verbose_name=_("order"),
    )
    received_on = models.DateField(_("received on"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("received by")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("goods receipt")
        verbose_name_plural = _("goods receipts")
        ordering = ["order", "received_on", "pk"]

    def __str__(self) -> str:
        return f"{self.order.number} {self.received_on}"


class GoodsReceiptLine(models.Model):
    receipt = models.ForeignKey(GoodsReceipt, on_delete=models.PROTECT, related_name="lines")
    order_line = models.ForeignKey(
        "procurement.PurchaseOrderLine", on_delete=models.PROTECT, related_name="receipt_lines"
    )
    quantity = models.DecimalField(_("quantity received"), max_digits=12, decimal_places=3)

    class Meta:
        verbose_name = _("receipt line")
        verbose_name_plural = _("receipt lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="receipt_line_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.order_line} x {self.quantity}"


class InvoiceStatus(models.TextChoices):
    MATCHED = "matched", _("Matched")
    MISMATCH = "mismatch", _("Mismatch, to resolve")
    RESOLVED = "resolved", _("Mismatch accepted by finance")
    REJECTED = "rejected", _("Rejected")


_RESOLVE = permission("procurement.change_supplierinvoice")
# An invoice is matched or mismatched when recorded; finance resolves a mismatch either way.
INVOICE_WORKFLOW = Workflow(
    Transition("resolve", source=[InvoiceStatus.MISMATCH], target=InvoiceStatus.RESOLVED, allowed=_RESOLVE),
    Transition("reject", source=[InvoiceStatus.MISMATCH], target=InvoiceStatus.REJECTED, allowed=_RESOLVE),
    refusal=_("Only an invoice with mismatches can be resolved."),
)


class SupplierInvoice(models.Model):
    order = models.ForeignKey(
        "procurement.PurchaseOrder",
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("order"),
    )
    supplier = models.ForeignKey(
        "procurement.Supplier", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("supplier")
    )
    number = models.CharField(_("supplier's invoice number"), max_length=50)
    invoice_date = models.DateField(_("invoice date"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    structured_communication = models.CharField(_("structured communication"), max_length=20, blank=True)
    amount = MoneyField(_("amount excl. VAT"))
    vat_amount = MoneyField(_("VAT"))
    status = models.CharField(_("status"), max_length=10, choices=InvoiceStatus.choices)
    mismatches = models.JSONField(_("mismatches"), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution_note = models.TextField(_("resolution"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()
    workflow = INVOICE_WORKFLOW

    class Meta:
        verbose_name = _("supplier invoice")
        verbose_name_plural = _("supplier invoices")
        ordering = ["-invoice_date", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "number"], name="unique_invoice_number_per_supplier"),
        ]
        indexes = [models.Index(fields=["status", "invoice_date"])]

    def __str__(self) -> str:
        return f"{self.supplier} {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:invoice-detail", args=[self.pk])


class SupplierInvoiceLine(models.Model):
    invoice = models.ForeignKey(SupplierInvoice, on_delete=models.PROTECT, related_name="lines")
    order_line = models.ForeignKey(
        "procurement.PurchaseOrderLine", on_delete=models.PROTECT, related_name="invoice_lines"
    )
    quantity = models.DecimalField(_("quantity invoiced"), max_digits=12, decimal_places=3)
    unit_price = MoneyField(_("unit price invoiced"))
    amount = models.GeneratedField(
        expression=models.functions.Round(models.F("quantity") * models.F("unit_price"), 2),
        output_field=models.DecimalField(max_digits=14, decimal_places=2),
        db_persist=True,
        verbose_name=_("amount excl. VAT"),
    )

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="invoice_line_quantity_positive")
        ]

    def __str__(self) -> str:
        return f"{self.order_line} x {self.quantity}"
