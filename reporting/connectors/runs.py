"""A connector run as a job row: created queued, claimed by one worker, finished with its counts.

The row is a `pmo.lib.jobs.Job`: claiming is a conditional UPDATE (queued → running, or a running row
whose worker is gone), so a retried or duplicated task does nothing twice; the holder beats while the run
goes, and only the holder may finish it.
"""

import logging
from collections import defaultdict
from datetime import timedelta
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from pmo.lib.jobs import job_holder
from reporting.connectors.http import MappingRefused, RemoteError
from reporting.models import Connector, SyncFailure, SyncRun

logger = logging.getLogger(__name__)

MAX_DRY_RUN_LINES = 500
# Past the task's hard time limit a queued or running run is dead and does not block the schedule.
STALE_AFTER_SECONDS = 3600


@transaction.atomic
def sync_run_create(
    *, connector: str, direction: str, requested_by=None, is_dry_run: bool = False
) -> SyncRun:
    """Record a queued run; the caller queues its task on commit."""
    run = SyncRun(connector=connector, direction=direction, requested_by=requested_by, is_dry_run=is_dry_run)
    run.full_clean()
    run.save()
    return run


def sync_run_queue(*, connector: str, requested_by=None, is_dry_run: bool = False) -> SyncRun:
    """Record a run now and queue its task once the row is committed."""
    from reporting.connector_tasks import sync_run_task

    direction = SyncRun.Direction.PUSH if connector == Connector.SERVICENOW else SyncRun.Direction.PULL
    with transaction.atomic():
        run = sync_run_create(
            connector=connector, direction=direction, requested_by=requested_by, is_dry_run=is_dry_run
        )
        transaction.on_commit(lambda: sync_run_task.delay(run.pk))
    return run


def sync_run_in_progress(*, connector: str) -> bool:
    """A recent run of this connector is queued or running (older ones are taken as dead workers)."""
    recent = timezone.now() - timedelta(seconds=STALE_AFTER_SECONDS)
    return SyncRun.objects.filter(
        connector=connector,
        status__in=[SyncRun.Status.QUEUED, SyncRun.Status.RUNNING],
        created_at__gte=recent,
    ).exists()


def sync_run_claim(*, run_id: int, holder: str) -> SyncRun | None:
    """Move a queued run to running; None when another worker has it already or it is finished."""
    return SyncRun.objects.get(pk=run_id) if SyncRun.claim(run_id, holder=holder) else None


class Recorder(Protocol):
    """What a connector's code reports while it works: a run's recorder, or a MemoryRecorder."""

    def count(self, entity: str, outcome: str, number: int = 1) -> None: ...

    def skip(self, entity: str) -> None: ...

    def fail(self, entity: str, reference: str, error: RemoteError | Exception) -> None: ...


class MemoryRecorder:
    """Counts and failures kept in memory: rows applied again outside a run (a mapping just made)."""

    def __init__(self) -> None:
        self.entities: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.failures: list[tuple[str, str, str]] = []

    def count(self, entity: str, outcome: str, number: int = 1) -> None:
        self.entities[entity][outcome] += number

    def skip(self, entity: str) -> None:
        self.count(entity, "skipped")

    def fail(self, entity: str, reference: str, error: RemoteError | Exception) -> None:
        self.count(entity, "failed")
        self.failures.append((entity, reference, str(error)))


class RunRecorder:
    """Counts and failures of one run, written once at the end (failures as they happen)."""

    def __init__(self, run: SyncRun, holder: str = ""):
        self.run = run
        self.holder = holder or run.claimed_by
        self.entities: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.planned: list[str] = []

    def count(self, entity: str, outcome: str, number: int = 1) -> None:
        self.entities[entity][outcome] += number

    def skip(self, entity: str) -> None:
        self.count(entity, "skipped")

    def would(self, entity: str, action: str, reference: str) -> None:
        """A dry run's line: what would have changed."""
        self.count(entity, "created" if action == "create" else "updated")
        if len(self.planned) < MAX_DRY_RUN_LINES:
            self.planned.append(f"{action} {entity} {reference}")

    def fail(self, entity: str, reference: str, error: RemoteError | Exception) -> None:
        self.count(entity, "failed")
        SyncFailure.objects.create(
            run=self.run,
            entity=entity,
            reference=reference[:100],
            http_status=getattr(error, "status", None),
            message=str(error)[:4000],
        )

    def total(self, outcome: str) -> int:
        return sum(counts.get(outcome, 0) for counts in self.entities.values())

    def finish(self, *, error: str = "") -> SyncRun:
        run = self.run
        run.created_count = self.total("created")
        run.updated_count = self.total("updated")
        run.skipped_count = self.total("skipped")
        run.failed_count = self.total("failed")
        run.details = {"entities": {name: dict(counts) for name, counts in self.entities.items()}}
        if self.planned:
            run.details["planned"] = self.planned
        run.error = error[:4000]
        if error:
            run.status = SyncRun.Status.FAILED
        elif run.failed_count:
            run.status = SyncRun.Status.PARTIAL
        else:
            run.status = SyncRun.Status.SUCCEEDED
        # Only the holder writes the outcome: a worker presumed dead that wakes up changes nothing.
        SyncRun.finish(
            run.pk,
            holder=self.holder,
            status=run.status,
            created_count=run.created_count,
            updated_count=run.updated_count,
            skipped_count=run.skipped_count,
            failed_count=run.failed_count,
            details=run.details,
            error=run.error,
        )
        run.refresh_from_db()
        return run


def sync_run_execute(*, run_id: int) -> SyncRun | None:
    """Claim the run and do it; any error ends the run as failed with the message, never half-running."""
    from reporting.connectors import dynamics, servicenow  # they import this module

    holder = job_holder()
    run = sync_run_claim(run_id=run_id, holder=holder)
    if run is None:
        return None
    recorder = RunRecorder(run, holder)
    # The run log is stored text: write it in the site's language, whichever user or worker started it.
    with translation.override(settings.LANGUAGE_CODE), SyncRun.heartbeat(run.pk, holder=holder):
        try:
            if run.connector == Connector.SERVICENOW:
                servicenow.ServiceNowPush(
                    client=servicenow.servicenow_client(), recorder=recorder, dry_run=run.is_dry_run
                ).run()
            else:
                dynamics.DynamicsPull(
                    client=dynamics.dynamics_client(), recorder=recorder, dry_run=run.is_dry_run
                ).run()
        except MappingRefused as error:
            # One line per unknown column in the run log, so that each can be corrected.
            for column in error.unknown:
                table, _, name = column.partition(".")
                recorder.fail(
                    table, name, ValueError(gettext("This column does not exist on the remote system."))
                )
            return recorder.finish(error=str(error))
        except RemoteError as error:
            return recorder.finish(error=str(error))
        except Exception as error:
            # A bug must not leave the run "running" for ever; the traceback goes to the worker's log.
            logger.exception("connector run %s crashed", run.pk)
            return recorder.finish(error=f"{type(error).__name__}: {error}")
        return recorder.finish()
