"""Reviews (runs of a checklist on a project), their answers, findings and corrective actions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.lib.transitions import Transition, Workflow, permission
from projects.models import Phase, Project
from quality.models.checklists import ChecklistItem, ChecklistTemplate, ControlApplicability


class ReviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


R = ReviewStatus
REVIEW_WORKFLOW = Workflow(
    Transition("start", source=[R.SCHEDULED], target=R.IN_PROGRESS),
    Transition("complete", source=[R.SCHEDULED, R.IN_PROGRESS], target=R.COMPLETED),
    Transition("cancel", source=[R.SCHEDULED, R.IN_PROGRESS], target=R.CANCELLED),
    refusal=_("This step is not allowed from the current status."),
)
REVIEW_TRANSITIONS: dict[str, tuple[str, ...]] = REVIEW_WORKFLOW.table


class ReviewPurpose(models.TextChoices):
    REVIEW = "review", _("Project review")
    INTERNAL_AUDIT = "internal_audit", _("Internal audit")


class Review(models.Model):
    """One run of a checklist template version on a project."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="quality_reviews", verbose_name=_("project")
    )
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("checklist")
    )
    purpose = models.CharField(
        _("purpose"),
        max_length=20,
        choices=ReviewPurpose.choices,
        default=ReviewPurpose.REVIEW,
        help_text=_("An internal audit (ISO 9001 9.2) needs a reviewer who is not on the project's team."),
    )
    gate_phase = models.CharField(
        _("required before phase"),
        max_length=20,
        choices=Phase.choices,
        blank=True,
        help_text=_("When set, the project cannot enter this phase until the review is completed."),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="quality_reviews",
        verbose_name=_("reviewer"),
    )
    scheduled_for = models.DateField(_("scheduled for"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.SCHEDULED
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=1, null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()
    workflow = REVIEW_WORKFLOW

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-scheduled_for", "-pk"]
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["status", "scheduled_for"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="review_score_is_a_percentage",
            )
        ]

    def __str__(self) -> str:
        return f"{self.template.name} · {self.project.code}"

    def get_absolute_url(self) -> str:
        return reverse("quality:review-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (ReviewStatus.SCHEDULED, ReviewStatus.IN_PROGRESS)


class Rating(models.TextChoices):
    CONFORM = "conform", _("Conform")
    OBSERVATION = "observation", _("Observation")
    MINOR_NC = "minor_nc", _("Minor nonconformity")
    MAJOR_NC = "major_nc", _("Major nonconformity")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


NONCONFORM_RATINGS = (Rating.MINOR_NC, Rating.MAJOR_NC)
# Share of an item's weight earned by each rating; N/A items leave the score.
# Keyed by the stored values (plain strings once read back from the database).
RATING_CREDIT: dict[str, float] = {
    Rating.CONFORM: 1,
    Rating.OBSERVATION: 1,
    Rating.MINOR_NC: 0.5,
    Rating.MAJOR_NC: 0,
}


def evidence_upload_to(instance, filename: str) -> str:
    return f"quality/evidence/{instance.review_id}/{filename}"


class ReviewAnswer(models.Model):
    # Not a column: review_sections sets it on the answers it returns (the decisions that waive them).
    waiver: list[ControlApplicability]
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="answers", verbose_name=_("review")
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.PROTECT, related_name="answers", verbose_name=_("item")
    )
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    evidence_reference = models.CharField(
        _("evidence"), max_length=300, blank=True, help_text=_("A document code, title or link.")
    )
    evidence_document = models.ForeignKey(
        "projects.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evidence document"),
    )
    evidence_file = models.FileField(_("evidence file"), upload_to=evidence_upload_to, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["item__section__position", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="unique_answer_per_review_item")
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_rating_display()}"

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_reference or self.evidence_file or self.evidence_document_id)


class FindingSource(models.TextChoices):
    AUDIT = "audit", _("Review or audit")
    CUSTOMER = "customer", _("Customer complaint")
    INSPECTION = "inspection", _("Inspection")
    SUPPLIER = "supplier", _("Supplier")
    INCIDENT = "incident", _("Safety incident")


class FindingSeverity(models.TextChoices):
    OBSERVATION = "observation", _("Observation")
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACTION_PLANNED = "action_planned", _("Action planned")
    IN_VERIFICATION = "in_verification", _("In verification")
    CLOSED = "closed", _("Closed")


F_ = FindingStatus
FINDING_WORKFLOW = Workflow(
    Transition("plan", source=[F_.OPEN, F_.IN_VERIFICATION], target=F_.ACTION_PLANNED),
    Transition("verify", source=[F_.ACTION_PLANNED], target=F_.IN_VERIFICATION),
    Transition("close", source=[F_.OPEN, F_.ACTION_PLANNED, F_.IN_VERIFICATION], target=F_.CLOSED),
    refusal=_("This step is not allowed from the current status."),
)
FINDING_TRANSITIONS: dict[str, tuple[str, ...]] = FINDING_WORKFLOW.table


class Finding(models.Model):
    """A nonconformity (or observation) with its correction, root cause and verification."""

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="findings", verbose_name=_("project")
    )
    review = models.ForeignKey(
        Review,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("review"),
    )
    answer = models.OneToOneField(
        ReviewAnswer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="finding",
        verbose_name=_("answer"),
    )
    source = models.CharField(
        _("source"), max_length=20, choices=FindingSource.choices, default=FindingSource.AUDIT
    )
    reference = models.CharField(_("clause or requirement"), max_length=40, blank=True)
    description = models.TextField(_("description"))
    severity = models.CharField(_("severity"), max_length=20, choices=FindingSeverity.choices)
    containment = models.TextField(_("containment or correction"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    found_on = models.DateField(_("found on"), default=timezone.localdate)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("raised by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    history = HistoricalRecords()
    workflow = FINDING_WORKFLOW

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-found_on", "-pk"]
        indexes = [models.Index(fields=["project", "status"]), models.Index(fields=["status", "severity"])]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("quality:finding-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status != FindingStatus.CLOSED


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done, to verify")
    VERIFIED = "verified", _("Verified effective")
    CANCELLED = "cancelled", _("Cancelled")


A = ActionStatus
ACTION_WORKFLOW = Workflow(
    Transition(
        "complete",
        source=[A.OPEN],
        target=A.DONE,
        allowed=permission("quality.complete_action"),
        label=_("Done"),
        url_name="quality:action-complete",
        style="outline-success",
    ),
    # Verifying takes the verification text and the verdict: a form of its own on the page.
    Transition("verify", source=[A.DONE], target=A.VERIFIED, allowed=permission("quality.verify_action")),
    Transition("reopen", source=[A.DONE], target=A.OPEN, allowed=permission("quality.verify_action")),
    Transition("cancel", source=[A.OPEN], target=A.CANCELLED),
    refusal=_("This step is not allowed from the current status."),
)
ACTION_TRANSITIONS: dict[str, tuple[str, ...]] = ACTION_WORKFLOW.table
OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.DONE)


class CorrectiveAction(models.Model):
    """An action against a finding or a safety incident, verified for effectiveness."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="corrective_actions", verbose_name=_("project")
    )
    finding = models.ForeignKey(
        Finding,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("finding"),
    )
    incident = models.ForeignKey(
        "quality.SafetyIncident",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("safety incident"),
    )
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="corrective_actions",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    verification = models.TextField(_("verification of effectiveness"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    history = HistoricalRecords()
    workflow = ACTION_WORKFLOW

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["owner", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(finding__isnull=False) | Q(incident__isnull=False),
                name="corrective_action_has_a_cause",
            )
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()
