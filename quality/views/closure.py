"""Closure validation, hand-over to the SMO (page and PDF), and the customer survey."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pmo.lib.http import AuthenticatedHttpRequest
from pmo.lib.listing import paginate, sort_queryset
from pmo.lib.transitions import allowed_actions
from pmo.selectors import history_for
from projects.choices import Phase
from projects.gates import gate_evaluate
from projects.selectors import project_get_for_user
from quality import forms
from quality.closure_checks import closure_checks_run
from quality.models import ClosureValidation, Handover, HandoverStatus
from quality.selectors import core as selectors
from quality.services import closure as closure_services
from quality.services import handover as services
from quality.services import survey as survey_services
from quality.views.common import require_perm, run_action, run_form_action

HANDOVER_SORTS = {
    "project": "project__code",
    "status": "status",
    "submitted": "submitted_at",
    "service": "service_name",
}


def _closure_url(project) -> str:
    return reverse("quality:closure", args=[project.pk])


@login_required
def closure(request: AuthenticatedHttpRequest, project_pk: int):
    return _closure_page(request, project_get_for_user(user=request.user, pk=project_pk))


def _closure_page(request: AuthenticatedHttpRequest, project, survey_form=None):
    validation = (
        ClosureValidation.objects.select_related("checklist", "evaluated_by", "overridden_by")
        .filter(project=project)
        .first()
    )
    context = {
        "project": project,
        "validation": validation,
        "checks": closure_checks_run(project=project),
        "can_manage": request.user.has_perm("quality.manage_closure", project),
        "can_override": request.user.has_perm("quality.override_closure", project),
        "survey_form": survey_form if survey_form is not None else forms.SurveySendForm(project=project),
        "surveys": project.satisfaction_surveys.select_related("contact"),
        "handover": Handover.objects.filter(project=project).first(),
        "history": history_for(obj=validation) if validation else [],
        "handover_gate": gate_evaluate(project=project, target_phase=Phase.HANDED_OVER)
        if project.workflow.can_move(project, Phase.HANDED_OVER)
        else None,
    }
    return render(request, "quality/closure.html", context, status=200 if survey_form is None else 400)


@login_required
@require_POST
def closure_evaluate(request: AuthenticatedHttpRequest, project_pk: int):
    project = project_get_for_user(user=request.user, pk=project_pk)
    require_perm(request.user, "quality.manage_closure", project)
    return run_action(
        request,
        lambda: closure_services.closure_validation_evaluate(project=project, actor=request.user),
        success=_("Closure validation evaluated."),
        target=_closure_url(project),
    )


@login_required
@require_POST
def closure_override(request: AuthenticatedHttpRequest, project_pk: int):
    project = project_get_for_user(user=request.user, pk=project_pk)
    require_perm(request.user, "quality.override_closure", project)
    reason = request.POST.get("reason", "")
    return run_action(
        request,
        lambda: closure_services.closure_validation_override(
            project=project, actor=request.user, reason=reason
        ),
        success=_("Closure validation overridden; the reason is on record."),
        target=_closure_url(project),
    )


@login_required
@require_POST
def survey_send(request: AuthenticatedHttpRequest, project_pk: int):
    project = project_get_for_user(user=request.user, pk=project_pk)
    require_perm(request.user, "quality.manage_closure", project)
    return run_form_action(
        request,
        forms.SurveySendForm(request.POST, project=project),
        lambda **data: survey_services.survey_send(project=project, actor=request.user, **data),
        success=_("Survey sent."),
        target=_closure_url(project),
        page=lambda form: _closure_page(request, project, survey_form=form),
    )


@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, token: str):
    """The customer's page: no login, shows only the survey, answers once."""
    survey = survey_services.survey_get_by_token(token=token)
    if survey is None:
        raise Http404
    translation.activate(survey.language)
    request.LANGUAGE_CODE = survey.language
    form = forms.SurveyAnswerForm(request.POST or None)
    closed = survey.is_answered or survey.is_expired
    if request.method == "POST" and not closed and form.is_valid():
        try:
            survey_services.survey_answer(survey=survey, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "quality/survey_answer.html", {"survey": survey, "thanks": True})
    return render(request, "quality/survey_answer.html", {"survey": survey, "form": form, "closed": closed})


