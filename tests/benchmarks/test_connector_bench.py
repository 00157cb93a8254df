"""Connectors at scale: pushing 2,000 projects (scale L) to a local Table API, then a run with nothing new."""

import time

import pytest
from django.db import connection

from pmo.roles import Role
from projects.models import Project
from reporting.connectors.http import RestClient
from reporting.connectors.runs import sync_run_create, sync_run_execute
from reporting.models import Connector, SyncRun
from tests.factories import CustomerFactory, user_with_role
from tests.reporting.fake_remotes import FakeServer, ServiceNowHandler

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db, pytest.mark.usefixtures("postgres_only")]

PROJECTS = 2000


def push() -> tuple[SyncRun, float, int]:
    run = sync_run_create(connector=Connector.SERVICENOW, direction=SyncRun.Direction.PUSH)
    started = time.perf_counter()
    queries = []
    # A counting wrapper: connection.queries keeps only the last 9,000 queries.
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        run = sync_run_execute(run_id=run.pk)
    return run, time.perf_counter() - started, len(queries)


def test_servicenow_push_at_scale_l(settings, monkeypatch):
    monkeypatch.setattr(RestClient, "_backoff", staticmethod(lambda attempt: 0))
    customer, manager = CustomerFactory(), user_with_role(Role.PROJECT_MANAGER)
    Project.objects.bulk_create(
        Project(code=f"P-1999-{n:04d}", name=f"Project {n}", customer=customer, project_manager=manager)
        for n in range(PROJECTS)
    )
    with FakeServer(ServiceNowHandler) as fake:
        settings.SERVICENOW = {
            **settings.SERVICENOW,
            "INSTANCE_URL": fake.url,
            "AUTH": "basic",
            "USERNAME": ServiceNowHandler.USER,
            "PASSWORD": ServiceNowHandler.PASSWORD,
        }
        first, first_seconds, first_queries = push()
        calls_after_first = len(fake.requests_log)
        writes_after_first = len(fake.writes())
        second, second_seconds, second_queries = push()

    print(
        f"\nServiceNow push, {PROJECTS} projects: first run {first_seconds:.1f} s, "
        f"{calls_after_first} HTTP calls, {first_queries} queries; unchanged run {second_seconds:.2f} s, "
        f"{len(fake.requests_log) - calls_after_first} HTTP calls, {second_queries} queries"
    )
    assert first.created_count == PROJECTS and first.failed_count == 0
    # The unchanged run only reads the dictionary (the mapping check, a page per table): no writes.
    assert second.skipped_count == PROJECTS and len(fake.writes()) == writes_after_first
    assert len(fake.requests_log) - calls_after_first < 20
    assert second_queries < 50  # the unchanged run reads in chunks; it writes nothing per project
