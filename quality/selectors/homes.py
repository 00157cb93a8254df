"""Reads behind the SMO's home: the hand-overs addressed to them and the projects about to hand over."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from pmo.models import User
from projects.choices import Phase
from projects.selectors import project_list_for_user
from quality.models import Handover, HandoverDecisionKind, HandoverEvent, HandoverStatus
from quality.rules import handover_visibility

if TYPE_CHECKING:
    from projects.models import Project


# A hand-over past its draft: the SMO follows it on the waiting, returned or accepted card.
HANDED_OVER_STATUSES = (HandoverStatus.SUBMITTED, HandoverStatus.RETURNED, HandoverStatus.ACCEPTED)


def handovers_addressed_to(*, user: User, status: str) -> QuerySet[Handover]:
    """Hand-overs in this status whose service owner is the user, oldest submission first (one query)."""
    return (
        Handover.objects.filter(handover_visibility.q(user), smo_owner=user, status=status)
        .select_related("project", "project__customer")
        .order_by("submitted_at", "pk")
    )


def handovers_waiting_for(*, user: User) -> QuerySet[Handover]:
    """Hand-overs submitted to the user and waiting for their decision, oldest submission first."""
    return handovers_addressed_to(user=user, status=HandoverStatus.SUBMITTED)


def handovers_returned_by(*, user: User) -> QuerySet[Handover]:
    """The user's hand-overs sent back to the project, each with the reason of its latest return."""
    latest_return = HandoverEvent.objects.filter(
        handover=OuterRef("pk"), kind=HandoverDecisionKind.RETURNED
    ).order_by("-created_at", "-pk")
    return (
        handovers_addressed_to(user=user, status=HandoverStatus.RETURNED)
        .annotate(
            return_reason=Subquery(latest_return.values("reason")[:1]),
            returned_at=Subquery(latest_return.values("created_at")[:1]),
        )
        .order_by("-decided_at", "-pk")
    )


def handovers_accepted_since(*, user: User, since: date) -> QuerySet[Handover]:
    """The user's hand-overs accepted on or after `since` (local day), latest first."""
    start = timezone.make_aware(datetime.combine(since, time.min))
    return (
        handovers_addressed_to(user=user, status=HandoverStatus.ACCEPTED)
        .filter(decided_at__gte=start)
        .order_by("-decided_at", "-pk")
    )


def handover_status_label(status: str | None) -> str:
    """The words for a hand-over status (empty when there is no hand-over yet)."""
    return str(HandoverStatus(status).label) if status else ""


def projects_closing_for_smo(*, user: User) -> QuerySet[Project]:
    """Visible projects in their closing phase whose hand-over is still to come: none yet, or a draft.

    Hand-overs submitted, returned or accepted are on the SMO's other cards."""
    handover = Handover.objects.filter(project=OuterRef("pk"))
    return (
        project_list_for_user(user=user)
        .filter(phase=Phase.CLOSING)
        .exclude(handover__status__in=HANDED_OVER_STATUSES)
        .annotate(
            handover_status=Subquery(handover.values("status")[:1]),
        )
        .order_by("end_date", "code")
    )
