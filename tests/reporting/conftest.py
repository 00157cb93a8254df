import pytest

from reporting.connectors.http import RestClient
from tests.reporting.fake_remotes import (
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
