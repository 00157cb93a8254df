"""A connector run is a job row (pmo.lib.jobs.Job): claimed once, fenced by its holder, re-queued when its
worker died, retried when it failed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pmo.lib.jobs import job_models, jobs_requeue_stale
from reporting.connectors.runs import sync_run_claim, sync_run_create, sync_run_execute
from reporting.models import Connector, SyncRun
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _run() -> SyncRun:
    return sync_run_create(connector=Connector.SERVICENOW, direction=SyncRun.Direction.PUSH)


def test_it_is_one_of_the_job_models_the_workers_sweep():
    assert SyncRun in job_models()


def test_a_run_is_claimed_by_one_worker_only():
    run = _run()

    first = sync_run_claim(run_id=run.pk, holder="node-a:1:aaaa")
    second = sync_run_claim(run_id=run.pk, holder="node-b:2:bbbb")

    assert first is not None and first.status == SyncRun.Status.RUNNING
    assert second is None
    run.refresh_from_db()
    assert (run.claimed_by, run.attempts) == ("node-a:1:aaaa", 1)


def test_a_worker_that_lost_the_run_cannot_write_its_outcome():
    run = _run()
    sync_run_claim(run_id=run.pk, holder="node-a:1:aaaa")

    assert not SyncRun.finish(run.pk, holder="node-b:2:bbbb", created_count=99)
    run.refresh_from_db()
    assert (run.status, run.created_count) == (SyncRun.Status.RUNNING, 0)


def test_a_run_whose_worker_died_is_queued_again_and_done(servicenow):
    ProjectFactory()
    run = _run()
    sync_run_claim(run_id=run.pk, holder="node-a:1:aaaa")
    long_ago = timezone.now() - timedelta(hours=1)
    SyncRun.objects.filter(pk=run.pk).update(heartbeat_at=long_ago, started_at=long_ago)

    requeued = jobs_requeue_stale()  # the eager test Celery runs the re-sent task at once

    assert requeued["reporting.SyncRun"] == [run.pk]
    run.refresh_from_db()
    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.attempts == 2 and run.recovered_at is not None
    assert len(servicenow.tables["pm_project"]) == 1


def test_a_live_run_is_left_alone():
    run = _run()
    sync_run_claim(run_id=run.pk, holder="node-a:1:aaaa")

    assert jobs_requeue_stale()["reporting.SyncRun"] == []
    run.refresh_from_db()
    assert run.status == SyncRun.Status.RUNNING


def test_a_finished_run_records_its_counts_and_frees_its_heartbeat(servicenow):
    ProjectFactory()
    run = _run()

    finished = sync_run_execute(run_id=run.pk)

    assert finished.status == SyncRun.Status.SUCCEEDED
    assert finished.created_count == 1
    assert finished.finished_at is not None and finished.heartbeat_at is None
    assert sync_run_execute(run_id=run.pk) is None  # a duplicated task does nothing twice


def test_a_failed_run_is_retried_and_a_finished_one_is_not(settings):
    settings.SERVICENOW = {**settings.SERVICENOW, "INSTANCE_URL": "http://127.0.0.1:9", "TIMEOUT": 1.0}
    failed = sync_run_execute(run_id=_run().pk)
    assert failed.status == SyncRun.Status.FAILED and failed.error

    assert SyncRun.retry(failed.pk)
    failed.refresh_from_db()
    assert (failed.status, failed.error) == (SyncRun.Status.QUEUED, "")

    done = _run()
    SyncRun.objects.filter(pk=done.pk).update(status=SyncRun.Status.SUCCEEDED)
    assert not SyncRun.retry(done.pk)
