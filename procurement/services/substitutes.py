"""Substitute approvers: who approves in a person's place while they are away."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save, history_stamp
from pmo.models import User
from procurement.models import ApproverSubstitute


@transaction.atomic
def approver_substitute_create(
    *, absent: User, substitute: User, starts_on: datetime.date, ends_on: datetime.date, note: str = ""
) -> ApproverSubstitute:
    """Name a substitute for a period; the substitute may then approve the steps the absent person could."""
    if substitute.pk == absent.pk:
        raise ValidationError(_("Name someone else as your substitute."))
    if not substitute.is_active:
        raise ValidationError(_("This person can no longer sign in."))
    if ends_on < starts_on:
        raise ValidationError(_("The end date cannot be before the start date."))
    entry = ApproverSubstitute(
        absent=absent, substitute=substitute, starts_on=starts_on, ends_on=ends_on, note=note
    )
    audited_save(entry, actor=absent)
    return entry


@transaction.atomic
def approver_substitute_delete(*, entry: ApproverSubstitute, actor: User) -> None:
    """Withdraw a substitute (only the person who named them)."""
    if entry.absent_id != actor.pk:
        raise ValidationError(_("Only the person who named a substitute can withdraw them."))
    history_stamp(entry, actor=actor)
    entry.delete()
