"""What /healthz reports: the database, the broker and the workers."""

from django.conf import settings
from django.db import connection


def database_state() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"state": "ok", "vendor": connection.vendor}
    except Exception as error:
        return {"state": "down", "error": error.__class__.__name__}


def broker_state() -> dict:
    if not settings.CELERY_BROKER_URL:
        return {"state": "in-process", "workers": 0}
    from pmo.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:
        return {"state": "down", "error": error.__class__.__name__, "workers": 0}
    try:
        replies = app.control.ping(timeout=1.0) or []
    except Exception:
        replies = []
    return {"state": "ok", "workers": len(replies)}


def queue_state() -> dict:
    """How long the oldest queued job (any pmo.lib.jobs.Job model) has been waiting, in seconds."""
    from pmo.lib.jobs import jobs_oldest_queued_age

    try:
        return {"oldest_queued_seconds": jobs_oldest_queued_age()}
    except Exception as error:
        return {"oldest_queued_seconds": None, "error": error.__class__.__name__}


def health_report() -> dict:
    database, broker = database_state(), broker_state()
    healthy = database["state"] == "ok" and broker["state"] != "down"
    report = {"status": "ok" if healthy else "degraded", "database": database, "broker": broker}
    if database["state"] == "ok":
        report["jobs"] = queue_state()
    return report
