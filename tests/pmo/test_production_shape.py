"""Health probes, request logs and the job rows' claim, fence and recovery (issue 20)."""

import json
import logging
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from pmo.lib.jobs import jobs_oldest_queued_age, jobs_requeue_stale
from reporting import services
from reporting.models import HighlightReport
from reporting.selectors import last_week_start
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
Status = HighlightReport.Status


@pytest.fixture
def production(settings):
    settings.ALLOWED_HOSTS = ["pmo.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    settings.DEBUG = False


def test_a_local_probe_gets_the_health_report_whatever_the_allowed_hosts_and_https_say(production):
    response = Client(REMOTE_ADDR="127.0.0.1").get("/healthz", HTTP_HOST="127.0.0.1:8000")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["jobs"] == {"oldest_queued_seconds": None}


def test_a_probe_from_elsewhere_meets_the_host_check_and_the_https_redirect(production):
    outsider = Client(REMOTE_ADDR="203.0.113.9")

    assert outsider.get("/healthz", HTTP_HOST="127.0.0.1:8000").status_code == 400
    assert outsider.get("/healthz", HTTP_HOST="pmo.example.com").status_code == 301


def test_only_get_and_head_are_answered_early(production):
    response = Client(REMOTE_ADDR="127.0.0.1").post("/healthz", HTTP_HOST="127.0.0.1:8000")

    assert response.status_code == 400  # the normal path: DisallowedHost


def _report(status=Status.QUEUED, **fields) -> HighlightReport:
    project = ProjectFactory(phase="execution")
    snapshot = services.snapshot_take(project=project, week_start=last_week_start())
    return HighlightReport.objects.create(
        project=project,
        period_start=snapshot.week_start,
        period_end=snapshot.week_start + timedelta(days=6),
        audience="internal",
        language="en",
        snapshot=snapshot,
        status=status,
        **fields,
    )


def test_healthz_reports_the_age_of_the_oldest_queued_job(client):
    _report(queued_at=timezone.now() - timedelta(minutes=7))
    _report(queued_at=timezone.now() - timedelta(minutes=2))
    _report(status=Status.FAILED, queued_at=timezone.now() - timedelta(hours=5))

    age = client.get("/healthz").json()["jobs"]["oldest_queued_seconds"]

    assert 7 * 60 <= age < 8 * 60
    assert jobs_oldest_queued_age() >= age


def test_a_claim_is_exclusive_and_only_its_holder_may_finish():
    report = _report()

    assert HighlightReport.claim(report.pk, holder="a@node:1:x") is True
    assert HighlightReport.claim(report.pk, holder="b@node:2:y") is False
    assert HighlightReport.finish(report.pk, holder="b@node:2:y") is False
    assert HighlightReport.fail(report.pk, holder="b@node:2:y", error="no") is False
    report.refresh_from_db()
    assert (report.status, report.claimed_by, report.attempts) == (Status.RENDERING, "a@node:1:x", 1)

    assert HighlightReport.finish(report.pk, holder="a@node:1:x") is True
    report.refresh_from_db()
    assert report.status == Status.READY


def test_a_silent_holder_loses_the_job_and_cannot_overwrite_its_successor(settings, monkeypatch):
    sent = []
    monkeypatch.setattr(HighlightReport, "on_requeued", classmethod(lambda cls, pks: sent.extend(pks)))
    report = _report()
    HighlightReport.claim(report.pk, holder="dead@node:1:x")
    alive = _report()
    HighlightReport.claim(alive.pk, holder="alive@node:2:y")
    silent_since = timezone.now() - timedelta(seconds=settings.JOB_STALE_AFTER_SECONDS + 1)
    HighlightReport.objects.filter(pk=report.pk).update(heartbeat_at=silent_since)

    requeued = {model: pks for model, pks in jobs_requeue_stale().items() if pks}  # every job model answers
    assert requeued == {"reporting.HighlightReport": [report.pk]}

    assert sent == [report.pk]
    report.refresh_from_db()
    assert (report.status, report.claimed_by) == (Status.QUEUED, "")
    assert report.is_being_retried
    assert HighlightReport.objects.get(pk=alive.pk).status == Status.RENDERING
    HighlightReport.claim(report.pk, holder="next@node:3:z")
    assert HighlightReport.finish(report.pk, holder="dead@node:1:x") is False


def test_a_restarted_node_takes_back_what_its_previous_life_held(monkeypatch):
    monkeypatch.setattr(HighlightReport, "on_requeued", classmethod(lambda cls, pks: None))
    report = _report()
    HighlightReport.claim(report.pk, holder="celery@web-1:7:x")
    other = _report()
    HighlightReport.claim(other.pk, holder="celery@web-2:7:x")

    requeued = HighlightReport.requeue_stale(
        holder_prefix="celery@web-1:", started_before=timezone.now() + timedelta(seconds=1)
    )

    assert requeued == [report.pk]
    assert HighlightReport.objects.get(pk=other.pk).status == Status.RENDERING


def test_a_job_that_kills_its_worker_again_and_again_fails_for_good(monkeypatch):
    monkeypatch.setattr(HighlightReport, "on_requeued", classmethod(lambda cls, pks: None))
    report = _report(status=Status.RENDERING, attempts=HighlightReport.max_attempts, claimed_by="x@y:1:z")
    HighlightReport.objects.filter(pk=report.pk).update(started_at=timezone.now() - timedelta(hours=1))

    assert HighlightReport.requeue_stale() == []

    report.refresh_from_db()
    assert report.status == Status.FAILED
    assert "3" in report.error


def test_the_page_says_a_report_is_being_retried_after_a_failure(client):
    report = _report(status=Status.QUEUED, recovered_at=timezone.now(), attempts=1)
    manager = report.project.project_manager
    manager.preferred_language = "nl"
    manager.save(update_fields=["preferred_language"])
    client.force_login(manager)

    page = client.get(report.get_absolute_url())

    assert page.status_code == 200
    assert "wordt opnieuw geprobeerd" in page.text


def test_every_request_is_one_log_line_with_user_path_status_and_duration(client, caplog):
    report = _report()
    user = report.project.project_manager
    client.force_login(user)

    with caplog.at_level(logging.INFO, logger="pmo.requests"):
        client.get(report.get_absolute_url())
        client.get("/does-not-exist/")

    records = [record for record in caplog.records if record.name == "pmo.requests"]
    assert [(r.path, r.status, r.user_id) for r in records] == [
        (report.get_absolute_url(), 200, user.pk),
        ("/does-not-exist/", 404, user.pk),
    ]
    assert all(record.duration_ms >= 0 for record in records)


def test_the_json_formatter_writes_the_request_fields(settings):
    from pythonjsonlogger.json import JsonFormatter

    options = settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(**{key: value for key, value in options.items() if key != "()"})
    record = logging.LogRecord("pmo.requests", logging.INFO, __file__, 1, "GET / 200", None, None)
    record.__dict__.update(path="/", status=200, user_id=4, duration_ms=12.5)

    line = json.loads(formatter.format(record))

    assert (line["logger"], line["path"], line["status"], line["user_id"]) == ("pmo.requests", "/", 200, 4)
