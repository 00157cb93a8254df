"""Checklist templates: versioned, in three languages, with sections and weighted items."""

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def localized(obj, field: str) -> str:
    """The field in the active language (`question_fr`), falling back to English."""
    language = (get_language() or "en")[:2]
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_en", "")


class ChecklistKind(models.TextChoices):
    QUALITY_REVIEW = "quality_review", _("Quality review (ISO 9001)")
    SECURITY_REVIEW = "security_review", _("Security review (ISO/IEC 27001)")
    LMRA = "lmra", _("Last-minute risk analysis (VCA)")
    TOOLBOX = "toolbox", _("Toolbox meeting (VCA)")
    WORKPLACE_INSPECTION = "workplace_inspection", _("Workplace inspection (VCA)")
    CLOSURE = "closure", _("Closure checklist")
    HANDOVER = "handover", _("Hand-over checklist (SMO)")


class Standard(models.TextChoices):
    """Reference lists shipped in quality/data/references: item references are checked against them."""

    ISO_9001 = "iso9001-2015", _("ISO 9001:2015")
    ISO_27001 = "iso27001-2022-annex-a", _("ISO/IEC 27001:2022 Annex A")


class ChecklistTemplate(models.Model):
    """One version of a checklist; a review keeps the version it ran on."""

    code = models.SlugField(_("code"), max_length=50)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    kind = models.CharField(_("kind"), max_length=30, choices=ChecklistKind.choices)
    standard = models.CharField(
        _("standard"),
        max_length=40,
        choices=Standard.choices,
        blank=True,
        help_text=_("When set, every item's reference must be a clause or control of this standard."),
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["kind", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_checklist_template_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("quality:template-detail", args=[self.pk])

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")


class ChecklistSection(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.CASCADE, related_name="sections", verbose_name=_("template")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)

    class Meta:
        verbose_name = _("checklist section")
        verbose_name_plural = _("checklist sections")
        ordering = ["template", "position"]
        constraints = [
            models.UniqueConstraint(fields=["template", "position"], name="unique_checklist_section_position")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")


class ChecklistItem(models.Model):
    section = models.ForeignKey(
        ChecklistSection, on_delete=models.CASCADE, related_name="items", verbose_name=_("section")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    reference = models.CharField(
        _("reference"), max_length=40, blank=True, help_text=_("The clause or control, e.g. 8.5 or A.5.17.")
    )
    question_en = models.TextField(_("question (English)"))
    question_fr = models.TextField(_("question (French)"))
    question_nl = models.TextField(_("question (Dutch)"))
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    guidance_fr = models.TextField(_("guidance (French)"), blank=True)
    guidance_nl = models.TextField(_("guidance (Dutch)"), blank=True)
    is_evidence_required = models.BooleanField(_("evidence required"), default=False)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(fields=["section", "position"], name="unique_checklist_item_position"),
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="checklist_item_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.question}".strip()

    @property
    def question(self) -> str:
        return localized(self, "question")

    @property
    def guidance(self) -> str:
        return localized(self, "guidance")


class ControlApplicability(models.Model):
    """Statement of applicability: a clause or control declared not applicable to one project, and why."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="not_applicable_controls",
        verbose_name=_("project"),
    )
    standard = models.CharField(_("standard"), max_length=40, choices=Standard.choices)
    reference = models.CharField(_("clause or control"), max_length=20)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        "pmo.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("control not applicable")
        verbose_name_plural = _("controls not applicable")
        ordering = ["project", "standard", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "standard", "reference"], name="unique_control_applicability"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="control_applicability_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.project_id}"
