"""Changes to documents: a new upload becomes a new version, the old versions are kept."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from pmo.lib.audit import history_stamp
from pmo.lib.uploads import upload_check
from pmo.models import User
from projects.models import (
    INTAKE_EDITABLE_STATUSES,
    Document,
    DocumentVersion,
    Intake,
    Project,
    RequiredDocument,
)


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _version_add(*, document: Document, upload: UploadedFile, actor: User) -> DocumentVersion:
    checked = upload_check(upload=upload, max_bytes=settings.DOCUMENT_MAX_UPLOAD_BYTES)
    Document.objects.filter(pk=document.pk).update(current_version=F("current_version") + 1)
    document.refresh_from_db(fields=["current_version"])
    version = DocumentVersion(
        document=document,
        number=document.current_version,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=_sha256(upload),
        uploaded_by=actor,
    )
    version.file.save(checked.name, upload, save=False)
    try:
        version.full_clean()
        version.save()
    except Exception:
        version.file.delete(save=False)  # the row failed: do not leave its file behind
        raise
    return version


@transaction.atomic
def document_upload(
    *,
    actor: User,
    upload: UploadedFile,
    category: str,
    title: str,
    project: Project | None = None,
    intake: Intake | None = None,
    phase: str = "",
) -> Document:
    """Store a new document of a project or an intake with its first version."""
    if (project is None) == (intake is None):
        raise ValueError("A document belongs to a project or to an intake")
    if intake is not None and intake.status not in INTAKE_EDITABLE_STATUSES:
        raise ValidationError(_("This intake is with the PMO and cannot be changed now."))
    document = Document(
        project=project, intake=intake, category=category, title=title.strip(), phase=phase, uploaded_by=actor
    )
    history_stamp(document, actor=actor)
    document.full_clean()
    document.save()
    _version_add(document=document, upload=upload, actor=actor)
    document.refresh_from_db(fields=["current_version"])
    return document


@transaction.atomic
def document_version_upload(*, document: Document, upload: UploadedFile, actor: User) -> DocumentVersion:
    """Add a new version to a document; the earlier versions stay available."""
    locked = Document.objects.select_for_update().get(pk=document.pk)
    intake = locked.intake if not locked.project_id else None
    if intake is not None and intake.status not in INTAKE_EDITABLE_STATUSES:
        raise ValidationError(_("This intake is with the PMO and cannot be changed now."))
    return _version_add(document=locked, upload=upload, actor=actor)


@transaction.atomic
def required_document_add(
    *, project: Project, category: str, phase: str, title: str, actor: User
) -> RequiredDocument:
    """Add a line to the project's required-documents checklist."""
    line = RequiredDocument(project=project, category=category, phase=phase, title=title.strip())
    history_stamp(line, actor=actor)
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def required_document_remove(*, line: RequiredDocument, actor: User) -> None:
    """Drop a line from the checklist (the documents themselves stay)."""
    history_stamp(line, actor=actor)
    line.delete()
