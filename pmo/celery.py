"""The Celery application; configuration comes from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.settings")

app = Celery("pmo")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(related_name="connector_tasks")

# Every worker takes back the jobs of dead workers (pmo.lib.jobs), with or without beat.
import pmo.lib.job_worker  # noqa: E402, F401
