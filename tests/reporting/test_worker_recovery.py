"""A worker killed with SIGKILL while it renders (as the OOM killer does) costs the user under 2 minutes.

Real processes: a Celery worker on Redis renders, the test kills it with SIGKILL once the report is
`rendering`, starts another worker and waits. No clock is faked.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection

from projects.models import Document, DocumentVersion
from reporting import services, tasks
from reporting.models import HighlightReport
from reporting.selectors import last_week_start
from tests.conftest import _database_url, _wait_for_worker, require_or_skip, wait_until
from tests.factories import DistributionRecipientFactory, ProjectFactory

ROOT = Path(__file__).resolve().parents[2]
BOUND_SECONDS = 120
pytestmark = pytest.mark.worker


@pytest.fixture
def broker(transactional_db, settings, files_on_disk, tmp_path):
    """The test process sends to a queue of its own on Redis; workers are started by the test."""
    redis_url = os.environ.get("TEST_REDIS_URL", "")
    require_or_skip(bool(redis_url), "needs Redis (TEST_REDIS_URL)")
    from pmo.celery import app

    queue = f"recovery-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "pmo.settings",  # not the suite's settings_test (files in memory)
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}",  # four slashes: django-environ drops one
        "MEDIA_ROOT": files_on_disk,
        "SLOW_RENDER_SECONDS": "4",
    }
    app.conf.update(task_always_eager=False, broker_url=redis_url, task_default_queue=queue)
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield {"app": app, "queue": queue, "env": env, "mail": tmp_path / "mail"}
    finally:
        app.conf.update(task_always_eager=True, task_default_queue="celery", broker_url=None)
        app._pool = None
        app.amqp._producer_pool = None


@contextlib.contextmanager
def worker(broker, *, name: str, **env):
    argv = [sys.executable, "-m", "tests.reporting.slow_worker", "-A", "pmo", "worker", "-Q", broker["queue"]]
    argv += ["--pool", "solo", "--loglevel", "WARNING", "--without-gossip", "--without-mingle"]
    process = subprocess.Popen(
        [*argv, "-n", f"{name}@%h"],
        cwd=ROOT,
        env={**broker["env"], **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for_worker(broker["app"], name, process, seconds=90)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _distributed_report(language: str) -> HighlightReport:
    project = ProjectFactory(phase="execution")
    DistributionRecipientFactory(project=project, audience="internal", language=language)
    week = last_week_start()
    snapshot = services.snapshot_take(project=project, week_start=week)
    report = HighlightReport.objects.create(
        project=project,
        period_start=week,
        period_end=week + timedelta(days=6),
        audience="internal",
        language=language,
        snapshot=snapshot,
        is_distributed=True,
    )
    tasks.highlight_report_render_task.delay(report.pk)
    return report


def _kill_while_rendering(process: subprocess.Popen, report: HighlightReport) -> float:
    wait_until(lambda: HighlightReport.objects.filter(pk=report.pk, status="rendering").exists(), 90, 0.05)
    os.kill(process.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    process.wait(timeout=10)
    return killed_at


def _sent_mails(broker) -> list[str]:
    folder = broker["mail"]
    if not folder.exists():
        return []
    text = "".join(path.read_text(errors="replace") for path in folder.iterdir())
    return [line for line in text.splitlines() if line.startswith("Subject:")]


def _assert_made_once(report: HighlightReport, broker, mails_before: int) -> None:
    report.refresh_from_db()
    assert report.status == "ready", report.error
    assert report.recovered_at is not None  # it was taken back, not made by a lucky redelivery
    # The worker marks the report ready, then archives it, then queues the mail: once the mail is out,
    # the archive is there (reading it right after `ready` raced the worker's next statement).
    wait_until(lambda: report.__class__.objects.filter(pk=report.pk, emailed_at__isnull=False).exists(), 60)
    wait_until(lambda: len(_sent_mails(broker)) >= mails_before + 1, 30)
    time.sleep(1)  # a second, duplicate mail or archive would be here by now
    assert len(_sent_mails(broker)) == mails_before + 1
    documents = Document.objects.filter(project=report.project)
    assert documents.count() == 1
    versions = DocumentVersion.objects.filter(document__in=documents)
    assert versions.count() == 1
    with versions.get().file.open("rb") as archived:  # written by the worker, on disk
        assert archived.read(5) == b"%PDF-"


def test_the_next_worker_takes_back_a_killed_workers_report_within_two_minutes(broker, capsys):
    """Five kills; the worker that comes back under the same node name re-queues at start-up."""
    name = f"{broker['queue']}-node"
    durations = []
    process_context = worker(broker, name=name)
    process = process_context.__enter__()
    try:
        for attempt, language in enumerate(["en", "fr", "nl", "en", "fr"]):
            report = _distributed_report(language)
            killed_at = _kill_while_rendering(process, report)
            process_context.__exit__(None, None, None)
            process_context = worker(broker, name=name)
            process = process_context.__enter__()
            wait_until(
                lambda pk=report.pk: HighlightReport.objects.filter(pk=pk, status="ready").exists(),
                BOUND_SECONDS,
                0.2,
            )
            durations.append(time.monotonic() - killed_at)
            _assert_made_once(report, broker, mails_before=attempt)
    finally:
        process_context.__exit__(None, None, None)
    with capsys.disabled():
        figures = ", ".join(f"{duration:.1f} s" for duration in durations)
        print(f"\nSIGKILL to ready over {len(durations)} kills: {figures}")
    assert max(durations) < BOUND_SECONDS


def test_a_worker_under_another_name_notices_the_silent_heartbeat(broker, capsys):
    """No beat, and the new worker is not the dead one's successor: its periodic check finds the row."""
    quick = {"JOB_HEARTBEAT_SECONDS": "1", "JOB_STALE_AFTER_SECONDS": "6", "JOB_CHECK_SECONDS": "2"}
    with worker(broker, name=f"{broker['queue']}-a", **quick) as first:
        report = _distributed_report("nl")
        killed_at = _kill_while_rendering(first, report)
    with worker(broker, name=f"{broker['queue']}-b", **quick):
        wait_until(lambda: HighlightReport.objects.filter(pk=report.pk, status="ready").exists(), 60, 0.2)
        duration = time.monotonic() - killed_at
        _assert_made_once(report, broker, mails_before=0)
    with capsys.disabled():
        print(f"\nSIGKILL to ready through the heartbeat check: {duration:.1f} s")
    assert duration < BOUND_SECONDS
