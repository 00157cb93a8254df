"""Pages of the connectors: the runs, one run with its failures, and "run now" for the administrator."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pmo.lib.http import AuthenticatedHttpRequest
from pmo.lib.listing import paginate
from reporting.connectors import permissions  # noqa: F401  (registers the permissions)
from reporting.connectors.runs import sync_run_in_progress, sync_run_queue
from reporting.models import Connector, SyncRun


@login_required
@permission_required("reporting.view_syncrun", raise_exception=True)
@require_GET
def sync_run_list(request: AuthenticatedHttpRequest):
    runs = SyncRun.objects.select_related("requested_by")
    connector = request.GET.get("connector")
    if connector in Connector.values:
        runs = runs.filter(connector=connector)
    page = paginate(request, runs)
    return render(
        request,
        "reporting/sync_run_list.html",
        {"page": page, "connectors": Connector.choices, "connector": connector},
    )


@login_required
@permission_required("reporting.view_syncrun", raise_exception=True)
@require_GET
def sync_run_detail(request: AuthenticatedHttpRequest, pk: int):
    run = get_object_or_404(SyncRun.objects.select_related("requested_by"), pk=pk)
    return render(
        request, "reporting/sync_run_detail.html", {"run": run, "failures": run.failures.all()[:500]}
    )


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
