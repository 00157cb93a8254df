from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pmo.lib.http import AuthenticatedHttpRequest
from pmo.lib.listing import paginate, sort_queryset
from pmo.selectors import history_for
from projects import selectors, services
from projects.forms.documents import DocumentUploadForm
from projects.forms.intake import IntakeAcceptForm, IntakeConvertForm, IntakeForm, ReasonForm
from projects.models import IntakeStatus

INTAKE_SORTS = {
    "number": "number",
    "title": "title",
    "status": "status",
    "value": "sold_value",
    "submitted": "submitted_at",
    "created": "created_at",
}


def _require(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


@login_required
def intake_list(request: AuthenticatedHttpRequest):
    _require(request.user, "projects.view_intake_list")
    intakes = selectors.intake_list_for_user(user=request.user)
    status = request.GET.get("status", "")
    if status in IntakeStatus.values:
        intakes = intakes.filter(status=status)
    intakes, sort = sort_queryset(intakes, request.GET.get("sort"), INTAKE_SORTS, "-created")
    page = paginate(request, intakes)
    template = "projects/intake_list.html#intake-table" if request.htmx else "projects/intake_list.html"
    context = {"page": page, "sort": sort, "status": status, "statuses": IntakeStatus.choices}
    return render(request, template, context)


def _intake_form_page(request: AuthenticatedHttpRequest, intake=None):
    initial = {"template": request.GET.get("template")} if intake is None else None
    form = IntakeForm(request.POST or None, instance=intake, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if intake is None:
                intake = services.intake_create(actor=request.user, **form.cleaned_data)
            else:
                services.intake_update(intake=intake, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Intake %(number)s saved.") % {"number": intake.number})
            return redirect(intake)
    missing = selectors.intake_missing(intake=intake) if intake is not None else []
    return render(request, "projects/intake_form.html", {"form": form, "intake": intake, "missing": missing})


@login_required
@require_http_methods(["GET", "POST"])
def intake_create(request: AuthenticatedHttpRequest):
    _require(request.user, "projects.add_intake")
    return _intake_form_page(request)


@login_required
@require_http_methods(["GET", "POST"])
def intake_update(request: AuthenticatedHttpRequest, pk: int):
    return _intake_form_page(request, selectors.intake_get_for_user(user=request.user, pk=pk, write=True))


def _detail_context(request: AuthenticatedHttpRequest, intake, **forms) -> dict:
    can_review = request.user.has_perm("projects.review_intake", intake)
    return {
        "intake": intake,
        "missing": selectors.intake_missing(intake=intake),
        "documents": intake.documents.prefetch_related("versions").order_by("category", "title"),
        "status_changes": intake.status_changes.select_related("actor"),
        "can_change": request.user.has_perm("projects.change_intake", intake),
        "can_review": can_review,
        "can_convert": can_review and request.user.has_perm("projects.add_project"),
        "upload_form": forms.get("upload_form") or DocumentUploadForm(with_phase=False),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "accept_form": forms.get("accept_form") or IntakeAcceptForm(intake=intake),
        "history": history_for(obj=intake),
    }


@login_required
def intake_detail(request: AuthenticatedHttpRequest, pk: int):
    intake = selectors.intake_get_for_user(user=request.user, pk=pk)
    return render(request, "projects/intake_detail.html", _detail_context(request, intake))


def _fail(request: AuthenticatedHttpRequest, intake, error: ValidationError, **forms):
    for message in error.messages:
        messages.error(request, message)
    return render(
        request, "projects/intake_detail.html", _detail_context(request, intake, **forms), status=400
    )


@login_required
@require_POST
def intake_submit(request: AuthenticatedHttpRequest, pk: int):
    intake = selectors.intake_get_for_user(user=request.user, pk=pk, write=True)
    try:
        services.intake_submit(intake=intake, actor=request.user)
    except ValidationError as error:
        return _fail(request, intake, error)
    messages.success(request, _("Intake %(number)s submitted to the PMO.") % {"number": intake.number})
    return redirect(intake)


def _reviewed_intake(request: AuthenticatedHttpRequest, pk: int):
    intake = selectors.intake_get_for_user(user=request.user, pk=pk)
    _require(request.user, "projects.review_intake", intake)
    return intake


def _decide_with_reason(request: AuthenticatedHttpRequest, pk: int, service, done_message: str):
    intake = _reviewed_intake(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _fail(
            request, intake, ValidationError(_("Give a reason: sales will read it.")), reason_form=form
        )
    try:
        service(intake=intake, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        return _fail(request, intake, error, reason_form=form)
    messages.success(request, done_message % {"number": intake.number})
    return redirect(intake)


@login_required
@require_POST
def intake_return(request: AuthenticatedHttpRequest, pk: int):
    return _decide_with_reason(request, pk, services.intake_return, _("Intake %(number)s returned to sales."))


@login_required
@require_POST
def intake_reject(request: AuthenticatedHttpRequest, pk: int):
    return _decide_with_reason(request, pk, services.intake_reject, _("Intake %(number)s rejected."))


@login_required
@require_POST
def intake_accept(request: AuthenticatedHttpRequest, pk: int):
    intake = _reviewed_intake(request, pk)
    form = IntakeAcceptForm(request.POST, intake=intake)
    form.is_valid()
    try:
        services.intake_accept(intake=intake, actor=request.user, answers=form.cleaned_data)
    except ValidationError as error:
        return _fail(request, intake, error, accept_form=form)
    messages.success(request, _("Intake %(number)s accepted.") % {"number": intake.number})
    return redirect(intake)


@login_required
@require_http_methods(["GET", "POST"])
def intake_convert(request: AuthenticatedHttpRequest, pk: int):
    intake = _reviewed_intake(request, pk)
    _require(request.user, "projects.add_project")
    form = IntakeConvertForm(
        request.POST or None, initial={"budget": intake.cost_estimate, "support_officer": request.user.pk}
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create_from_intake(
                intake=intake, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Project %(code)s created from the intake.") % {"code": project.code})
            return redirect(project)
    context = {
        "intake": intake,
        "form": form,
        "existing_customer": selectors.intake_existing_customer(intake=intake),
    }
    return render(request, "projects/intake_convert.html", context)


@login_required
@require_POST
def intake_document_upload(request: AuthenticatedHttpRequest, pk: int):
    intake = selectors.intake_get_for_user(user=request.user, pk=pk, write=True)
    form = DocumentUploadForm(request.POST, request.FILES, with_phase=False)
    if form.is_valid():
        try:
            services.document_upload(
                actor=request.user,
                intake=intake,
                upload=form.cleaned_data["file"],
                category=form.cleaned_data["category"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            form.add_error("file", error)
    if form.errors:
        return render(
            request,
            "projects/intake_detail.html",
            _detail_context(request, intake, upload_form=form),
            status=400,
        )
    messages.success(request, _("Document attached."))
    return redirect(intake)
