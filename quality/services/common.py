"""Helpers shared by the quality services."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pmo.models import User


def save_checked(
    instance, *, actor: User | None, update_fields: list[str] | None = None, reason: str = ""
) -> None:
    """Validate and save an audited instance, recording who did it and why."""
    instance._history_user = actor
    if reason:
        instance._change_reason = reason
    instance.full_clean()
    instance.save(update_fields=update_fields)


def check_transition(*, current: str, target: str, transitions: dict[str, tuple[str, ...]]) -> None:
    if target not in transitions.get(current, ()):
        raise ValidationError(_("This step is not allowed from the current status."))
