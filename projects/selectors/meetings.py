"""Reads of meetings: a project's list, one meeting with its minutes, the agenda the registers propose."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from pmo.models import User
from projects.models import (
    Action,
    AgendaItem,
    ChangeRequest,
    Decision,
    Issue,
    Meeting,
    MeetingAttendee,
    MeetingType,
    Project,
    Risk,
)
from projects.selectors.core import project_get_for_user, project_team_user_ids
from projects.selectors.registers import high_score_threshold, open_high_risks_q


def meeting_types() -> QuerySet[MeetingType]:
    return MeetingType.objects.filter(is_active=True)


def meeting_list_for_project(*, project: Project) -> QuerySet[Meeting]:
    """The meetings of a project with their type, organiser and number of attendees (one query)."""
    return (
        Meeting.objects.filter(project=project)
        .select_related("meeting_type", "organiser")
        .annotate(attendee_count=Count("attendees"))
    )


def meeting_get_for_user(*, user: User, project_pk: int, pk: int, write: bool = False) -> Meeting:
    """One meeting of a project; 404 when the project is invisible, 403 when the user may only read it."""
    project = project_get_for_user(user=user, pk=project_pk, write=write)
    meeting = Meeting.objects.select_related("meeting_type", "organiser", "minutes_closed_by").filter(
        project=project, pk=pk
    )
    found = meeting.first()
    if found is None:
        raise Http404
    found.project = project
    return found


def meeting_attendees(*, meeting: Meeting) -> list[MeetingAttendee]:
    return list(meeting.attendees.select_related("user", "contact__customer"))


def meeting_agenda(*, meeting: Meeting) -> list[AgendaItem]:
    """The agenda with the entry behind each item and what its minutes raised in the registers."""
    return list(
        meeting.agenda_items.select_related("risk", "issue", "change_request", "action").prefetch_related(
            Prefetch("actions_raised", queryset=Action.objects.select_related("owner")),
            Prefetch("decisions_raised", queryset=Decision.objects.select_related("decided_by")),
            Prefetch("risks_raised", queryset=Risk.objects.select_related("owner")),
        )
    )


def meeting_invitable_users(*, project: Project) -> QuerySet[User]:
    """The project's team, who may be invited (active users only)."""
    ids = project_team_user_ids(project=project) | {project.account_manager_id or 0}
    return User.objects.filter(pk__in=ids, is_active=True).order_by("display_name", "username")


def meeting_invitable_contacts(*, project: Project):
    return project.customer.contacts.order_by("name")


@dataclass(frozen=True)
class AgendaProposal:
    """An entry of the registers the meeting should discuss; `key` is "kind:pk" for the form."""

    key: str
    group: str
    reference: str
    title: str
    url: str


def _proposals(entries, *, kind: str, group: str) -> list[AgendaProposal]:
    return [
        AgendaProposal(f"{kind}:{entry.pk}", group, entry.reference, entry.title, entry.get_absolute_url())
        for entry in entries
    ]


def meeting_agenda_proposals(*, meeting: Meeting) -> list[AgendaProposal]:
    """What the registers ask the meeting to discuss: open actions, high risks, issues waiting for a
    decision and change requests waiting for one, less what is already on the agenda (five queries)."""
    project = meeting.project
    on_agenda = meeting.agenda_items.values_list
    risks = Risk.objects.filter(open_high_risks_q(high_score_threshold()), project=project).exclude(
        pk__in=on_agenda("risk", flat=True).exclude(risk=None)
    )
    actions = (
        Action.objects.filter(project=project, status__in=Action.OPEN_STATUSES)
        .exclude(pk__in=on_agenda("action", flat=True).exclude(action=None))
        .exclude(meeting_item__meeting=meeting)  # raised by this meeting's own minutes
    )
    issues = Issue.objects.filter(project=project, status__in=Issue.OPEN_STATUSES, decision="").exclude(
        pk__in=on_agenda("issue", flat=True).exclude(issue=None)
    )
    change_requests = ChangeRequest.objects.filter(
        project=project, status__in=(ChangeRequest.Status.SUBMITTED, ChangeRequest.Status.ASSESSED)
    ).exclude(pk__in=on_agenda("change_request", flat=True).exclude(change_request=None))
    return [
        *_proposals(risks.order_by("-residual_score", "number"), kind="risk", group=_("High risks")),
        *_proposals(actions.order_by("due_date", "number"), kind="action", group=_("Open actions")),
        *_proposals(issues.order_by("number"), kind="issue", group=_("Issues waiting for a decision")),
        *_proposals(
            change_requests.order_by("number"), kind="change_request", group=_("Change requests to decide")
        ),
    ]


def meetings_of_user(*, user: User) -> QuerySet[Meeting]:
    """Meetings the user attends or organises (for the home page and calendars)."""
    return (
        Meeting.objects.filter(attendees__user=user)
        .select_related("project", "meeting_type")
        .distinct()
        .order_by("-starts_at")
    )
