"""The connector tasks on a real Celery worker, and the scheduled entry points."""

import pytest

from reporting.connector_tasks import dynamics_pull_task, servicenow_push_task
from reporting.connectors.runs import sync_run_queue
from reporting.models import Connector, D365Opportunity, D365TimeEntry, SyncRun
from tests.conftest import wait_until
from tests.factories import ProjectFactory, ResourceFactory, TaskFactory
from tests.reporting.fake_remotes import DataverseHandler, FakeServer
from tests.reporting.test_d365_time_entries import D365_PROJECT, entry_row
from tests.reporting.test_dynamics import opportunity


@pytest.fixture
def dataverse_for_worker(monkeypatch):
    """A Web API server the worker process reaches, configured through its environment."""
    with FakeServer(DataverseHandler) as fake:
        monkeypatch.setenv("D365_ENVIRONMENT_URL", fake.url)
        monkeypatch.setenv("D365_TOKEN_URL", f"{fake.url}/{DataverseHandler.TENANT}/oauth2/v2.0/token")
        monkeypatch.setenv("D365_CLIENT_ID", DataverseHandler.CLIENT_ID)
        monkeypatch.setenv("D365_CLIENT_SECRET", DataverseHandler.CLIENT_SECRET)
        yield fake


@pytest.mark.worker
def test_a_worker_pulls_from_dynamics(dataverse_for_worker, celery_worker_process, postgres_only):
    for entity_set in ("msdyn_projects", "msdyn_vendors", "msdyn_purchaseorders", "msdyn_actuals"):
        dataverse_for_worker.tables[entity_set] = []
    dataverse_for_worker.tables["opportunities"] = [opportunity(n, f"2026-11-0{n}T08:00:00Z") for n in (1, 2)]

    run = sync_run_queue(connector=Connector.DYNAMICS365)

    finished = wait_until(lambda: SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.SUCCEEDED).first())
    assert finished.created_count == 2
    assert D365Opportunity.objects.count() == 2


@pytest.fixture
def time_entries_on(monkeypatch):
    """Read by the worker process when it starts: comes before the worker fixture."""
    monkeypatch.setenv("D365_TIME_ENTRIES", "1")


@pytest.mark.worker
def test_a_worker_pulls_approved_time_entries(
    dataverse_for_worker, time_entries_on, celery_worker_process, postgres_only
):
    from projects.models import ApprovalTrack, TimesheetEntry

    project = ProjectFactory()
    ResourceFactory(name="Jan Peeters")
    TaskFactory(project=project, name="Install switches", wbs_code="1.2")
    for entity_set in ("opportunities", "msdyn_vendors", "msdyn_purchaseorders", "msdyn_actuals"):
        dataverse_for_worker.tables[entity_set] = []
    dataverse_for_worker.tables["msdyn_projects"] = [
        {"msdyn_projectid": D365_PROJECT, "msdyn_subject": project.code, "modifiedon": "2027-02-01T10:00:00Z"}
    ]
    dataverse_for_worker.tables["msdyn_timeentries"] = [entry_row(1), entry_row(2, status=192350000)]

    run = sync_run_queue(connector=Connector.DYNAMICS365)

    finished = wait_until(lambda: SyncRun.objects.filter(pk=run.pk, status=SyncRun.Status.SUCCEEDED).first())
    assert finished.details["entities"]["time_entries"]["created"] == 1
    assert D365TimeEntry.objects.count() == 2
    entry = TimesheetEntry.objects.get()
    assert (entry.timesheet.track, str(entry.hours)) == (ApprovalTrack.DYNAMICS365, "8.00")


@pytest.mark.django_db
def test_the_schedule_creates_a_run_and_does_it(servicenow):
    ProjectFactory()

    assert servicenow_push_task() == SyncRun.Status.SUCCEEDED
    assert SyncRun.objects.get().requested_by is None
    assert len(servicenow.tables["pm_project"]) == 1


@pytest.mark.django_db
def test_the_schedule_does_not_pile_up_behind_a_running_run():
    SyncRun.objects.create(
        connector=Connector.DYNAMICS365, direction=SyncRun.Direction.PULL, status=SyncRun.Status.RUNNING
    )

    assert dynamics_pull_task() is None
    assert SyncRun.objects.count() == 1


@pytest.mark.django_db
def test_a_failing_connector_is_recorded_and_does_not_raise(settings):
    settings.DYNAMICS365 = {**settings.DYNAMICS365, "ENVIRONMENT_URL": "http://127.0.0.1:9", "TIMEOUT": 1.0}

    # The metadata check comes first: unreachable, the run fails before it pulls anything.
    assert dynamics_pull_task() == SyncRun.Status.FAILED
    run = SyncRun.objects.get()
    assert run.error.startswith("unreachable") and not D365Opportunity.objects.exists()
