from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pmo.lib.http import AuthenticatedHttpRequest
from projects import selectors, services
from projects.forms.documents import (
    DocumentUploadForm,
    DocumentVersionForm,
    PhaseChangeForm,
    RequiredDocumentForm,
)
from projects.gates import gate_evaluate
from projects.models import Phase


def _documents_page(request: AuthenticatedHttpRequest, project, upload_form=None, status=200):
    context = {
        "project": project,
        "documents": selectors.document_list_for_project(project=project),
        "required": selectors.required_documents_status(project=project),
        "can_change": request.user.has_perm("projects.change_project", project),
        "upload_form": upload_form or DocumentUploadForm(initial={"phase": project.phase}),
        "version_form": DocumentVersionForm(),
        "required_form": RequiredDocumentForm(),
    }
    return render(request, "projects/project_documents.html", context, status=status)


@login_required
@require_GET
def project_documents(request: AuthenticatedHttpRequest, pk: int):
    project = selectors.project_get_for_user(user=request.user, pk=pk)
    if not request.user.has_perm("projects.view_project_documents", project):
        raise Http404
    return _documents_page(request, project)


@login_required
@require_POST
def document_upload(request: AuthenticatedHttpRequest, pk: int):
    project = selectors.project_get_for_user(user=request.user, pk=pk, write=True)
    form = DocumentUploadForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.document_upload(
                actor=request.user,
                project=project,
                upload=data["file"],
                category=data["category"],
                title=data["title"],
                phase=data["phase"],
            )
        except ValidationError as error:
            form.add_error("file", error)
    if form.errors:
        return _documents_page(request, project, upload_form=form, status=400)
    messages.success(request, _("Document uploaded."))
    return redirect("projects:project-documents", pk=project.pk)


@login_required
@require_POST
def document_version_upload(request: AuthenticatedHttpRequest, pk: int):
    document = selectors.document_get_for_user(user=request.user, pk=pk, write=True)
    form = DocumentVersionForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose a file."))
        version = services.document_version_upload(
            document=document, upload=form.cleaned_data["file"], actor=request.user
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Version %(number)d of %(title)s uploaded.")
            % {"number": version.number, "title": document.title},
        )
    if document.project is not None:
        return redirect(document.project.get_absolute_url() + "documents/")
    if document.intake is None:  # a check constraint gives every document a project or an intake
        raise Http404
    return redirect(document.intake.get_absolute_url())


@login_required
@require_GET
def document_download(request: AuthenticatedHttpRequest, pk: int):
    try:
        number = int(request.GET.get("version") or 0) or None
    except ValueError as error:
        raise Http404 from error
    version = selectors.document_version_get_for_user(user=request.user, document_pk=pk, number=number)
    try:
        handle = version.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=version.original_name, content_type=version.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def project_phase_change(request: AuthenticatedHttpRequest, pk: int):
    project = selectors.project_get_for_user(user=request.user, pk=pk, write=True)
    targets = list(project.workflow.targets(project.phase))
    form = PhaseChangeForm(request.POST or None, targets=targets)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["override"] and not request.user.has_perm("projects.override_gate"):
            raise PermissionDenied
        try:
            services.project_phase_change(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The project is now in %(phase)s.")
                % {"phase": project.__class__.objects.get(pk=project.pk).get_phase_display()},
            )
            return redirect(project)
    gates = [(Phase(target).label, gate_evaluate(project=project, target_phase=target)) for target in targets]
    context = {
        "project": project,
        "form": form,
        "gates": gates,
        "can_override": request.user.has_perm("projects.override_gate"),
        "phase_changes": project.phase_changes.select_related("actor")[:20],
    }
    return render(request, "projects/project_phase.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def required_document_add(request: AuthenticatedHttpRequest, pk: int):
    project = selectors.project_get_for_user(user=request.user, pk=pk, write=True)
    form = RequiredDocumentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_text())
        services.required_document_add(project=project, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Required document added."))
    return redirect("projects:project-documents", pk=project.pk)


@login_required
@require_POST
def required_document_remove(request: AuthenticatedHttpRequest, pk: int, line_pk: int):
    project = selectors.project_get_for_user(user=request.user, pk=pk, write=True)
    line = project.required_documents.filter(pk=line_pk).first()
    if line is None:
        raise Http404
    services.required_document_remove(line=line, actor=request.user)
    messages.success(request, _("Required document removed."))
    return redirect("projects:project-documents", pk=project.pk)
