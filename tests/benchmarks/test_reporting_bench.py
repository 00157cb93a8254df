"""Reporting at scale: dashboards at L (pinned queries, timed), one report's render time and the
weekly batch's throughput with one and two real workers at M. Run with `make bench`."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pmo.models import User
from pmo.roles import Role
from pmo.seeding import run_seed
from projects.models import Project
from reporting import services
from reporting.models import DistributionRecipient, HighlightReport
from reporting.rendering import highlight_report_pdf
from reporting.selectors import last_week_start
from tests.conftest import ROOT, _database_url, _wait_for_worker, wait_until

pytestmark = [pytest.mark.benchmark, pytest.mark.usefixtures("postgres_only")]

# Query counts of each dashboard, pinned: they must not grow with the portfolio.
DASHBOARDS = {
    "/reporting/portfolio/": ("pmo", 30),
    "/reporting/portfolio/?rag=red&sort=-budget": ("pmo", 30),
    "/reporting/portfolio/?phase=execution&page=3": ("head", 30),
    "/reporting/finance/": ("finance", 20),
    "/reporting/finance/?sort=-budget": ("finance", 20),
}


def _timed_get(client, url: str) -> tuple[int, float, int]:
    client.get(url)  # warm caches of the first request
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, url
    return len(queries.captured_queries), elapsed, response


@pytest.mark.django_db
def test_dashboards_at_scale_l(client):
    run_seed(scale="L", stdout=StringIO())
    assert HighlightReport.objects.count() == 4000
    manager = (
        User.objects.filter(groups__name=Role.PROJECT_MANAGER)
        .annotate(projects=Count("managed_projects"))
        .order_by("-projects")
        .first()
    )
    pages = dict(DASHBOARDS)
    for url, (username, limit) in pages.items():
        client.force_login(User.objects.get(username=username))
        count, elapsed, _response = _timed_get(client, url)
        print(f"{count:3d} queries {elapsed:7.1f} ms  {url} as {username}")
        assert count <= limit, url
    client.force_login(manager)
    count, elapsed, _response = _timed_get(client, "/reporting/mine/")
    print(f"{count:3d} queries {elapsed:7.1f} ms  /reporting/mine/ ({manager.projects} projects)")
    assert count <= 30


def _extra_worker(queue: str) -> subprocess.Popen:
    """A second worker on the fixture's queue, with the same environment."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pmo.settings",
        "DEBUG": "1",
        "CELERY_BROKER_URL": os.environ["TEST_REDIS_URL"],
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "EMAIL_URL": "consolemail://",
        "MEDIA_ROOT": os.environ.get("MEDIA_ROOT", ""),
    }
    command = [sys.executable, "-m", "celery", "-A", "pmo", "worker", "-Q", queue, "--pool", "solo"]
    command += ["--loglevel", "WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"]
    command += ["-n", f"{queue}-2@%h"]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _batch(today) -> tuple[int, float]:
    started = time.perf_counter()
    queued = services.weekly_batch_run(today=today)
    period = last_week_start(today)
    wait_until(
        lambda: (
            not HighlightReport.objects.filter(
                period_start=period, status__in=["queued", "rendering"]
            ).exists()
        ),
        seconds=900,
        interval=0.5,
    )
    assert not HighlightReport.objects.filter(period_start=period, status="failed").exists()
    return len(queued), time.perf_counter() - started


@pytest.fixture
def media_in_tmp(files_on_disk, monkeypatch):
    monkeypatch.setenv("MEDIA_ROOT", files_on_disk)


def _tasks_done(app, node: str) -> int:
    """How many tasks the worker `node`@host has run since it started (its own counter)."""
    name = f"{node}@{os.uname().nodename}"
    stats = app.control.inspect(destination=[name], timeout=2).stats() or {}
    return sum(stats.get(name, {}).get("total", {}).values())


@pytest.mark.worker
def test_render_time_and_batch_throughput_at_scale_m(media_in_tmp, celery_worker_process):
    from pmo.celery import app

    run_seed(scale="M", stdout=StringIO())
    # The batch covers 100 active projects, one internal report each, so that both runs stay short;
    # no distribution list, so the console mail backend does not fill the worker's stdout pipe.
    active = Project.objects.exclude(phase__in=["handed_over", "cancelled"]).order_by("pk")
    Project.objects.filter(pk__in=list(active.values_list("pk", flat=True)[100:])).update(phase="cancelled")
    DistributionRecipient.objects.all().delete()
    project = active.first()
    report = services.highlight_report_request(
        project=project, actor=None, audience="internal", language="fr", period_start=last_week_start()
    )
    report = HighlightReport.objects.select_related("project", "snapshot", "progress_update").get(
        pk=report.pk
    )
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        highlight_report_pdf(report=report)
        timings.append(time.perf_counter() - started)
    median = sorted(timings)[2]
    print(f"render one report: median {median * 1000:.0f} ms (5 runs)")
    assert median < 5, "one highlight report must render in well under the batch's per-report budget"

    today = timezone.localdate() + timedelta(weeks=1)
    count, seconds = _batch(today)
    print(f"batch, 1 worker:  {count} reports in {seconds:.1f} s = {count / seconds:.2f} reports/s")
    assert count == 100
    queue = app.conf.task_default_queue
    second = _extra_worker(queue)
    try:
        _wait_for_worker(app, f"{queue}-2", second)
        count, seconds = _batch(today + timedelta(weeks=1))
        print(f"batch, 2 workers: {count} reports in {seconds:.1f} s = {count / seconds:.2f} reports/s")
        assert count == 100
        # The batch is split between the workers: a lock or a single queue consumer would leave one idle.
        assert _tasks_done(app, f"{queue}-2") > 0
    finally:
        second.terminate()
        second.wait(timeout=10)
