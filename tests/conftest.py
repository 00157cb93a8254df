import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation
from pytest_django.plugin import blocking_manager_key

from pmo.reference_data import reference_data_install
from pmo.roles import Role
from tests.factories import user_with_role

ROOT = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


def pytest_ignore_collect(collection_path, config):
    """Benchmarks seed their database at scale L; only `make bench` (RUN_BENCHMARKS=1) collects them."""
    if "benchmarks" in collection_path.parts and os.environ.get("RUN_BENCHMARKS") != "1":
        return True
    return None


def pytest_sessionstart(session):
    if REQUIRE_SERVICES and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.exit("CI=true: the suite must run on PostgreSQL", returncode=3)


def require_or_skip(condition: bool, reason: str) -> None:
    """Skip locally when a service is missing; in CI a missing service is a failure."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"CI=true: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts on an installation with its reference data (roles, risk bands, checklists...).

    A transactional test (the browser, the Celery workers) empties every table when it ends, and
    --reuse-db keeps a database a previous run left emptied; the tests that follow would otherwise meet
    an installation where nothing counts as a high risk, and pass or fail by the order xdist hands out
    the files.
    """
    with django_db_blocker.unblock():
        reference_data_install()
    yield


def _empties_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    try:
        return (yield)
    finally:
        if _empties_the_database(item) and connection.settings_dict["NAME"].startswith("test"):
            with item.config.stash[blocking_manager_key].unblock():
                reference_data_install()


@pytest.fixture(autouse=True)
def site_language_after_each_test():
    """A request or an override left active by one test must not translate the next one's messages."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def postgres_only():
    require_or_skip(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def role_user(db):
    """Make a user holding one role: role_user(Role.FINANCE)."""

    def make(role: str, **kwargs):
        return user_with_role(role, **kwargs)

    return make


@pytest.fixture
def users(db) -> dict[str, object]:
    """One user per role, keyed by the role value."""
    return {role: user_with_role(role, username=f"as-{role}") for role in Role.values}


@pytest.fixture
def files_on_disk(settings, tmp_path):
    """Real files on a temporary MEDIA_ROOT: the test settings keep files in memory, which a test that
    serves an upload back through the file system or shares files with a worker process cannot use."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return settings.MEDIA_ROOT


@pytest.fixture
def celery_worker_process(transactional_db, settings, files_on_disk):
    """A real Celery worker on Redis, against this test's database, on a queue of its own."""
    redis_url = os.environ.get("TEST_REDIS_URL", "")
    require_or_skip(bool(redis_url), "needs Redis (TEST_REDIS_URL)")
    from pmo.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    database = connection.settings_dict
    env = {
        **os.environ,
        # The worker runs the production settings (files on disk, PBKDF2), not the suite's pmo.settings_test
        # that pytest put in the environment: a file it renders in memory would be lost to the test.
        "DJANGO_SETTINGS_MODULE": "pmo.settings",
        "DEBUG": "1",
        "CELERY_BROKER_URL": redis_url,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DATABASE_URL": _database_url(database),
        "EMAIL_URL": "consolemail://",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "pmo",
            "worker",
            "-Q",
            queue,
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    previous = dict((app.conf.broker_url and {"broker_url": app.conf.broker_url}) or {})
    app.conf.update(task_always_eager=False, broker_url=redis_url, task_default_queue=queue)
    app._pool = None
    # An eager .delay() earlier in the session (Celery acquires a producer even when eager)
    # cached a producer pool on the default broker; drop it or the ping never reaches Redis.
    app.amqp._producer_pool = None
    try:
        _wait_for_worker(app, queue, worker)
        yield worker
    finally:
        app.conf.update(task_always_eager=True, task_default_queue="celery", **previous)
        app._pool = None
        app.amqp._producer_pool = None
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


def _database_url(database: dict) -> str:
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{database['NAME']}"
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    user = database.get("USER") or "postgres"
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{database['NAME']}"


def _wait_for_worker(app, node: str, worker: subprocess.Popen, seconds: float = 30) -> None:
    """Wait until the worker named `node`@host answers a ping (it has connected and consumes)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"the Celery worker exited: {worker.stdout.read() if worker.stdout else ''}")
        replies = app.control.ping(destination=[f"{node}@{os.uname().nodename}"], timeout=0.5)
        if replies:
            return
    raise RuntimeError("the Celery worker did not answer in time")


def wait_until(predicate, seconds: float = 30, interval: float = 0.2):
    """Poll until predicate() is truthy; return its value or fail."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail("the condition was not met in time")
