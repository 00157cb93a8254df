"""Checklist templates, reviews and their answers, findings and corrective actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pmo.lib.listing import paginate, sort_queryset
from pmo.selectors import history_for
from projects.models import Document
from projects.selectors import project_get_for_user
from quality import forms
from quality.models import ActionStatus, FindingStatus, Rating, ReviewAnswer, ReviewStatus
from quality.selectors import core as selectors
from quality.services import checklists as checklist_services
from quality.services import reviews as services
from quality.views.common import require_perm, run_action

REVIEW_SORTS = {"date": "scheduled_for", "project": "project__code", "status": "status", "score": "score"}
FINDING_SORTS = {"number": "number", "project": "project__code", "severity": "severity", "status": "status"}
ACTION_SORTS = {"due": "due_date", "project": "project__code", "status": "status", "owner": "owner__username"}


@login_required
def template_list(request):
    require_perm(request.user, "quality.view_checklisttemplate")
    templates = selectors.checklist_template_list()
    return render(request, "quality/template_list.html", {"templates": templates})


@login_required
def template_detail(request, pk: int):
    require_perm(request.user, "quality.view_checklisttemplate")
    template = selectors.checklist_template_detail(pk=pk)
    return render(request, "quality/template_detail.html", {"template": template})


@login_required
@require_POST
def template_new_version(request, pk: int):
    require_perm(request.user, "quality.change_checklisttemplate")
    template = selectors.checklist_template_detail(pk=pk)
    copy = checklist_services.checklist_template_new_version(template=template, actor=request.user)
    messages.success(
        request,
        _("Version %(version)s created; edit its items in the administration.") % {"version": copy.version},
    )
    return redirect(copy)


def _list_page(request, queryset, sorts, default, template, partial, statuses, extra=None):
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
def review_list(request):
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
def finding_list(request):
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
def action_list(request):
    queryset = selectors.corrective_action_list_for_user(user=request.user)
    if request.GET.get("mine"):
        queryset = queryset.filter(owner=request.user)
    return _list_page(
        request, queryset, ACTION_SORTS, "due", "quality/action_list.html", "action-table", ActionStatus
    )


@login_required
def project_quality(request, project_pk: int):
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
def review_create(request, project_pk: int):
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
def review_detail(request, pk: int):
    review = selectors.review_get_for_user(user=request.user, pk=pk)
    can_answer = review.is_open and request.user.has_perm("quality.run_review", review.project)
    context = {
        "review": review,
        "project": review.project,
        "sections": selectors.review_sections(review=review),
        "can_answer": can_answer,
        "ratings": Rating.choices,
        "documents": list(Document.objects.filter(project=review.project).order_by("title")),
        "history": history_for(obj=review),
    }
    return render(request, "quality/review_detail.html", context)


@login_required
@require_POST
def answer_update(request, pk: int):
    answer = get_object_or_404(ReviewAnswer.objects.select_related("item", "review"), pk=pk)
    review = selectors.review_get_for_user(user=request.user, pk=answer.review_id, write=True)
    form = forms.AnswerForm(request.POST, request.FILES, project=review.project)
    error = None
    if form.is_valid():
        try:
            answer = services.review_answer_save(answer=answer, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(message for messages_ in form.errors.values() for message in messages_)
    context = {
        "answer": answer,
        "review": review,
        "can_answer": True,
        "error": error,
        "ratings": Rating.choices,
        "documents": list(Document.objects.filter(project=review.project).order_by("title")),
    }
    if request.htmx:
        # 200 even on a refusal: htmx swaps only successful responses, and the row shows the error.
        return render(request, "quality/review_detail.html#answer-row", context)
    if error:
        messages.error(request, error)
    return redirect(review)


@login_required
def answer_evidence(request, pk: int):
    answer = get_object_or_404(ReviewAnswer, pk=pk)
    selectors.review_get_for_user(user=request.user, pk=answer.review_id)
    if not answer.evidence_file:
        raise Http404
    return FileResponse(answer.evidence_file.open("rb"), as_attachment=True)


@login_required
@require_POST
def review_complete(request, pk: int):
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
def review_cancel(request, pk: int):
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
def finding_create(request, project_pk: int):
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
def finding_detail(request, pk: int):
    finding = selectors.finding_get_for_user(user=request.user, pk=pk)
    can_manage = finding.is_open and request.user.has_perm("quality.run_review", finding.project)
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
    context = {
        "finding": finding,
        "project": finding.project,
        "actions": finding.actions.select_related("owner", "verified_by"),
        "form": form,
        "action_form": forms.CorrectiveActionForm(),
        "verify_form": forms.ActionVerifyForm(),
        "can_manage": can_manage,
        "history": history_for(obj=finding),
    }
    return render(request, "quality/finding_detail.html", context)


@login_required
@require_POST
def finding_close(request, pk: int):
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
def finding_action_create(request, pk: int):
    finding = selectors.finding_get_for_user(user=request.user, pk=pk)
    require_perm(request.user, "quality.run_review", finding.project)
    form = forms.CorrectiveActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Fill in the action, its owner and its due date."))
        return redirect(finding)
    return run_action(
        request,
        lambda: services.corrective_action_create(finding=finding, actor=request.user, **form.cleaned_data),
        success=_("Corrective action planned."),
        target=finding,
    )


def _action_target(action):
    return action.finding or action.incident


@login_required
@require_POST
def action_complete(request, pk: int):
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
def action_verify(request, pk: int):
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
def action_cancel(request, pk: int):
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
