"""Checklist templates, reviews and their answers, findings and corrective actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pmo.lib.form_errors import form_add_service_error, form_error_text
from pmo.lib.http import AuthenticatedHttpRequest
from pmo.lib.listing import paginate, sort_queryset
from pmo.selectors import history_for
from projects.selectors import project_get_for_user
from projects.selectors.portfolio import document_queryset_for_project
from quality import forms
from quality.models import ActionStatus, FindingStatus, Rating, ReviewAnswer, ReviewStatus
from quality.selectors import core as selectors
from quality.services import checklists as checklist_services
from quality.services import reviews as services
from quality.views.common import require_perm, run_action, run_form_action

REVIEW_SORTS = {"date": "scheduled_for", "project": "project__code", "status": "status", "score": "score"}
FINDING_SORTS = {"number": "number", "project": "project__code", "severity": "severity", "status": "status"}
ACTION_SORTS = {"due": "due_date", "project": "project__code", "status": "status", "owner": "owner__username"}


@login_required
def template_list(request: AuthenticatedHttpRequest):
    require_perm(request.user, "quality.view_checklisttemplate")
    templates = selectors.checklist_template_list()
    return render(request, "quality/template_list.html", {"templates": templates})


@login_required
def template_detail(request: AuthenticatedHttpRequest, pk: int):
    require_perm(request.user, "quality.view_checklisttemplate")
    template = selectors.checklist_template_detail(pk=pk)
    return render(request, "quality/template_detail.html", {"template": template})


@login_required
@require_POST
def template_new_version(request: AuthenticatedHttpRequest, pk: int):
    require_perm(request.user, "quality.change_checklisttemplate")
    template = selectors.checklist_template_detail(pk=pk)
    copy = checklist_services.checklist_template_new_version(template=template, actor=request.user)
    messages.success(
        request,
        _("Version %(version)s created; edit its items in the administration.") % {"version": copy.version},
    )
    return redirect(copy)


def _list_page(
    request: AuthenticatedHttpRequest, queryset, sorts, default, template, partial, statuses, extra=None
):
    filtered = queryset
    status = request.GET.get("status")
    if status:
        filtered = filtered.filter(status=status)
    rows, sort = sort_queryset(filtered, request.GET.get("sort"), sorts, default)
    page = paginate(request, rows)
    name = f"{template}#{partial}" if request.htmx else template
    context = {"page": page, "sort": sort, "status": status or "", "statuses": statuses.choices}
    return render(request, name, {**context, **(extra or {})})


@login_required
def review_list(request: AuthenticatedHttpRequest):
    queryset = selectors.review_list_for_user(user=request.user)
    summary = None if request.htmx else selectors.quality_summary_for_user(user=request.user)
    return _list_page(
        request,
        queryset,
        REVIEW_SORTS,
        "-date",
        "quality/review_list.html",
        "review-table",
        ReviewStatus,
        {"summary": summary},
    )


@login_required
def finding_list(request: AuthenticatedHttpRequest):
    queryset = selectors.finding_list_for_user(user=request.user)
    return _list_page(
        request,
        queryset,
        FINDING_SORTS,
        "-number",
        "quality/finding_list.html",
        "finding-table",
        FindingStatus,
    )


@login_required
def action_list(request: AuthenticatedHttpRequest):
    queryset = selectors.corrective_action_list_for_user(user=request.user)
    if request.GET.get("mine"):
        queryset = queryset.filter(owner=request.user)
    return _list_page(
        request, queryset, ACTION_SORTS, "due", "quality/action_list.html", "action-table", ActionStatus
    )


@login_required
def project_quality(request: AuthenticatedHttpRequest, project_pk: int):
    project = project_get_for_user(user=request.user, pk=project_pk)
    context = {
        "project": project,
        "quality": selectors.project_quality(project=project),
        "can_run_review": request.user.has_perm("quality.run_review", project),
        "can_record": request.user.has_perm("quality.record_safety", project),
    }
    return render(request, "quality/project_quality.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def review_create(request: AuthenticatedHttpRequest, project_pk: int):
    project = project_get_for_user(user=request.user, pk=project_pk)
    require_perm(request.user, "quality.run_review", project)
    form = forms.ReviewScheduleForm(request.POST or None, initial={"reviewer": request.user})
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_schedule(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Review scheduled."))
            return redirect(review)
    return render(request, "quality/review_form.html", {"form": form, "project": project})


@login_required
def review_detail(request: AuthenticatedHttpRequest, pk: int):
    return _review_page(request, selectors.review_get_for_user(user=request.user, pk=pk))


def _answer_context(review, form=None) -> dict:
    """What an answer row needs; with a refused form, its errors named by field label."""
    return {
        "review": review,
        "ratings": Rating.choices,
        "documents": list(document_queryset_for_project(project=review.project).order_by("title")),
        "error": form_error_text(form) if form is not None else None,
        "error_fields": set(form.errors) if form is not None else set(),
    }


def _review_page(request: AuthenticatedHttpRequest, review, typed=None, form=None):
    """The review; after a refused answer (no htmx), that row shows what was typed and why."""
    sections = selectors.review_sections(review=review)
    if typed is not None:
        sections = [
            (section, [typed if answer.pk == typed.pk else answer for answer in answers])
            for section, answers in sections
        ]
    context = _answer_context(review, form) | {
        "project": review.project,
        "sections": sections,
        "progress": selectors.review_progress(sections=selectors.review_sections(review=review))
        if typed is not None
        else selectors.review_progress(sections=sections),
        "can_answer": review.is_open and request.user.has_perm("quality.run_review", review.project),
        "failed_answer_pk": typed.pk if typed is not None else None,
        "history": history_for(obj=review),
    }
    return render(request, "quality/review_detail.html", context, status=200 if form is None else 400)


def _answer_as_typed(answer: ReviewAnswer, form) -> ReviewAnswer:
    """The answer with the posted values on it, unsaved, so a refusal does not wipe what was typed."""
    answer.rating = form.data.get("rating", "")
    answer.comment = form.data.get("comment", "")
    answer.evidence_reference = form.data.get("evidence_reference", "")
    document = form.cleaned_data.get("evidence_document") if hasattr(form, "cleaned_data") else None
    if document is not None:
        answer.evidence_document = document
    return answer


@login_required
@require_POST
def answer_update(request: AuthenticatedHttpRequest, pk: int):
    answer = get_object_or_404(ReviewAnswer.objects.select_related("item", "review"), pk=pk)
    review = selectors.review_get_for_user(user=request.user, pk=answer.review_id, write=True)
    form = forms.AnswerForm(request.POST, request.FILES, project=review.project)
    if form.is_valid():
        try:
            answer = services.review_answer_save(answer=answer, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
    refused = bool(form.errors)
    if refused:
        answer = _answer_as_typed(answer, form)
    if not request.htmx:
        if refused:
            return _review_page(request, review, typed=answer, form=form)
        return redirect(review)
    context = _answer_context(review, form if refused else None) | {
        "answer": answer,
        "can_answer": True,
        "failed_answer_pk": answer.pk if refused else None,
        # The progress bar is swapped out of band with the row (`hx-swap-oob`).
        "progress": selectors.review_progress(sections=selectors.review_sections(review=review)),
        "progress_out_of_band": True,
    }
    # 200 even on a refusal: htmx swaps only successful responses, and the row shows the error.
    return render(request, "quality/review_detail.html#answer-row", context)


@login_required
def answer_evidence(request: AuthenticatedHttpRequest, pk: int):
    answer = get_object_or_404(ReviewAnswer, pk=pk)
    selectors.review_get_for_user(user=request.user, pk=answer.review_id)
    if not answer.evidence_file:
        raise Http404
    return FileResponse(answer.evidence_file.open("rb"), as_attachment=True)


@login_required
@require_POST
def review_complete(request: AuthenticatedHttpRequest, pk: int):
    review = selectors.review_get_for_user(user=request.user, pk=pk, write=True)
    form = forms.SummaryForm(request.POST)
    summary = form.cleaned_data["summary"] if form.is_valid() else ""
    return run_action(
        request,
        lambda: services.review_complete(review=review, actor=request.user, summary=summary),
        success=_("Review completed; a finding was raised for each nonconformity."),
        target=review,
    )


@login_required
@require_POST
def review_cancel(request: AuthenticatedHttpRequest, pk: int):
    review = selectors.review_get_for_user(user=request.user, pk=pk, write=True)
    return run_action(
        request,
        lambda: services.review_cancel(
            review=review, actor=request.user, reason=request.POST.get("reason", "")
        ),
        success=_("Review cancelled."),
        target=review,
    )


@login_required
@require_http_methods(["GET", "POST"])
def finding_create(request: AuthenticatedHttpRequest, project_pk: int):
    project = project_get_for_user(user=request.user, pk=project_pk)
    require_perm(request.user, "quality.run_review", project)
    form = forms.FindingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.finding_create(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Finding %(number)s raised.") % {"number": finding.number})
            return redirect(finding)
    return render(request, "quality/finding_form.html", {"form": form, "project": project})


@login_required
@require_http_methods(["GET", "POST"])
def finding_detail(request: AuthenticatedHttpRequest, pk: int):
    finding = selectors.finding_get_for_user(user=request.user, pk=pk)
    form = forms.FindingUpdateForm(request.POST or None, instance=finding)
    if request.method == "POST":
        require_perm(request.user, "quality.run_review", finding.project)
        if form.is_valid():
            try:
                services.finding_update(finding=finding, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Finding saved."))
                return redirect(finding)
    return _finding_page(request, finding, form)


def _finding_page(request: AuthenticatedHttpRequest, finding, form, action_form=None):
    context = {
        "finding": finding,
        "project": finding.project,
        "actions": finding.actions.select_related("owner", "verified_by"),
        "form": form,
        "action_form": action_form if action_form is not None else forms.CorrectiveActionForm(),
        "verify_form": forms.ActionVerifyForm(),
        "can_manage": finding.is_open and request.user.has_perm("quality.run_review", finding.project),
        "history": history_for(obj=finding),
    }
    status = 400 if form.errors or (action_form is not None and action_form.errors) else 200
    return render(request, "quality/finding_detail.html", context, status=status)


@login_required
@require_POST
def finding_close(request: AuthenticatedHttpRequest, pk: int):
    finding = selectors.finding_get_for_user(user=request.user, pk=pk)
    require_perm(request.user, "quality.run_review", finding.project)
    return run_action(
        request,
        lambda: services.finding_close(finding=finding, actor=request.user),
        success=_("Finding closed."),
        target=finding,
    )


@login_required
@require_POST
def finding_action_create(request: AuthenticatedHttpRequest, pk: int):
    finding = selectors.finding_get_for_user(user=request.user, pk=pk)
    require_perm(request.user, "quality.run_review", finding.project)
    return run_form_action(
        request,
        forms.CorrectiveActionForm(request.POST),
        lambda **data: services.corrective_action_create(finding=finding, actor=request.user, **data),
        success=_("Corrective action planned."),
        target=finding,
        page=lambda form: _finding_page(request, finding, forms.FindingUpdateForm(instance=finding), form),
    )


def _action_target(action):
    return action.finding or action.incident


@login_required
@require_POST
def action_complete(request: AuthenticatedHttpRequest, pk: int):
    action = selectors.corrective_action_get_for_user(user=request.user, pk=pk)
    require_perm(request.user, "quality.complete_action", action)
    return run_action(
        request,
        lambda: services.corrective_action_complete(action=action, actor=request.user),
        success=_("Action reported done; it now waits for verification."),
        target=_action_target(action),
    )


@login_required
@require_POST
def action_verify(request: AuthenticatedHttpRequest, pk: int):
    action = selectors.corrective_action_get_for_user(user=request.user, pk=pk)
    require_perm(request.user, "quality.verify_action", action)
    form = forms.ActionVerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Describe how the effectiveness was checked."))
        return redirect(_action_target(action))
    return run_action(
        request,
        lambda: services.corrective_action_verify(action=action, actor=request.user, **form.cleaned_data),
        success=_("Verification recorded."),
        target=_action_target(action),
    )


@login_required
@require_POST
def action_cancel(request: AuthenticatedHttpRequest, pk: int):
    action = selectors.corrective_action_get_for_user(user=request.user, pk=pk)
    require_perm(request.user, "quality.verify_action", action)
    return run_action(
        request,
        lambda: services.corrective_action_cancel(
            action=action, actor=request.user, reason=request.POST.get("reason", "")
        ),
        success=_("Action cancelled."),
        target=_action_target(action),
    )
