"""Reads of the core app: users by role, change history of any audited object."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from simple_history.utils import get_history_manager_for_model

from pmo.lib.fields import model_column
from pmo.lib.money import MoneyField, money_format
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
    """The change history of an audited object, newest first, in two queries (plus one per linked model).

    Each change names the field by its label and shows values as the pages do: status labels rather than
    codes, the linked object rather than its id, dates and amounts in the reader's locale.
    """
    history = get_history_manager_for_model(obj)
    records = list(
        history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    model = type(obj)
    deltas = {}
    for record, previous in zip(records[:limit], [*records[1:], None], strict=False):
        if previous is not None and record.history_type == "~":
            deltas[record.pk] = record.diff_against(previous).changes
    shown = _HistoryValues(model, [change for changes in deltas.values() for change in changes])
    return [
        HistoryEntry(
            when=record.history_date,
            who=record.history_user,
            kind=record.get_history_type_display(),
            reason=record.history_change_reason or "",
            changes=[
                FieldChange(
                    field=str(capfirst(model_column(model, change.field).verbose_name)),
                    old=shown(change.field, change.old),
                    new=shown(change.field, change.new),
                )
                for change in deltas.get(record.pk, [])
            ],
        )
        for record in records[:limit]
    ]


class _HistoryValues:
    """Turns stored values into what a reader understands; linked objects are fetched once per model."""

    def __init__(self, model: type[Model], changes: list) -> None:
        self.model = model
        wanted: dict[type[Model], set] = {}
        for change in changes:
            field = model._meta.get_field(change.field)
            if (field.many_to_one or field.one_to_one) and field.related_model is not None:
                wanted.setdefault(field.related_model, set()).update(
                    value for value in (change.old, change.new) if value not in (None, "")
                )
        self.related = {
            related: related._base_manager.in_bulk(list(ids)) for related, ids in wanted.items() if ids
        }

    def __call__(self, name: str, value) -> str:
        if value is None or value == "":
            return ""
        field = model_column(self.model, name)
        if field.is_relation and field.related_model is not None:
            found = self.related.get(field.related_model, {}).get(value)
            return str(found) if found is not None else str(value)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.BooleanField):
            return gettext("Yes") if value else gettext("No")
        if isinstance(field, MoneyField):
            return money_format(value)
        if isinstance(value, Decimal | float):
            return number_format(value, force_grouping=True)
        if isinstance(value, datetime):
            return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
        if isinstance(value, date):
            return date_format(value, "SHORT_DATE_FORMAT")
        return str(value)


def company_profile_get() -> CompanyProfile | None:
    """The installation's company profile, or None while the administrator has not filled it in."""
    return CompanyProfile.objects.first()


# Notifications (issue 16, branch feature/meetings) ------------------------------------------------


def notification_list_for_user(*, user: User, unread_only: bool = False) -> QuerySet:
    """The user's notifications, newest first (one query per page whatever its length)."""
    from pmo.models import Notification

    notifications = Notification.objects.filter(recipient=user)
    return notifications.filter(read_at__isnull=True) if unread_only else notifications


def notification_unread_count(*, user: User) -> int:
    from pmo.models import Notification

    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_preferences_for_user(*, user: User) -> dict[str, str]:
    """The user's delivery per event, with the default (email at once) where they chose nothing."""
    from pmo.models import NotificationDelivery, NotificationEvent, NotificationPreference

    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("event", "delivery"))
    return {event: chosen.get(event, NotificationDelivery.IMMEDIATE) for event in NotificationEvent.values}
