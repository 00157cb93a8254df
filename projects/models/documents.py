"""Project documents with versions, and the required-documents checklist per project and phase."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models.core import Phase, Project
from projects.models.intake import Intake


class DocumentCategory(models.TextChoices):
    CONTRACT = "contract", _("Contract")
    OFFER = "offer", _("Signed offer")
    DESIGN = "design", _("Technical design")
    CUSTOMER_PO = "customer_po", _("Customer purchase order")
    PROJECT_PLAN = "project_plan", _("Project plan")
    MINUTES = "minutes", _("Meeting minutes")
    SAFETY_PLAN = "safety_plan", _("Safety plan")
    TEST_REPORT = "test_report", _("Test report")
    ACCEPTANCE = "acceptance", _("Acceptance certificate")
    HANDOVER = "handover", _("Hand-over documentation")
    OTHER = "other", _("Other")


def document_upload_path(instance: "DocumentVersion", filename: str) -> str:
    # A random name: the original one is kept in the row, never trusted as a path.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"documents/{instance.document_id}/{uuid.uuid4().hex}{suffix}"


class Document(models.Model):
    """A document of a project (or of an intake before it becomes a project); files are its versions."""

    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("project"),
    )
    intake = models.ForeignKey(
        Intake,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("intake"),
    )
    category = models.CharField(_("category"), max_length=20, choices=DocumentCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, blank=True)
    current_version = models.PositiveIntegerField(_("current version"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["category", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(project__isnull=False) | Q(intake__isnull=False),
                name="document_belongs_to_project_or_intake",
            )
        ]
        indexes = [
            models.Index(fields=["project", "category"]),
            models.Index(fields=["intake", "category"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:document-download", args=[self.pk])


class DocumentVersion(models.Model):
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="versions", verbose_name=_("document")
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=document_upload_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="unique_document_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.original_name} (v{self.number})"


class RequiredDocument(models.Model):
    """One line of a project's required-documents checklist: a category needed by a phase gate."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="required_documents", verbose_name=_("project")
    )
    category = models.CharField(_("category"), max_length=20, choices=DocumentCategory.choices)
    phase = models.CharField(
        _("needed to enter"),
        max_length=20,
        choices=Phase.choices,
        help_text=_("The phase whose gate needs this document."),
    )
    title = models.CharField(_("title"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["project", "phase", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "category", "phase"], name="unique_required_document_per_phase"
            )
        ]

    def __str__(self) -> str:
        return self.title
