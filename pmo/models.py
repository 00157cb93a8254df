from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.lib.identifiers import (
    PEPPOL_SCHEME_CHOICES,
    format_enterprise_number,
    normalize_eu_vat,
    normalize_peppol_identifier,
    validate_enterprise_number,
)
from pmo.lib.validators import validate_iban
from pmo.roles import Role


class User(AbstractUser):
    """A person who signs in; roles are auth groups named after `Role` values."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("en", _("English")), ("fr", _("French")), ("nl", _("Dutch"))],
        default="en",
    )
    department = models.CharField(_("department"), max_length=100, blank=True)
    welcome_email_sent_at = models.DateTimeField(_("welcome email sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["display_name", "username"]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """The user's role names; superusers hold the administrator role."""
        names = frozenset(self.groups.values_list("name", flat=True)) if self.pk else frozenset()
        return names | {Role.ADMINISTRATOR} if self.is_superuser else names

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


class NumberSequence(models.Model):
    """The last number handed out per series and year; locked while a number is taken."""

    series = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="unique_sequence_per_year")]

    def __str__(self) -> str:
        return f"{self.series}-{self.year}: {self.last_value}"


class LegalForm(models.TextChoices):
    """The Belgian company forms of the Code of companies and associations, abbreviated per language."""

    SRL = "srl", _("SRL / BV (private limited company)")
    SA = "sa", _("SA / NV (public limited company)")
    SC = "sc", _("SC / CV (cooperative company)")
    SNC = "snc", _("SNC / VOF (general partnership)")
    SCOMM = "scomm", _("SComm / CommV (limited partnership)")
    ASBL = "asbl", _("ASBL / VZW (non-profit association)")


LEGAL_FORM_ABBREVIATIONS = {
    "srl": {"fr": "SRL", "nl": "BV", "en": "SRL"},
    "sa": {"fr": "SA", "nl": "NV", "en": "SA"},
    "sc": {"fr": "SC", "nl": "CV", "en": "SC"},
    "snc": {"fr": "SNC", "nl": "VOF", "en": "SNC"},
    "scomm": {"fr": "SComm", "nl": "CommV", "en": "SComm"},
    "asbl": {"fr": "ASBL", "nl": "VZW", "en": "ASBL"},
}


