"""Scaling out (docs/scaling.md): each switch is a setting that really changes what the app does."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from pmo.lib import db as replica_db
from pmo.roles import Role
from projects.models import Project
from tests.factories import user_with_role

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
from pmo.celery import app
router = app.amqp.router
storage = storages["default"]
print(json.dumps({
    "databases": sorted(settings.DATABASES),
    "replica": settings.DATABASES.get("replica", {}).get("HOST"),
    "replica_test": settings.DATABASES.get("replica", {}).get("TEST"),
    "storage": type(storage).__module__ + "." + type(storage).__name__,
    "bucket": getattr(storage, "bucket_name", None),
    "url": storage.url("documents/plan.pdf"),
    "queues": {
        name: router.route({}, name)["queue"].name
        for name in ("reporting.tasks.highlight_report_render_task", "reporting.tasks.connector_run_task",
                     "procurement.tasks.purchase_order_email_task")
    },
    "cursor_options": settings.DATABASES["default"].get("OPTIONS", {}).get("options"),
}))
"""


def probe(**env: str) -> dict:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "CELERY_"))}
    clean.pop("DATABASE_REPLICA_URL", None)
    clean.pop("STORAGE_BACKEND", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "pmo.settings",
            "DEBUG": "1",
            "DATABASE_URL": "postgres://pmo@primary.internal:5432/pmo",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_runs_on_one_machine_by_default():
    values = probe()
    assert values["databases"] == ["default"]
    assert values["storage"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert set(values["queues"].values()) == {"celery"}
    assert values["cursor_options"] == "-c cursor_tuple_fraction=1"


def test_it_adds_a_read_replica_that_tests_mirror_onto_the_primary():
    values = probe(DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/pmo")
    assert values["databases"] == ["default", "replica"]
    assert values["replica"] == "replica.internal"
    assert values["replica_test"]["MIRROR"] == "default"


def test_it_stores_uploads_in_private_object_storage():
    values = probe(
        STORAGE_BACKEND="s3",
        AWS_STORAGE_BUCKET_NAME="pmo-documents",
        AWS_S3_ENDPOINT_URL="https://s3.example.com",
        AWS_S3_REGION_NAME="eu-west-1",
        AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
        AWS_SECRET_ACCESS_KEY="secret-example",
    )
    assert values["storage"] == "storages.backends.s3.S3Storage"
    assert values["bucket"] == "pmo-documents"
    # Private objects: every URL is signed and expires (nobody reads a document without the app).
    assert values["url"].startswith("https://s3.example.com/pmo-documents/documents/plan.pdf?")
    assert "Signature=" in values["url"] or "X-Amz-Signature=" in values["url"]


def test_it_refuses_an_unknown_storage_backend():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "pmo.settings", "DEBUG": "1", "STORAGE_BACKEND": "ftp"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "STORAGE_BACKEND" in result.stderr


def test_it_routes_reports_and_connectors_to_their_own_queues():
    values = probe(CELERY_REPORTS_QUEUE="reports", CELERY_CONNECTORS_QUEUE="connectors")
    assert values["queues"] == {
        "reporting.tasks.highlight_report_render_task": "reports",
        "reporting.tasks.connector_run_task": "connectors",
        "procurement.tasks.purchase_order_email_task": "celery",
    }


def test_the_router_reads_from_the_replica_only_inside_replica_reads():
    router = replica_db.ReplicaRouter()
    replica = {**connection.settings_dict, "TEST": {"MIRROR": "default"}}
    with override_settings(DATABASES={"default": connection.settings_dict, "replica": replica}):
        assert router.db_for_read(Project) is None
        with replica_db.replica_reads():
            assert router.db_for_read(Project) == "replica"
            assert router.db_for_write(Project) == "default"
        assert router.db_for_read(Project) is None
    with replica_db.replica_reads():  # no replica configured: the primary answers
        assert router.db_for_read(Project) is None
    assert router.allow_migrate("replica", "projects") is False
    assert router.allow_migrate("default", "projects") is True


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "role", "on_replica"),
    [
        ("/reporting/portfolio/", Role.HEAD_OF_PM, True),
        ("/reporting/finance/", Role.FINANCE, True),
        ("/procurement/portfolio/", Role.FINANCE, True),
        ("/projects/", Role.HEAD_OF_PM, False),
    ],
)
def test_dashboards_read_through_the_replica_and_lists_do_not(client, monkeypatch, url, role, on_replica):
    seen: list[bool] = []
    original = replica_db.ReplicaRouter.db_for_read

    def spy(self, model, **hints):
        seen.append(replica_db._reading_from_replica.get())
        return original(self, model, **hints)

    monkeypatch.setattr(replica_db.ReplicaRouter, "db_for_read", spy)
    client.force_login(user_with_role(role))
    assert client.get(url).status_code == 200
    assert seen and any(seen) is on_replica
