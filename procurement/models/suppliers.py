"""Suppliers: vendors and subcontractors."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.lib.identifiers import (
    clean_vat_for_country,
    validate_country_code,
    validate_eu_vat,
    validate_peppol_id,
)
from pmo.lib.validators import validate_iban


class SupplierKind(models.TextChoices):
    VENDOR = "vendor", _("Vendor")
    SUBCONTRACTOR = "subcontractor", _("Subcontractor")


class Supplier(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=SupplierKind.choices, default=SupplierKind.VENDOR
    )
    vat_number = models.CharField(
        _("VAT number"),
        max_length=20,
        blank=True,
        validators=[validate_eu_vat],
        help_text=_("EU VAT number with its country prefix, e.g. BE0403170701, NL004495445B01."),
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    email = models.EmailField(_("order email"), blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"),
        max_length=2,
        default="BE",
        validators=[validate_country_code],
        help_text=_("ISO code: BE, NL, FR, DE…"),
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=[("en", _("English")), ("fr", _("French")), ("nl", _("Dutch"))],
        default="nl",
    )
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    is_vca_certified = models.BooleanField(_("VCA certified"), default=False)
    vca_expires_on = models.DateField(_("VCA certificate expires on"), null=True, blank=True)
    peppol_id = models.CharField(
        _("Peppol id"),
        max_length=50,
        blank=True,
        validators=[validate_peppol_id],
        help_text=_("scheme:identifier, e.g. 0208:0403170701 (enterprise number) or 9925:BE0403170701 (VAT)"),
    )
    is_blocked = models.BooleanField(_("blocked"), default=False)
    blocked_reason = models.CharField(_("reason for blocking"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["vat_number"], condition=~Q(vat_number=""), name="unique_supplier_vat_number"
            )
        ]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("procurement:supplier-detail", args=[self.pk])

    def clean(self) -> None:
        self.country = self.country.upper()
        clean_vat_for_country(self)

    @property
    def address(self) -> str:
        return ", ".join(part for part in (self.street, f"{self.postal_code} {self.city}".strip()) if part)

    @property
    def is_vca_valid(self) -> bool:
        return self.is_vca_certified and (
            self.vca_expires_on is None or self.vca_expires_on >= timezone.localdate()
        )
