"""Settings of the test suite: production settings with the slow parts swapped for fast equivalents.

pytest uses this module (pyproject.toml); the Celery worker that `celery_worker_process` starts runs on
`pmo.settings`, as in production. Nothing here changes behaviour a test asserts on: passwords are still
checked, files are still stored and read back, tasks still run (in-process, at `.delay()` time).
"""

from pmo.settings import *  # noqa: F403

# PBKDF2 costs about two seconds per factory user on a shared 2-core machine; MD5 costs nothing.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Files that no test reads from disk stay in memory. Tests that need real files (uploads served back,
# PDFs a worker process writes) ask for the `files_on_disk` fixture, which restores FileSystemStorage
# on a temporary MEDIA_ROOT.
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}

# Tasks run in-process unless a test starts a real worker (the fixture turns eager mode off for it).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
