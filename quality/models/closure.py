"""Closure validation, the hand-over package to the SMO, and the customer satisfaction survey."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.lib.transitions import Transition, Workflow, permission
from projects.models import CustomerContact, Language, Project
from quality.models.reviews import Review


class ClosureStatus(models.TextChoices):
    OPEN = "open", _("Not passed")
    PASSED = "passed", _("Passed")
    OVERRIDDEN = "overridden", _("Overridden by the head of PM")


class ClosureValidation(models.Model):
    """The project's closure validation: automatic checks, a closure checklist, the outcome."""

    project = models.OneToOneField(
        Project, on_delete=models.PROTECT, related_name="closure_validation", verbose_name=_("project")
    )
    checklist = models.ForeignKey(
        Review,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closure checklist"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ClosureStatus.choices, default=ClosureStatus.OPEN
    )
    results = models.JSONField(_("results of the last evaluation"), default=list, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evaluated by"),
    )
    override_reason = models.TextField(_("override reason"), blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("overridden by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closure validation")
        verbose_name_plural = _("closure validations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="overridden") | ~Q(override_reason=""),
                name="closure_override_has_a_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("quality:closure", args=[self.project_id])

    @property
    def is_passed(self) -> bool:
        return self.status in (ClosureStatus.PASSED, ClosureStatus.OVERRIDDEN)


class HandoverStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to SMO")
    ACCEPTED = "accepted", _("Accepted by SMO")
    RETURNED = "returned", _("Returned with reasons")


H = HandoverStatus
_DECIDE = permission("quality.decide_handover")
HANDOVER_WORKFLOW = Workflow(
    Transition("submit", source=[H.DRAFT, H.RETURNED], target=H.SUBMITTED),
    Transition("accept", source=[H.SUBMITTED], target=H.ACCEPTED, allowed=_DECIDE),
    Transition("return", source=[H.SUBMITTED], target=H.RETURNED, allowed=_DECIDE),
    refusal=_("This step is not allowed from the current status."),
)
HANDOVER_TRANSITIONS: dict[str, tuple[str, ...]] = HANDOVER_WORKFLOW.table


class Handover(models.Model):
    """The package a project hands to the service management office."""

    project = models.OneToOneField(
        Project, on_delete=models.PROTECT, related_name="handover", verbose_name=_("project")
    )
    smo_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="handovers_received",
        verbose_name=_("SMO service owner"),
    )
    language = models.CharField(
        _("language of the package"), max_length=2, choices=Language.choices, default="en"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=HandoverStatus.choices, default=HandoverStatus.DRAFT
    )
    service_name = models.CharField(_("service name"), max_length=200)
    scope = models.TextField(_("scope delivered"), blank=True)
    service_levels = models.TextField(
        _("service levels"),
        blank=True,
        help_text=_("Availability, response and resolution per priority, support hours."),
    )
    support_model = models.TextField(_("support contacts and escalation"), blank=True)
    documentation = models.TextField(
        _("documentation links"), blank=True, help_text=_("One link or document reference per line.")
    )
    access_handover = models.TextField(
        _("access and credentials handed over"),
        blank=True,
        help_text=_(
            "Which accounts were removed or transferred and where the credentials are kept."
            " Never the secrets themselves."
        ),
    )
    els_start = models.DateField(_("early life support from"), null=True, blank=True)
    els_end = models.DateField(_("early life support until"), null=True, blank=True)
    els_exit_criteria = models.TextField(_("early life support exit criteria"), blank=True)
    concessions = models.TextField(_("conditions or concessions"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()
    workflow = HANDOVER_WORKFLOW

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["smo_owner", "status"]), models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(els_start__isnull=True)
                | Q(els_end__isnull=True)
                | Q(els_end__gte=models.F("els_start")),
                name="handover_els_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.service_name}"

    def get_absolute_url(self) -> str:
        return reverse("quality:handover-detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (HandoverStatus.DRAFT, HandoverStatus.RETURNED)


class ConfigurationItem(models.Model):
    handover = models.ForeignKey(
        Handover, on_delete=models.CASCADE, related_name="configuration_items", verbose_name=_("hand-over")
    )
    name = models.CharField(_("name"), max_length=200)
    item_type = models.CharField(_("type"), max_length=100)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True)

    class Meta:
        verbose_name = _("configuration item")
        verbose_name_plural = _("configuration items")
        ordering = ["handover", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class SupportContract(models.Model):
    handover = models.ForeignKey(
        Handover, on_delete=models.CASCADE, related_name="support_contracts", verbose_name=_("hand-over")
    )
    supplier = models.CharField(_("supplier"), max_length=200)
    reference = models.CharField(_("contract number"), max_length=100)
    coverage = models.CharField(_("coverage"), max_length=100, help_text=_("e.g. 24x7x4h"))
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    contact = models.CharField(_("RMA and escalation contact"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("support contract or warranty")
        verbose_name_plural = _("support contracts and warranties")
        ordering = ["handover", "ends_on", "pk"]

    def __str__(self) -> str:
        return f"{self.supplier} {self.reference}"


class OpenItemKind(models.TextChoices):
    RISK = "risk", _("Risk")
    ISSUE = "issue", _("Issue")
    ACTION = "action", _("Action")
    DEFECT = "defect", _("Defect or punch-list item")
    CHANGE = "change", _("Open change")


class TransferredItem(models.Model):
    """An open item the SMO takes over (PRINCE2 follow-on action recommendation)."""

    handover = models.ForeignKey(
        Handover, on_delete=models.CASCADE, related_name="open_items", verbose_name=_("hand-over")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OpenItemKind.choices)
    reference = models.CharField(_("reference"), max_length=50, blank=True)
    description = models.TextField(_("description"))
    owner = models.CharField(_("owner after hand-over"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("transferred open item")
        verbose_name_plural = _("transferred open items")
        ordering = ["handover", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}".strip()


class HandoverDecisionKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class HandoverEvent(models.Model):
    """Every step of a hand-over: who submitted, accepted or returned it, when, and why."""

    handover = models.ForeignKey(
        Handover, on_delete=models.CASCADE, related_name="events", verbose_name=_("hand-over")
    )
    kind = models.CharField(_("step"), max_length=20, choices=HandoverDecisionKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("hand-over step")
        verbose_name_plural = _("hand-over steps")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class SatisfactionSurvey(models.Model):
    """A survey sent to the customer contact at closure; answered once through a tokenised link."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="satisfaction_surveys", verbose_name=_("project")
    )
    contact = models.ForeignKey(
        CustomerContact, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer contact")
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default="en")
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    expires_at = models.DateTimeField(_("expires at"))
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    overall = models.PositiveSmallIntegerField(_("overall satisfaction"), null=True, blank=True)
    quality = models.PositiveSmallIntegerField(_("quality of the result"), null=True, blank=True)
    communication = models.PositiveSmallIntegerField(_("communication"), null=True, blank=True)
    timeliness = models.PositiveSmallIntegerField(_("keeping to the schedule"), null=True, blank=True)
    recommend = models.PositiveSmallIntegerField(
        _("likelihood to recommend us (0-10)"), null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["project", "answered_at"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    (Q(overall__isnull=True) | Q(overall__range=(1, 5)))
                    & (Q(quality__isnull=True) | Q(quality__range=(1, 5)))
                    & (Q(communication__isnull=True) | Q(communication__range=(1, 5)))
                    & (Q(timeliness__isnull=True) | Q(timeliness__range=(1, 5)))
                    & (Q(recommend__isnull=True) | Q(recommend__range=(0, 10)))
                ),
                name="survey_scores_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.contact}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def average_score(self) -> float | None:
        scores = [s for s in (self.overall, self.quality, self.communication, self.timeliness) if s]
        return round(sum(scores) / len(scores), 1) if scores else None
