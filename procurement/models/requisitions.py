"""Purchase requisitions: what someone on a project's team asks the PMO to buy, before any order exists."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.lib.money import MoneyField
from pmo.lib.transitions import Transition, Workflow, permission


class RequisitionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned to the requester")
    ACCEPTED = "accepted", _("Accepted")
    ORDERED = "ordered", _("Ordered")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


R = RequisitionStatus
_REVIEW = permission("procurement.review_purchaserequisition")
_CHANGE = permission("procurement.change_purchaserequisition")

# A requisition is reviewed by the PMO or the project's PM; a returned one comes back to its requester,
# who changes it and submits it again. It becomes "ordered" when an order line is made from it (directly
# or through a tender award): no button, the ordering service moves it.
REQUISITION_WORKFLOW = Workflow(
    Transition(
        "accept",
        source=[R.SUBMITTED],
        target=R.ACCEPTED,
        allowed=_REVIEW,
        label=_("Accept"),
        url_name="procurement:requisition-accept",
        style="success",
        icon="check-lg",
    ),
    Transition("return", source=[R.SUBMITTED], target=R.RETURNED, allowed=_REVIEW),
    Transition("reject", source=[R.SUBMITTED, R.ACCEPTED], target=R.REJECTED, allowed=_REVIEW),
    Transition("resubmit", source=[R.RETURNED], target=R.SUBMITTED, allowed=_CHANGE),
    Transition(
        "cancel",
        source=[R.SUBMITTED, R.RETURNED],
        target=R.CANCELLED,
        allowed=_CHANGE,
        label=_("Withdraw"),
        url_name="procurement:requisition-cancel",
        style="outline-danger",
        confirm=_("Withdraw this requisition?"),
    ),
    Transition("order", source=[R.ACCEPTED], target=R.ORDERED),
    refusal=_("A requisition in state “%(status)s” cannot go to “%(target)s”."),
)


def requisition_upload_path(instance: "PurchaseRequisition", filename: str) -> str:
    # A random name: the original one is kept in the row, never trusted as a path.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"requisitions/{uuid.uuid4().hex}{suffix}"


class PurchaseRequisition(models.Model):
    number = models.CharField(_("number"), max_length=16, unique=True, editable=False)
    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="+", verbose_name=_("project")
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requester")
    )
    status = models.CharField(_("status"), max_length=20, choices=R.choices, default=R.SUBMITTED)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20, default="pcs")
    estimated_unit_price = MoneyField(
        _("estimated unit price"),
        help_text=_("If you know it; the PMO confirms the price with the supplier."),
    )
    needed_by = models.DateField(_("needed by"))
    suggested_supplier = models.ForeignKey(
        "procurement.Supplier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suggested supplier"),
    )
    budget_line = models.ForeignKey(
        "procurement.BudgetLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("budget line"),
        help_text=_("If you know it."),
    )
    justification = models.TextField(_("why it is needed"), blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=requisition_upload_path, max_length=300, blank=True
    )
    attachment_name = models.CharField(_("file name"), max_length=255, blank=True)
    attachment_type = models.CharField(_("content type"), max_length=100, blank=True)
    review_reason = models.TextField(_("reviewer's reason"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # The order line made from it: the link both ways (the line's `requisition`).
    order_line = models.OneToOneField(
        "procurement.PurchaseOrderLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requisition",
        verbose_name=_("order line"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()
    workflow = REQUISITION_WORKFLOW

    class Meta:
        verbose_name = _("purchase requisition")
        verbose_name_plural = _("purchase requisitions")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="requisition_quantity_positive"),
            models.CheckConstraint(
                condition=Q(estimated_unit_price__gte=0), name="requisition_price_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["project", "status"]),
            models.Index(fields=["requester", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.description}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:requisition-detail", args=[self.pk])
