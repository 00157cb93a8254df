import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Rendered PDFs go to a temporary MEDIA_ROOT (the worker fixture passes it on)."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fresh_celery_producers():
    """Eager tasks still acquire a producer (Celery 5.3+), caching a pool bound to the empty broker URL;
    drop it so that a real worker fixture later in the session pings and sends through Redis."""
    from pmo.celery import app

    app.amqp._producer_pool = None
    app._pool = None
