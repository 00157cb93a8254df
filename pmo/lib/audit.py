"""Saving audited business records: one place that records who changed what, and why."""

from django.db.models import Model

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
    instance._history_user = actor
    if reason:
        instance._change_reason = reason[:CHANGE_REASON_MAX_LENGTH]
    instance.full_clean(exclude=exclude)
    instance.save(update_fields=update_fields)
