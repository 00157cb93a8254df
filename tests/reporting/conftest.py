import pytest

from pmo.roles import Role
from projects.models import Phase, TaskKind
from reporting.connectors.http import RestClient
from tests.factories import (
    AssignmentFactory,
    ProjectFactory,
    ResourceFactory,
    TaskFactory,
    UserFactory,
    user_with_role,
)
from tests.reporting.fake_remotes import (
    D365_PROJECT,
    SUPPLY_CHAIN_PURCHASE_ORDER_ATTRIBUTES,
    DataverseHandler,
    FakeServer,
    ServiceNowHandler,
)


@pytest.fixture(autouse=True)
def media_in_tmp(files_on_disk):
    """Rendered PDFs go to a temporary MEDIA_ROOT (the worker fixture passes it on)."""
    return files_on_disk


@pytest.fixture(autouse=True)
def fresh_celery_producers():
    """Eager tasks still acquire a producer (Celery 5.3+), caching a pool bound to the empty broker URL;
    drop it so that a real worker fixture later in the session pings and sends through Redis."""
    from pmo.celery import app

    app.amqp._producer_pool = None
    app._pool = None


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    """Retries back off for real in production; in tests they must not slow the suite down."""
    monkeypatch.setattr(RestClient, "_backoff", staticmethod(lambda attempt: 0))


@pytest.fixture
def servicenow(settings):
    with FakeServer(ServiceNowHandler) as fake:
        settings.SERVICENOW = {
            "INSTANCE_URL": fake.url,
            "AUTH": "basic",
            "USERNAME": ServiceNowHandler.USER,
            "PASSWORD": ServiceNowHandler.PASSWORD,
            "CLIENT_ID": "",
            "CLIENT_SECRET": "",
            "PAGE_SIZE": 2,
            "TIMEOUT": 5.0,
            "MAX_RETRIES": 2,
        }
        yield fake


@pytest.fixture
def dataverse(settings):
    """Project Operations with the Supply Chain Management solution (vendors and purchase orders)."""
    with FakeServer(DataverseHandler) as fake:
        fake.metadata["msdyn_purchaseorders"]["attributes"] |= SUPPLY_CHAIN_PURCHASE_ORDER_ATTRIBUTES
        settings.DYNAMICS365 = {
            "ENVIRONMENT_URL": fake.url,
            "TOKEN_URL": f"{fake.url}/{DataverseHandler.TENANT}/oauth2/v2.0/token",
            "TENANT_ID": DataverseHandler.TENANT,
            "CLIENT_ID": DataverseHandler.CLIENT_ID,
            "CLIENT_SECRET": DataverseHandler.CLIENT_SECRET,
            "PAGE_SIZE": 2,
            "TIMEOUT": 5.0,
            "MAX_RETRIES": 2,
            "EDITION": ["project_operations", "supply_chain"],
        }
        yield fake


@pytest.fixture
def time_dataverse(dataverse, settings):
    """The Dataverse fake with time entries pulled and the other entity sets empty."""
    settings.DYNAMICS365 = {**settings.DYNAMICS365, "TIME_ENTRIES": True}
    for entity_set in ("opportunities", "msdyn_vendors", "msdyn_purchaseorders", "msdyn_actuals"):
        dataverse.tables[entity_set] = []
    return dataverse


@pytest.fixture
def plan(time_dataverse):
    """A project of ours linked to a Dynamics project, a person and a task known on both sides by name."""
    pm = user_with_role(Role.PROJECT_MANAGER)
    project = ProjectFactory(phase=Phase.EXECUTION, project_manager=pm)
    technician = UserFactory()
    resource = ResourceFactory(user=technician, name="Jan Peeters")
    task = TaskFactory(project=project, kind=TaskKind.INSTALLATION, name="Install switches", wbs_code="1.2")
    AssignmentFactory(task=task, resource=resource)
    time_dataverse.tables["msdyn_projects"] = [
        {
            "msdyn_projectid": D365_PROJECT,
            "msdyn_subject": f"{project.code} Campus refresh",
            "modifiedon": "2027-02-01T10:00:00Z",
        }
    ]
    return {"project": project, "resource": resource, "task": task, "technician": technician, "pm": pm}
