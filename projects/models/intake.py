"""Sales intake: templates per project type and the intakes sales fill in for the PMO."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.lib.money import MoneyField
from pmo.lib.transitions import Transition, Workflow, permission
from projects.models.core import Customer, Project


def translated(texts: dict | str, language: str | None = None) -> str:
    """Pick the user's language from a {"en": ..., "fr": ..., "nl": ...} dict (English as fallback)."""
    if isinstance(texts, str):
        return texts
    language = (language or get_language() or "en")[:2]
    return texts.get(language) or texts.get("en") or ""


class IntakeTemplate(models.Model):
    """What an intake of one project type must contain, and how the PMO reviews it.

    JSON fields hold shipped data (see projects/data/intake_templates.json):
    - required_fields: Intake field names that must be filled before submission;
    - required_attachments: document categories that must be attached;
    - checklist: [{"en", "fr", "nl"}] questions the PMO answers when reviewing;
    - required_documents: [{"category", "phase", "title": {"en", "fr", "nl"}}] for the project;
    - provisional_plan: [{"wbs", "name": {...}, "kind", "offset_days", "duration_days"}].
    """

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    required_fields = models.JSONField(_("required fields"), default=list, blank=True)
    required_attachments = models.JSONField(_("required attachments"), default=list, blank=True)
    checklist = models.JSONField(_("review checklist"), default=list, blank=True)
    required_documents = models.JSONField(_("required documents"), default=list, blank=True)
    provisional_plan = models.JSONField(_("provisional plan"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("intake template")
        verbose_name_plural = _("intake templates")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "en")[:2]
        return getattr(self, f"name_{language}", "") or self.name_en

    def checklist_items(self) -> list[str]:
        return [translated(item) for item in self.checklist]


class IntakeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")
    CONVERTED = "converted", _("Converted")
    REJECTED = "rejected", _("Rejected")


_REVIEW = permission("projects.review_intake")


def _may_convert(user, intake) -> bool:
    return _REVIEW(user, intake) and user.has_perm("projects.add_project")


# Sales draft and submit; the PMO returns, rejects or accepts; an accepted intake becomes a project.
INTAKE_WORKFLOW = Workflow(
    Transition(
        "submit",
        source=[IntakeStatus.DRAFT, IntakeStatus.RETURNED],
        target=IntakeStatus.SUBMITTED,
        allowed=permission("projects.change_intake"),
    ),
    Transition(
        "return",
        source=[IntakeStatus.SUBMITTED, IntakeStatus.ACCEPTED],
        target=IntakeStatus.RETURNED,
        allowed=_REVIEW,
    ),
    Transition(
        "reject",
        source=[IntakeStatus.SUBMITTED, IntakeStatus.RETURNED, IntakeStatus.ACCEPTED],
        target=IntakeStatus.REJECTED,
        allowed=_REVIEW,
    ),
    Transition("accept", source=[IntakeStatus.SUBMITTED], target=IntakeStatus.ACCEPTED, allowed=_REVIEW),
    Transition(
        "convert",
        source=[IntakeStatus.ACCEPTED],
        target=IntakeStatus.CONVERTED,
        allowed=_may_convert,
        label=_("Create the project"),
        url_name="projects:intake-convert",
        style="success",
        icon="box-arrow-in-right",
        link=True,
    ),
    refusal=_("An intake that is %(status)s cannot become %(target)s."),
)
INTAKE_TRANSITIONS: dict[str, tuple[str, ...]] = INTAKE_WORKFLOW.table
# Sales may change the content only while the intake is with them.
INTAKE_EDITABLE_STATUSES = (IntakeStatus.DRAFT, IntakeStatus.RETURNED)


class Intake(models.Model):
    number = models.CharField(_("number"), max_length=16, unique=True, editable=False)
    template = models.ForeignKey(
        IntakeTemplate, on_delete=models.PROTECT, related_name="intakes", verbose_name=_("project type")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=IntakeStatus.choices, default=IntakeStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="intakes",
        verbose_name=_("sales representative"),
    )
    title = models.CharField(_("title"), max_length=200)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intakes",
        verbose_name=_("customer"),
    )
    new_customer_name = models.CharField(
        _("new customer name"),
        max_length=200,
        blank=True,
        help_text=_("Only when the customer is not in the list yet."),
    )
    new_customer_vat = models.CharField(_("new customer VAT number"), max_length=20, blank=True)
    opportunity_reference = models.CharField(_("D365 opportunity reference"), max_length=40, blank=True)
    scope_summary = models.TextField(_("scope summary"), blank=True)
    in_scope = models.TextField(_("in scope"), blank=True)
    out_of_scope = models.TextField(_("out of scope"), blank=True)
    sold_value = MoneyField(_("sold value"))
    cost_estimate = MoneyField(_("cost estimate"))
    requested_start = models.DateField(_("requested start"), null=True, blank=True)
    requested_end = models.DateField(_("requested end"), null=True, blank=True)
    site_addresses = models.TextField(_("site address(es)"), blank=True)
    customer_contacts = models.TextField(
        _("customer contacts"), blank=True, help_text=_("Name, function, email and phone; one per line.")
    )
    initial_risks = models.TextField(_("initial risks"), blank=True)
    review_answers = models.JSONField(_("review checklist answers"), default=dict, blank=True)
    status_reason = models.TextField(_("reason of the last return or rejection"), blank=True)
    project = models.OneToOneField(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intake",
        verbose_name=_("project"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()
    workflow = INTAKE_WORKFLOW

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(sold_value__gte=0), name="intake_sold_value_not_negative"),
            models.CheckConstraint(
                condition=Q(cost_estimate__gte=0), name="intake_cost_estimate_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(requested_start__isnull=True)
                | Q(requested_end__isnull=True)
                | Q(requested_end__gte=F("requested_start")),
                name="intake_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status=IntakeStatus.CONVERTED) | Q(project__isnull=False),
                name="intake_converted_has_project",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["created_by", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("projects:intake-detail", args=[self.pk])

    @property
    def margin(self) -> Decimal:
        return self.sold_value - self.cost_estimate

    @property
    def margin_percent(self) -> Decimal | None:
        if not self.sold_value:
            return None
        return (self.margin * 100 / self.sold_value).quantize(Decimal("0.1"))

    @property
    def customer_name(self) -> str:
        return self.customer.name if self.customer is not None else self.new_customer_name

    @property
    def is_editable(self) -> bool:
        return self.status in INTAKE_EDITABLE_STATUSES

    @property
    def shown_reason(self) -> str:
        """The PMO's reason, while the intake stands returned or rejected because of it."""
        returned = self.status in (IntakeStatus.RETURNED, IntakeStatus.REJECTED)
        return self.status_reason if returned else ""


class IntakeStatusChange(models.Model):
    """One move of an intake's status: who, when, and why (sales sees the reason)."""

    intake = models.ForeignKey(
        Intake, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("intake")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=IntakeStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=IntakeStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)
    # Set when sales has been emailed about this change, so a retried task sends nothing twice.
    notified_at = models.DateTimeField(_("sales notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("intake status change")
        verbose_name_plural = _("intake status changes")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["intake", "created_at"])]

    def __str__(self) -> str:
        return f"{self.intake_id}: {self.from_status} → {self.to_status}"
