"""Read replicas for dashboards: reads go to the replica only inside `replica_reads`, when one is set.

`DATABASE_REPLICA_URL` adds the `replica` connection (docs/scaling.md). Everything else (every write,
every read of a form that is about to be saved, every page a user expects to show what they just did)
stays on the primary. A dashboard is a report over the whole portfolio, read-only, for which a replica's
second of lag does not matter: its view is wrapped with `@replica_reads`.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings

REPLICA = "replica"
_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Send the reads made inside the block to the replica (when DATABASE_REPLICA_URL is set)."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def replica_view(view: Callable) -> Callable:
    """Run a read-only view's queries on the replica."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Primary for writes, migrations and ordinary reads; the replica for reads inside `replica_reads`."""

    def db_for_read(self, model, **hints) -> str | None:
        if _reading_from_replica.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None  # Django's choice: the primary, or the database an instance came from

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica is a copy of the primary: the same rows on both sides

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db != REPLICA
