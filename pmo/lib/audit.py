"""Saving audited business records: one place that records who changed what, and why."""

from django.db.models import Model

from pmo.models import User

# django-simple-history keeps the reason in a 100-character column.
CHANGE_REASON_MAX_LENGTH = 100


def audited_save(
    instance: Model,
    *,
    actor,
    update_fields: list[str] | None = None,
    reason: str = "",
    exclude: list[str] | None = None,
) -> None:
    """Validate and save `instance`, recording `actor` and `reason` in its history."""
    history_stamp(instance, actor=actor, reason=reason)
    instance.full_clean(exclude=exclude)
    instance.save(update_fields=update_fields)


def history_stamp(instance: Model, *, actor: User | None, reason: str = "") -> None:
    """Name who makes the next save of `instance` (and why) in the history row it writes.

    django-simple-history reads these two attributes off the instance when it saves; the model classes do
    not declare them, so they are set here, in the one place that knows their names."""
    setattr(instance, "_history_user", actor)  # noqa: B010
    if reason:
        setattr(instance, "_change_reason", reason[:CHANGE_REASON_MAX_LENGTH])  # noqa: B010
