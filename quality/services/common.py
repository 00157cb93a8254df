"""Helpers shared by the quality services."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def check_transition(*, current: str, target: str, transitions: dict[str, tuple[str, ...]]) -> None:
    if target not in transitions.get(current, ()):
        raise ValidationError(_("This step is not allowed from the current status."))
