"""Inside every Celery worker: take back the jobs of dead workers, at start-up and every few seconds.

This needs neither beat nor another worker: whichever worker runs next notices. Connected in
pmo/celery.py.
"""

import logging
import os
import threading

from celery.signals import beat_init, before_task_publish, worker_ready, worker_shutdown
from django.conf import settings
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)
_stop = threading.Event()


@worker_ready.connect
def requeue_jobs_of_dead_workers(sender=None, **kwargs) -> None:
    from pmo.lib.jobs import jobs_requeue_stale

    hostname = getattr(sender, "hostname", "") or ""
    started = timezone.now()
    try:
        # Rows this node name claimed before now belong to its previous, dead incarnation.
        done = jobs_requeue_stale(holder_prefix=f"{hostname}:" if hostname else "", started_before=started)
        logger.info("worker %s started: re-queued %s", hostname, done)
    finally:
        connection.close()
    _stop.clear()
    threading.Thread(target=_check_every_interval, name="job-stale-check", daemon=True).start()


@worker_shutdown.connect
def stop_checking(**kwargs) -> None:
    _stop.set()


def _check_every_interval() -> None:
    from pmo.lib.jobs import jobs_requeue_stale

    while not _stop.wait(settings.JOB_CHECK_SECONDS):
        try:
            jobs_requeue_stale()
        except Exception:
            logger.exception("the stale-job check failed")
        finally:
            connection.close()


# Beat's liveness for its health check (pmo.probe beat): the file is touched whenever beat publishes a
# task, and the stale-job sweep is published every JOB_CHECK_SECONDS.
_in_beat = threading.Event()


@beat_init.connect
def mark_beat(**kwargs) -> None:
    _in_beat.set()
    _touch_beat_heartbeat()


@before_task_publish.connect
def beat_published(**kwargs) -> None:
    if _in_beat.is_set():
        _touch_beat_heartbeat()


def _touch_beat_heartbeat() -> None:
    from pmo.probe import BEAT_HEARTBEAT_FILE

    try:
        with open(BEAT_HEARTBEAT_FILE, "a"):
            os.utime(BEAT_HEARTBEAT_FILE)
    except OSError:
        logger.warning("cannot touch %s", BEAT_HEARTBEAT_FILE)
