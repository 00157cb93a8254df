"""Reads of the core app: users by role, change history of any audited object."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Model, QuerySet

from pmo.models import CompanyProfile, User


def user_list_with_role(*, role: str) -> QuerySet[User]:
    """Active users holding a role, for choosers."""
    return (
        User.objects.filter(is_active=True, groups__name=role).order_by("display_name", "username").distinct()
    )


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: object
    new: object


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: User | None
    kind: str
    reason: str
    changes: list[FieldChange]


def history_for(*, obj: Model, limit: int = 50) -> list[HistoryEntry]:
    """The change history of an audited object, newest first, in two queries."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    entries = []
    for record, previous in zip(records, [*records[1:], None], strict=False):
        if len(entries) == limit:
            break
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            model = type(obj)
            changes = [
                FieldChange(
                    field=str(model._meta.get_field(change.field).verbose_name),
                    old=change.old,
                    new=change.new,
                )
                for change in delta.changes
            ]
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=record.history_user,
                kind=record.get_history_type_display(),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def company_profile_get() -> CompanyProfile | None:
    """The installation's company profile, or None while the administrator has not filled it in."""
    return CompanyProfile.objects.first()