@login_required
def handover_list(request: AuthenticatedHttpRequest):
    handovers = selectors.handover_list_for_user(user=request.user)
    status = request.GET.get("status")
    if status:
        handovers = handovers.filter(status=status)
    handovers, sort = sort_queryset(handovers, request.GET.get("sort"), HANDOVER_SORTS, "-submitted")
    page = paginate(request, handovers)
    context = {"page": page, "sort": sort, "status": status or "", "statuses": HandoverStatus.choices}
    template = "quality/handover_list.html#handover-table" if request.htmx else "quality/handover_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def handover_create(request: AuthenticatedHttpRequest, project_pk: int):
    project = project_get_for_user(user=request.user, pk=project_pk, write=True)
    initial = {"service_name": project.name}
    form = forms.HandoverForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            handover = services.handover_create(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Hand-over started."))
            return redirect(handover)
    return render(request, "quality/handover_form.html", {"form": form, "project": project})


@login_required
@require_http_methods(["GET", "POST"])
def handover_update(request: AuthenticatedHttpRequest, pk: int):
    handover = selectors.handover_get_for_user(user=request.user, pk=pk, write=True)
    form = forms.HandoverForm(request.POST or None, instance=handover)
    if request.method == "POST" and form.is_valid():
        try:
            services.handover_update(handover=handover, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Hand-over saved."))
            return redirect(handover)
    return render(
        request,
        "quality/handover_form.html",
        {"form": form, "project": handover.project, "handover": handover},
    )


@login_required
def handover_detail(request: AuthenticatedHttpRequest, pk: int):
    handover = selectors.handover_get_for_user(user=request.user, pk=pk)
    can_change = handover.is_editable and request.user.has_perm("quality.change_handover", handover)
    context = {
        "handover": handover,
        "project": handover.project,
        "can_change": can_change,
        "can_decide": "accept" in allowed_actions(handover, request.user),
        "register_transfers": selectors.handover_register_transfers(project=handover.project),
        "blockers": services.handover_blockers(project=handover.project)
        if handover.workflow.can_move(handover, HandoverStatus.ACCEPTED)
        else [],
        "part_forms": {part: form_class(prefix=part) for part, form_class in forms.PART_FORMS.items()}
        if can_change
        else {},
        "history": history_for(obj=handover),
    }
    return render(request, "quality/handover_detail.html", context)


@login_required
@require_POST
def handover_part_add(request: AuthenticatedHttpRequest, pk: int, part: str):
    handover = selectors.handover_get_for_user(user=request.user, pk=pk, write=True)
    if part not in forms.PART_FORMS:
        raise Http404
    form = forms.PART_FORMS[part](request.POST, prefix=part)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(
                request,
                f"{form.fields[field].label if field in form.fields else ''}: {' '.join(map(str, errors))}",
            )
        return redirect(handover)
    return run_action(
        request,
        lambda: services.handover_part_add(
            handover=handover, actor=request.user, part=part, **form.cleaned_data
        ),
        success=_("Added to the hand-over."),
        target=handover,
    )


@login_required
@require_POST
def handover_part_remove(request: AuthenticatedHttpRequest, pk: int, part: str, item_pk: int):
    handover = selectors.handover_get_for_user(user=request.user, pk=pk, write=True)
    if part not in forms.PART_FORMS:
        raise Http404
    return run_action(
        request,
        lambda: services.handover_part_remove(handover=handover, actor=request.user, part=part, pk=item_pk),
        success=_("Removed from the hand-over."),
        target=handover,
    )


@login_required
@require_POST
def handover_submit(request: AuthenticatedHttpRequest, pk: int):
    handover = selectors.handover_get_for_user(user=request.user, pk=pk, write=True)
    return run_action(
        request,
        lambda: services.handover_submit(handover=handover, actor=request.user),
        success=_("Hand-over sent to the SMO."),
        target=handover,
    )


@login_required
@require_POST
def handover_accept(request: AuthenticatedHttpRequest, pk: int):
    handover = selectors.handover_get_for_user(user=request.user, pk=pk)
    require_perm(request.user, "quality.decide_handover", handover)
    return run_action(
        request,
        lambda: services.handover_accept(handover=handover, actor=request.user),
        success=_("Hand-over accepted; the project is handed over."),
        target=handover,
    )


@login_required
@require_POST
def handover_return(request: AuthenticatedHttpRequest, pk: int):
    handover = selectors.handover_get_for_user(user=request.user, pk=pk)
    require_perm(request.user, "quality.decide_handover", handover)
    reason = request.POST.get("reason", "")
    return run_action(
        request,
        lambda: services.handover_return(handover=handover, actor=request.user, reason=reason),
        success=_("Hand-over returned to the project team."),
        target=handover,
    )


@login_required
def handover_pdf(request: AuthenticatedHttpRequest, pk: int):
    handover = selectors.handover_get_for_user(user=request.user, pk=pk)
    context = {"register_transfers": selectors.handover_register_transfers(project=handover.project)}
    pdf = services.handover_pdf_render(handover=handover, context=context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="handover-{handover.project.code}.pdf"'
    return response
