"""Celery tasks of the connectors (found by `app.autodiscover_tasks(related_name="connector_tasks")`).

A task takes a run id, claims the run (so a retry or a second worker does nothing twice) and does it.
The beat entries call them without an id: a scheduled run is created first.
"""

from celery import shared_task

from reporting.connectors.runs import sync_run_create, sync_run_execute
from reporting.models import Connector, SyncRun

# A run does many HTTP calls; its limits are wider than the default task's, and still bounded.
CONNECTOR_TASK_OPTIONS = {"acks_late": True, "soft_time_limit": 1500, "time_limit": 1800}


@shared_task(**CONNECTOR_TASK_OPTIONS)
def sync_run_task(run_id: int) -> str | None:
    """Do one queued connector run."""
    run = sync_run_execute(run_id=run_id)
    return run.status if run else None


@shared_task(**CONNECTOR_TASK_OPTIONS)
def servicenow_push_task() -> str | None:
    """Scheduled: push projects and status reports to ServiceNow."""
    return _scheduled(Connector.SERVICENOW, SyncRun.Direction.PUSH)


@shared_task(**CONNECTOR_TASK_OPTIONS)
def dynamics_pull_task() -> str | None:
    """Scheduled: pull opportunities, vendors, purchase orders and actuals from Dynamics 365."""
    return _scheduled(Connector.DYNAMICS365, SyncRun.Direction.PULL)


def _scheduled(connector: str, direction: str) -> str | None:
    if SyncRun.objects.filter(
        connector=connector, status__in=[SyncRun.Status.QUEUED, SyncRun.Status.RUNNING]
    ).exists():
        return None  # the previous run is still going: do not pile up
    run = sync_run_create(connector=connector, direction=direction)
    return sync_run_task(run.pk)
