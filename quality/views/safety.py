"""VCA safety: the portfolio dashboard, a project's safety page, LMRA, toolbox, incidents."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pmo.lib.http import AuthenticatedHttpRequest
from pmo.lib.listing import paginate, sort_queryset
from pmo.selectors import history_for
from projects.selectors import project_get_for_user
from quality import forms
from quality.models import SafetyIncident
from quality.selectors import core as selectors
from quality.services import reviews as review_services
from quality.services import safety as services
from quality.views.common import require_perm, run_action, run_form_action

INCIDENT_SORTS = {"date": "occurred_at", "project": "project__code", "kind": "kind", "status": "status"}


@login_required
def safety_dashboard(request: AuthenticatedHttpRequest):
    incidents = selectors.incident_list_for_user(user=request.user)
    kind = request.GET.get("kind")
    if kind:
        incidents = incidents.filter(kind=kind)
    incidents, sort = sort_queryset(incidents, request.GET.get("sort"), INCIDENT_SORTS, "-date")
    page = paginate(request, incidents)
    context = {
        "kpis": selectors.safety_kpis_for_user(user=request.user),
        "page": page,
        "sort": sort,
        "kind": kind,
    }
    template = (
        "quality/safety_dashboard.html#incident-table" if request.htmx else "quality/safety_dashboard.html"
    )
    return render(request, template, context)


@login_required
def project_safety(request: AuthenticatedHttpRequest, project_pk: int):
    return _safety_page(request, project_get_for_user(user=request.user, pk=project_pk))


def _safety_page(request: AuthenticatedHttpRequest, project, hours_form=None):
    context = {
        "project": project,
        "safety": selectors.project_safety(project=project),
        "can_record": request.user.has_perm("quality.record_safety", project),
        "hours_form": hours_form if hours_form is not None else forms.WorkedHoursForm(),
    }
    return render(request, "quality/project_safety.html", context, status=200 if hours_form is None else 400)


def _record_page(
    request: AuthenticatedHttpRequest, project_pk: int, form_class, service, success: str, title: str
):
    project = project_get_for_user(user=request.user, pk=project_pk)
    require_perm(request.user, "quality.record_safety", project)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = service(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect(record if isinstance(record, SafetyIncident) else _safety_url(project))
    return render(request, "quality/safety_form.html", {"form": form, "project": project, "title": title})


def _safety_url(project) -> str:
    return reverse("quality:project-safety", args=[project.pk])


@login_required
@require_http_methods(["GET", "POST"])
def lmra_create(request: AuthenticatedHttpRequest, project_pk: int):
    return _record_page(
        request,
        project_pk,
        forms.LmraForm,
        services.lmra_record,
        _("LMRA recorded."),
        _("Last-minute risk analysis"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def toolbox_create(request: AuthenticatedHttpRequest, project_pk: int):
    return _record_page(
        request,
        project_pk,
        forms.ToolboxForm,
        services.toolbox_meeting_record,
        _("Toolbox meeting recorded."),
        _("Toolbox meeting"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def qualification_create(request: AuthenticatedHttpRequest, project_pk: int):
    return _record_page(
        request,
        project_pk,
        forms.SiteQualificationForm,
        services.site_qualification_record,
        _("Qualification recorded."),
        _("Qualification of a person on site"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_create(request: AuthenticatedHttpRequest, project_pk: int):
    return _record_page(
        request,
        project_pk,
        forms.IncidentForm,
        services.safety_incident_report,
        _("Incident reported."),
        _("Report an incident or near miss"),
    )


@login_required
@require_POST
def worked_hours_set(request: AuthenticatedHttpRequest, project_pk: int):
    project = project_get_for_user(user=request.user, pk=project_pk)
    require_perm(request.user, "quality.record_safety", project)
    return run_form_action(
        request,
        forms.WorkedHoursForm(request.POST),
        lambda **data: services.worked_hours_set(project=project, **data),
        success=_("Hours worked saved."),
        target=_safety_url(project),
        page=lambda form: _safety_page(request, project, hours_form=form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def incident_detail(request: AuthenticatedHttpRequest, pk: int):
    incident = selectors.incident_get_for_user(user=request.user, pk=pk)
    form = forms.IncidentForm(request.POST or None, instance=incident)
    if request.method == "POST":
        require_perm(request.user, "quality.record_safety", incident.project)
        if form.is_valid():
            try:
                services.safety_incident_update(incident=incident, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Incident saved."))
                return redirect(incident)
    return _incident_page(request, incident, form)


def _incident_page(request: AuthenticatedHttpRequest, incident, form, action_form=None):
    can_record = request.user.has_perm("quality.record_safety", incident.project)
    context = {
        "incident": incident,
        "project": incident.project,
        "form": form,
        "actions": incident.actions.select_related("owner", "verified_by"),
        "action_form": action_form if action_form is not None else forms.CorrectiveActionForm(),
        "verify_form": forms.ActionVerifyForm(),
        "can_record": can_record and not incident.workflow.is_final(incident),
        "history": history_for(obj=incident),
    }
    status = 400 if form.errors or (action_form is not None and action_form.errors) else 200
    return render(request, "quality/incident_detail.html", context, status=status)


@login_required
@require_POST
def incident_close(request: AuthenticatedHttpRequest, pk: int):
    incident = selectors.incident_get_for_user(user=request.user, pk=pk)
    require_perm(request.user, "quality.record_safety", incident.project)
    return run_action(
        request,
        lambda: services.safety_incident_close(incident=incident, actor=request.user),
        success=_("Incident closed."),
        target=incident,
    )


@login_required
@require_POST
def incident_action_create(request: AuthenticatedHttpRequest, pk: int):
    incident = selectors.incident_get_for_user(user=request.user, pk=pk)
    require_perm(request.user, "quality.record_safety", incident.project)
    return run_form_action(
        request,
        forms.CorrectiveActionForm(request.POST),
        lambda **data: review_services.corrective_action_create(
            incident=incident, actor=request.user, **data
        ),
        success=_("Corrective action planned."),
        target=incident,
        page=lambda form: _incident_page(request, incident, forms.IncidentForm(instance=incident), form),
    )
