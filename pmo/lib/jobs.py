"""Job rows that a Celery worker claims, keeps alive with a heartbeat, and finishes or fails.

A worker can die at any moment (the kernel's OOM killer sends SIGKILL): nothing runs on the way out, so
the row itself must tell that its holder is gone. A claim writes who holds it (node:pid:nonce) and a
heartbeat that a thread beside the work refreshes; a row whose heartbeat stopped, or that outlived the
task's hard time limit, goes back to the queue. Three callers look for such rows: the next worker as it
starts (rows its previous incarnation held), a check every JOB_CHECK_SECONDS inside every worker, and
beat. Every write after the claim is fenced by the holder, so a holder that was presumed dead but was
not cannot overwrite the work of the one that took over.
"""

import logging
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Job",
    "JobStates",
    "job_holder",
    "job_models",
    "jobs_oldest_queued_age",
    "jobs_requeue_stale",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobStates:
    """The values a concrete job model uses for the four states (its own status choices)."""

    queued: str = "queued"
    running: str = "running"
    done: str = "done"
    failed: str = "failed"


def _heartbeat_seconds() -> int:
    return settings.JOB_HEARTBEAT_SECONDS


def job_holder(hostname: str = "") -> str:
    """Who claims: the Celery node, the process and a nonce (a pid is reused after a restart)."""
    return f"{hostname or os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Job(models.Model):
    """Abstract job row. The concrete model declares `status` with its choices and `states`."""

    states = JobStates()
    # How often the holder proves it is alive, and how long the work may take at most (the task's
    # hard time limit): beyond either, the row is someone else's to take.
    max_runtime = timedelta(seconds=300)
    max_attempts = 3

    # Redeclared by each concrete model with its own choices and default; declared here so that the
    # queries below name a field the abstract model has.
    status = models.CharField(_("status"), max_length=20)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    # Set when the job went back to the queue because its worker died; the page says so.
    recovered_at = models.DateTimeField(_("put back in the queue after a failure"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_being_retried(self) -> bool:
        return self.recovered_at is not None and self.status in (self.states.queued, self.states.running)

    # --- the holder's side -------------------------------------------------------------------------

    @classmethod
    def claim(cls, pk: int, *, holder: str) -> bool:
        """Take a queued job (or one whose holder is gone); False when someone else has it."""
        now = timezone.now()
        return bool(
            cls._default_manager.filter(Q(status=cls.states.queued) | cls._stale(now), pk=pk).update(
                status=cls.states.running,
                claimed_by=holder,
                started_at=now,
                heartbeat_at=now,
                finished_at=None,
                attempts=F("attempts") + 1,
                error="",
            )
        )

    @classmethod
    def finish(cls, pk: int, *, holder: str, status: str = "", **fields) -> bool:
        """Mark the job done (or the given final status), if the caller still holds it."""
        return bool(
            cls._held(pk, holder).update(
                status=status or cls.states.done, finished_at=timezone.now(), heartbeat_at=None, **fields
            )
        )

    @classmethod
    def fail(cls, pk: int, *, holder: str, error: str) -> bool:
        """Mark the job failed with its error, if the caller still holds it."""
        return bool(
            cls._held(pk, holder).update(
                status=cls.states.failed, error=error[:2000], finished_at=timezone.now(), heartbeat_at=None
            )
        )

    @classmethod
    def beat(cls, pk: int, *, holder: str) -> bool:
        return bool(cls._held(pk, holder).update(heartbeat_at=timezone.now()))

    @classmethod
    @contextmanager
    def heartbeat(cls, pk: int, *, holder: str) -> Iterator[None]:
        """Refresh the heartbeat from a thread while the work runs (the work may block for minutes)."""
        stop = threading.Event()

        def run() -> None:
            try:
                while not stop.wait(_heartbeat_seconds()):
                    cls.beat(pk, holder=holder)
            except Exception:  # A failed beat makes the job look stale: the next check re-queues it.
                logger.exception("heartbeat of %s %s failed", cls.__name__, pk)
            finally:
                connection.close()  # The thread's own connection.

        thread = threading.Thread(target=run, name=f"heartbeat-{cls.__name__}-{pk}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join(timeout=5)

    # --- everyone else's side ----------------------------------------------------------------------

    @classmethod
    def retry(cls, pk: int, *, from_statuses: tuple[str, ...] | None = None, **fields) -> bool:
        """Queue a failed (or the given statuses') job again, as a person asked."""
        statuses = from_statuses or (cls.states.failed,)
        return bool(
            cls._default_manager.filter(pk=pk, status__in=statuses).update(
                status=cls.states.queued,
                error="",
                claimed_by="",
                heartbeat_at=None,
                recovered_at=None,
                queued_at=timezone.now(),
                **fields,
            )
        )

    @classmethod
    def requeue_stale(cls, *, now=None, holder_prefix: str = "", started_before=None) -> list[int]:
        """Put jobs whose holder is gone back in the queue; fail those that used up their attempts.

        With holder_prefix (a node name and ":"), rows that node claimed before started_before count as
        gone whatever their heartbeat says: a node that starts again is no longer the one that held them.
        """
        now = now or timezone.now()
        running = cls._default_manager.filter(status=cls.states.running)
        if holder_prefix:
            gone = running.filter(
                Q(claimed_by__startswith=holder_prefix, started_at__lt=started_before) | cls._stale(now)
            )
        else:
            gone = running.filter(cls._stale(now))
        requeued: list[int] = []
        for pk, holder, attempts in gone.values_list("pk", "claimed_by", "attempts")[:500]:
            rows = cls._default_manager.filter(pk=pk, status=cls.states.running, claimed_by=holder)
            if attempts >= cls.max_attempts:
                rows.update(
                    status=cls.states.failed,
                    finished_at=now,
                    heartbeat_at=None,
                    error=str(_("The worker stopped %(count)d times while making this; giving up."))
                    % {"count": attempts},
                )
                continue
            if rows.update(
                status=cls.states.queued, claimed_by="", heartbeat_at=None, recovered_at=now, queued_at=now
            ):
                logger.warning("%s %s re-queued: its worker %s is gone", cls.__name__, pk, holder)
                requeued.append(pk)
        if requeued:
            cls.on_requeued(requeued)
        return requeued

    @classmethod
    def on_requeued(cls, pks: list[int]) -> None:
        """Send the work again (the concrete model knows its task)."""
        raise NotImplementedError

    @classmethod
    def _stale(cls, now) -> Q:
        silent = now - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS)
        return Q(status=cls.states.running) & (
            Q(heartbeat_at__lt=silent)
            | Q(heartbeat_at__isnull=True, started_at__lt=silent)
            | Q(started_at__lt=now - cls.max_runtime - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS))
        )

    @classmethod
    def _held(cls, pk: int, holder: str):
        return cls._default_manager.filter(pk=pk, status=cls.states.running, claimed_by=holder)


def job_models() -> list[type[Job]]:
    return [model for model in apps.get_models() if issubclass(model, Job)]


def jobs_requeue_stale(**kwargs) -> dict[str, list[int]]:
    """requeue_stale on every job model; one model's error does not stop the others."""
    done: dict[str, list[int]] = {}
    for model in job_models():
        try:
            done[model._meta.label] = model.requeue_stale(**kwargs)
        except Exception:
            logger.exception("re-queueing stale %s failed", model._meta.label)
    return done


def jobs_oldest_queued_age() -> float | None:
    """Seconds the oldest queued job has waited, over every job model; None when nothing waits."""
    oldest = [
        model._default_manager.filter(status=model.states.queued).aggregate(oldest=models.Min("queued_at"))[
            "oldest"
        ]
        for model in job_models()
    ]
    oldest = [value for value in oldest if value]
    return round((timezone.now() - min(oldest)).total_seconds(), 1) if oldest else None
