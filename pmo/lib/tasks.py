"""Celery task presets: one definition of how each kind of task retries, used as `@shared_task(**PRESET)`.

Every task is thin (load the row, call a service) and idempotent, and is acknowledged after it ran
(CELERY_TASK_ACKS_LATE), so that a worker lost mid-task gives the task to another worker.
"""

# Talks to a mail server or another service over the network: a network error is retried with an
# exponential back-off, five times. `bind` gives the task its `self` (for `self.request` in logs).
NETWORK_RETRY: dict = {"bind": True, "autoretry_for": (OSError,), "retry_backoff": True, "max_retries": 5}

# Runs from Celery beat on a schedule: no retry, the next run does the work.
SCHEDULED: dict = {"bind": True}
