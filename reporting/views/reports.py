"""A project's progress, tolerances, distribution list and highlight reports."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pmo.lib.http import AuthenticatedHttpRequest
from reporting import selectors, services
from reporting.forms import ProgressUpdateForm, RecipientForm, ReportRequestForm, ToleranceForm
from reporting.models import DistributionRecipient


def _request_form(request: AuthenticatedHttpRequest, project, data=None) -> ReportRequestForm:
    return ReportRequestForm(
        data,
        audiences=selectors.visible_audiences(user=request.user, project=project),
        initial={
            "period_start": selectors.last_week_start(),
            "language": request.user.preferred_language[:2],
        },
    )


def _project_page(request: AuthenticatedHttpRequest, project, **forms):
    context = {
        "project": project,
        "can_change": request.user.has_perm("reporting.change_project_reporting", project),
        "tolerance": selectors.tolerance_for(project=project),
        "updates": selectors.progress_updates_for_project(project=project)[:12],
        "reports": selectors.reports_for_project(user=request.user, project=project)[:20],
        "recipients": selectors.recipients_for_project(project=project),
        "request_form": forms.get("request_form") or _request_form(request, project),
        "recipient_form": forms.get("recipient_form") or RecipientForm(),
    }
    return render(request, "reporting/project_reporting.html", context)


@login_required
@require_GET
def project_reporting(request: AuthenticatedHttpRequest, pk: int):
    return _project_page(request, selectors.project_get_for_reporting(user=request.user, pk=pk))


@login_required
@require_http_methods(["GET", "POST"])
def progress_update_create(request: AuthenticatedHttpRequest, pk: int):
    project = selectors.project_get_for_reporting(user=request.user, pk=pk, write=True)
    week = selectors.last_week_start()
    existing = selectors.progress_update_for_period(project=project, period_start=week)
    initial = {"period_start": week}
    if existing:
        initial |= {
            field: getattr(existing, field)
            for field in ProgressUpdateForm.base_fields
            if field != "period_start"
        }
    form = ProgressUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_update_save(project=project, actor=request.user, **form.service_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Progress update saved."))
            return redirect("reporting:project-reporting", pk=project.pk)
    suggestion = services.rag_suggest(
        figures=selectors.project_figures(projects=[project], today=week + timedelta(days=6))[project.pk],
        tolerance=selectors.tolerance_values(selectors.tolerance_for(project=project)),
    )
    return render(
        request, "reporting/progress_form.html", {"project": project, "form": form, "suggestion": suggestion}
    )


@login_required
@require_http_methods(["GET", "POST"])
def tolerance_update(request: AuthenticatedHttpRequest, pk: int):
    project = selectors.project_get_for_reporting(user=request.user, pk=pk, write=True)
    form = ToleranceForm(request.POST or None, instance=selectors.tolerance_for(project=project))
    if request.method == "POST" and form.is_valid():
        try:
            services.tolerance_save(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Tolerances saved."))
            return redirect("reporting:project-reporting", pk=project.pk)
    return render(request, "reporting/tolerance_form.html", {"project": project, "form": form})


@login_required
@require_POST
def report_create(request: AuthenticatedHttpRequest, pk: int):
    project = selectors.project_get_for_reporting(user=request.user, pk=pk)
    form = _request_form(request, project, request.POST)
    if not form.is_valid():
        return _project_page(request, project, request_form=form)
    try:
        report = services.highlight_report_request(project=project, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return _project_page(request, project, request_form=form)
    return redirect(report)


@login_required
@require_GET
def report_detail(request: AuthenticatedHttpRequest, pk: int):
    """The job's state; htmx polls the status fragment until the report is ready or failed."""
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    template = (
        "reporting/report_detail.html#report-status" if request.htmx else "reporting/report_detail.html"
    )
    return render(request, template, {"report": report, "project": report.project})


@login_required
@require_GET
def report_download(request: AuthenticatedHttpRequest, pk: int):
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    if not report.is_downloadable:
        raise Http404
    try:
        handle = report.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    filename = f"{report.project.code}-{report.filename}"
    return FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")


@login_required
@require_POST
def report_retry(request: AuthenticatedHttpRequest, pk: int):
    report = selectors.report_get_for_user(user=request.user, pk=pk)
    try:
        services.highlight_report_retry(report=report, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(report)


@login_required
@require_POST
def recipient_create(request: AuthenticatedHttpRequest, pk: int):
    project = selectors.project_get_for_reporting(user=request.user, pk=pk, write=True)
    form = RecipientForm(request.POST)
    if not form.is_valid():
        return _project_page(request, project, recipient_form=form)
    try:
        services.recipient_add(project=project, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return _project_page(request, project, recipient_form=form)
    messages.success(request, _("Recipient added."))
    return redirect("reporting:project-reporting", pk=project.pk)


@login_required
@require_POST
def recipient_delete(request: AuthenticatedHttpRequest, pk: int, recipient_pk: int):
    project = selectors.project_get_for_reporting(user=request.user, pk=pk, write=True)
    recipient = get_object_or_404(DistributionRecipient, pk=recipient_pk, project=project)
    services.recipient_remove(recipient=recipient, actor=request.user)
    messages.success(request, _("Recipient removed."))
    return redirect("reporting:project-reporting", pk=project.pk)