class CompanyProfile(models.Model):
    """Who is writing: the installation's own company, printed on every outgoing document.

    One row per installation (the `singleton` column is unique and always true).
    """

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    legal_name = models.CharField(_("legal name"), max_length=200)
    legal_form = models.CharField(_("legal form"), max_length=10, choices=LegalForm.choices)
    street = models.CharField(_("registered office: street and number"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country (ISO code)"), max_length=2, default="BE")
    enterprise_number = models.CharField(
        _("enterprise number (KBO/BCE)"),
        max_length=10,
        validators=[validate_enterprise_number],
        help_text=_("10 digits, e.g. 0403170701."),
    )
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    register_court = models.CharField(
        _("register of legal entities (RPR/RPM) court"),
        max_length=100,
        help_text=_("The company court of the registered office, e.g. Gent, afdeling Gent."),
    )
    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.FileField(_("logo (PNG or JPEG)"), upload_to="company/", blank=True)
    peppol_scheme = models.CharField(
        _("Peppol scheme"), max_length=4, choices=PEPPOL_SCHEME_CHOICES, default="0208"
    )
    peppol_identifier = models.CharField(_("Peppol identifier"), max_length=50)
    purchase_terms_en = models.TextField(_("general purchase terms (English)"), blank=True)
    purchase_terms_fr = models.TextField(_("general purchase terms (French)"), blank=True)
    purchase_terms_nl = models.TextField(_("general purchase terms (Dutch)"), blank=True)
    quotation_terms_en = models.TextField(_("quotation terms (English)"), blank=True)
    quotation_terms_fr = models.TextField(_("quotation terms (French)"), blank=True)
    quotation_terms_nl = models.TextField(_("quotation terms (Dutch)"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("company profile")
        verbose_name_plural = _("company profile")

    def __str__(self) -> str:
        return self.legal_name

    def clean(self) -> None:
        errors = {}
        if self.vat_number:
            try:
                self.vat_number = normalize_eu_vat(self.vat_number, self.country)
            except ValidationError as error:
                errors["vat_number"] = error
        if self.peppol_identifier:
            try:
                self.peppol_identifier = normalize_peppol_identifier(
                    self.peppol_scheme, self.peppol_identifier
                )
            except ValidationError as error:
                errors["peppol_identifier"] = error
        if errors:
            raise ValidationError(errors)

    @property
    def peppol_id(self) -> str:
        return f"{self.peppol_scheme}:{self.peppol_identifier}"

    def legal_form_abbreviation(self, language: str) -> str:
        return LEGAL_FORM_ABBREVIATIONS.get(self.legal_form, {}).get(language[:2], self.legal_form.upper())

    def terms(self, kind: str, language: str) -> str:
        """Purchase or quotation terms in the language, else in English."""
        return getattr(self, f"{kind}_terms_{language[:2]}", "") or getattr(self, f"{kind}_terms_en")

    @property
    def enterprise_number_display(self) -> str:
        return format_enterprise_number(self.enterprise_number)


# Notifications (issue 16, branch feature/meetings) ------------------------------------------------


class NotificationEvent(models.TextChoices):
    """The events that tell a user something; each user chooses per event how to hear of it."""

    INTAKE_STATUS = "intake_status", _("An intake I wrote changed state")
    RISK_REVIEW = "risk_review", _("A risk I own is due for review")
    ORDER_WAITING = "order_waiting", _("A purchase order waits for my approval")
    ORDER_DECIDED = "order_decided", _("A purchase order I requested was decided")
    HANDOVER = "handover", _("A hand-over step concerns me")
    MEETING_INVITATION = "meeting_invitation", _("I am invited to a meeting")
    MEETING_MINUTES = "meeting_minutes", _("The minutes of a meeting I attended are closed")
    REQUISITION = "requisition", _("A purchase requisition I asked for or review changed state")


class NotificationDelivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Email at once")
    DIGEST = "digest", _("Daily digest email")
    IN_APP = "in_app", _("In the application only")


class Notification(models.Model):
    """One event told to one user: in the list, and emailed at once or in the digest as they chose.

    The project is kept by id and label, not by foreign key: pmo depends on no other app.
    """

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    event = models.CharField(_("event"), max_length=30, choices=NotificationEvent.choices)
    subject = models.CharField(_("subject"), max_length=250)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    project_ref = models.PositiveIntegerField(_("project id"), null=True, blank=True)
    project_label = models.CharField(_("project"), max_length=250, blank=True)
    delivery = models.CharField(_("delivery"), max_length=10, choices=NotificationDelivery.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    digest = models.ForeignKey(
        "NotificationDigest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("digest"),
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(
                fields=["delivery", "digest"],
                name="notification_digest_due",
                condition=models.Q(delivery="digest", digest__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How one user hears of one event; without a row, at once by email."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences", verbose_name=_("user")
    )
    event = models.CharField(_("event"), max_length=30, choices=NotificationEvent.choices)
    delivery = models.CharField(
        _("delivery"),
        max_length=10,
        choices=NotificationDelivery.choices,
        default=NotificationDelivery.IMMEDIATE,
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="unique_preference_per_event")]

    def __str__(self) -> str:
        return f"{self.user} · {self.event}: {self.delivery}"


class NotificationDigest(models.Model):
    """The one digest email of a user for a day: the row is the claim, so a second run sends nothing."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", verbose_name=_("user"))
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification digest")
        verbose_name_plural = _("notification digests")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="unique_digest_per_user_day")]

    def __str__(self) -> str:
        return f"{self.user} · {self.day}"
