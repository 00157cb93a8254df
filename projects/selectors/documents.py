"""Reads of documents and the required-documents checklist, scoped to the user."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404

from pmo.models import User
from projects.models import Document, DocumentVersion, Phase, Project, RequiredDocument

PHASE_ORDER = list(Phase.values)


def document_list_for_project(*, project: Project) -> QuerySet[Document]:
    """The project's documents with all their versions, in two queries."""
    return (
        project.documents.select_related("uploaded_by")
        .prefetch_related(
            Prefetch(
                "versions", queryset=DocumentVersion.objects.select_related("uploaded_by").order_by("-number")
            )
        )
        .order_by("category", "title")
    )


def document_get_for_user(*, user: User, pk: int, write: bool = False) -> Document:
    """One document; visible when its project or intake is, writable when that one is."""
    document = Document.objects.select_related("project", "intake").filter(pk=pk).first()
    if document is None:
        raise Http404
    owner, prefix = (document.project, "project") if document.project_id else (document.intake, "intake")
    view_perm = "projects.view_project_documents" if document.project_id else "projects.view_intake"
    if not user.has_perm(view_perm, owner):
        raise Http404
    if write and not user.has_perm(f"projects.change_{prefix}", owner):
        raise PermissionDenied
    return document


def document_version_get_for_user(
    *, user: User, document_pk: int, number: int | None = None
) -> DocumentVersion:
    """The file to serve: the chosen version, or the current one."""
    document = document_get_for_user(user=user, pk=document_pk)
    version = document.versions.filter(number=number or document.current_version).first()
    if version is None:
        raise Http404
    return version


@dataclass(frozen=True)
class RequiredDocumentStatus:
    required: RequiredDocument
    document: Document | None

    @property
    def is_present(self) -> bool:
        return self.document is not None


def required_documents_missing(*, project: Project) -> list[RequiredDocument]:
    """The checklist's documents that the project has none of, in phase order, in one query (the project's
    documents are not read: only whether one of each category exists)."""
    present = Exists(project.documents.filter(category=OuterRef("category")))
    missing = project.required_documents.annotate(present=present).filter(present=False)
    return sorted(missing, key=lambda line: PHASE_ORDER.index(line.phase))


def required_documents_status(*, project: Project) -> list[RequiredDocumentStatus]:
    """The checklist of the project: each required document, present or missing, in two queries."""
    latest_by_category: dict[str, Document] = {}
    for document in project.documents.order_by("category", "-updated_at"):
        latest_by_category.setdefault(document.category, document)
    return [
        RequiredDocumentStatus(required=line, document=latest_by_category.get(line.category))
        for line in sorted(project.required_documents.all(), key=lambda line: PHASE_ORDER.index(line.phase))
    ]
