"""Pages of the connectors: the runs, one run with its failures, "run now" for the administrator, and the
Dynamics 365 time entries that do not map, with the form that maps what they wait on."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from pmo.lib.http import AuthenticatedHttpRequest
from pmo.lib.listing import paginate
from reporting.connector_forms import RemoteLinkForm, RowChoiceForm
from reporting.connectors import permissions  # noqa: F401  (registers the permissions)
from reporting.connectors.runs import sync_run_in_progress, sync_run_queue
from reporting.connectors.time_entries import ENTITY
from reporting.models import Connector, SyncRun
from reporting.selectors.time_entry_mapping import (
    KIND_LABELS,
    unmatched_references,
    unmatched_time_entry_count,
    unmatched_time_entry_group_get,
    unmatched_time_entry_row_get,
    unmatched_time_entry_screen,
)
from reporting.services.time_entry_mapping import (
    MappingResult,
    RowMappingResult,
    time_entry_remote_link_create,
    time_entry_row_map,
)


@login_required
@permission_required("reporting.view_syncrun", raise_exception=True)
@require_GET
def sync_run_list(request: AuthenticatedHttpRequest):
    runs = SyncRun.objects.select_related("requested_by")
    connector = request.GET.get("connector")
    if connector in Connector.values:
        runs = runs.filter(connector=connector)
    page = paginate(request, runs)
    context = {
        "page": page,
        "connectors": Connector.choices,
        "connector": connector,
        "unmatched_count": unmatched_time_entry_count(),
    }
    return render(request, "reporting/sync_run_list.html", context)


@login_required
@permission_required("reporting.view_syncrun", raise_exception=True)
@require_GET
def sync_run_detail(request: AuthenticatedHttpRequest, pk: int):
    run = get_object_or_404(SyncRun.objects.select_related("requested_by"), pk=pk)
    failures = list(run.failures.all()[:500])
    waiting = unmatched_references(references=[f.reference for f in failures if f.entity == ENTITY])
    context = {"run": run, "failures": failures, "waiting": waiting}
    return render(request, "reporting/sync_run_detail.html", context)


@login_required
@permission_required("reporting.add_syncrun", raise_exception=True)
@require_POST
def sync_run_start(request: AuthenticatedHttpRequest):
    connector = request.POST.get("connector")
    if connector not in Connector.values:
        messages.error(request, _("Choose a connector."))
        return redirect("reporting:sync-run-list")
    if sync_run_in_progress(connector=connector):
        messages.warning(request, _("A run of this connector is already queued or running."))
        return redirect("reporting:sync-run-list")
    run = sync_run_queue(
        connector=connector, requested_by=request.user, is_dry_run=request.POST.get("dry_run") == "1"
    )
    messages.success(request, _("The run is queued."))
    return redirect(run)


@login_required
@permission_required("reporting.view_syncrun", raise_exception=True)
@require_GET
def unmatched_time_entry_list(request: AuthenticatedHttpRequest):
    groups, rows = unmatched_time_entry_screen()
    return render(request, "reporting/unmatched_time_entry_list.html", {"groups": groups, "rows": rows})


@login_required
@permission_required("reporting.add_remotelink", raise_exception=True)
@require_http_methods(["GET", "POST"])
def unmatched_time_entry_map(request: AuthenticatedHttpRequest, kind: str, remote_id: str):
    if kind not in KIND_LABELS:
        raise Http404
    group = unmatched_time_entry_group_get(kind=kind, remote_id=remote_id)
    form = RemoteLinkForm(
        request.POST if request.method == "POST" else None,
        kind=kind,
        user=request.user,
        project_id=group.project_id,
        auto_id=f"map-{kind}-{remote_id}-%s",
    )
    if request.method == "POST" and "find" not in request.POST and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            result = time_entry_remote_link_create(
                kind=kind, remote_id=remote_id, target=target, actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _mapped_message(result))
            if request.htmx:
                return _list_instead(request)
            return redirect("reporting:unmatched-time-entry-list")
    template = "reporting/unmatched_time_entry_map.html"
    context = {"group": group, "form": form, "kind": kind}
    return render(request, f"{template}#map-form" if request.htmx else template, context)


@login_required
@permission_required("reporting.add_remotelink", raise_exception=True)
@require_http_methods(["GET", "POST"])
def unmatched_time_entry_row_map(request: AuthenticatedHttpRequest, pk: int):
    """Our resource and/or task for one row that names none in Dynamics 365, then book it."""
    waiting = unmatched_time_entry_row_get(pk=pk)
    form = RowChoiceForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        needs_resource=waiting.needs_resource,
        needs_task=waiting.needs_task and not waiting.is_waiting_on_its_project,
        project_id=waiting.project_id,
    )
    if request.method == "POST" and "find" not in request.POST and form.is_valid():
        try:
            result = time_entry_row_map(row_id=pk, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            level = messages.WARNING if result.refusal else messages.SUCCESS
            messages.add_message(request, level, _row_mapped_message(result))
            return redirect("reporting:unmatched-time-entry-list")
    context = {"waiting": waiting, "form": form}
    return render(request, "reporting/unmatched_time_entry_row_map.html", context)


def _row_mapped_message(result: RowMappingResult) -> str:
    if result.is_deferred:
        return _("Chosen. A Dynamics 365 pull is running: it books the hours.")
    if result.refusal:
        return _("Chosen, but the hours were refused: %(problem)s") % {"problem": result.refusal}
    if result.is_booked:
        return _("Chosen: %(hours)s h booked.") % {"hours": number_format(result.hours, decimal_pos=2)}
    return _("Chosen. The time entry still waits on another mapping.")


def _list_instead(request: AuthenticatedHttpRequest):
    """After an htmx mapping: the whole list again (the mapped rows have left it), with the message."""
    response = render(
        request,
        "reporting/unmatched_time_entry_list.html#unmatched",
        dict(zip(("groups", "rows"), unmatched_time_entry_screen(), strict=True)),
    )
    return reswap(retarget(response, "#unmatched"), "outerHTML")


def _mapped_message(result: MappingResult) -> str:
    if result.is_deferred:
        return _("Mapped. A Dynamics 365 pull is running: it books the waiting hours.")
    text = ngettext(
        "Mapped: %(count)s time entry booked (%(hours)s h).",
        "Mapped: %(count)s time entries booked (%(hours)s h).",
        result.booked,
    ) % {"count": result.booked, "hours": number_format(result.hours, decimal_pos=2)}
    if result.still_waiting:
        text += " " + ngettext(
            "%(count)s still waits on another mapping.",
            "%(count)s still wait on another mapping.",
            result.still_waiting,
        ) % {"count": result.still_waiting}
    return text
