"""Seed step (issue 16): meetings with minutes on a few projects (S: 6, L: 80), written through the meeting
services so that their actions and decisions sit in the registers, and notifications for the demo users.

Closed minutes are marked closed without sending them: seeding must not email anyone.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from pmo.models import Notification, NotificationDelivery, NotificationEvent, User
from projects.models import Meeting, MeetingStatus, MeetingType, MinutesDistribution, Phase
from projects.selectors.meetings import meeting_agenda_proposals
from projects.services import meetings as services

MEETINGS = {"S": 6, "M": 30, "L": 80, "XL": 80}
MINUTES = {
    "en": ("Agreed as proposed.", "Follow up with the supplier", "Planning approved"),
    "fr": ("Accord sur la proposition.", "Relancer le fournisseur", "Planning approuvé"),
    "nl": ("Akkoord zoals voorgesteld.", "Leverancier opvolgen", "Planning goedgekeurd"),
}
TITLES = {
    "kick-off": {"en": "Kick-off", "fr": "Lancement du projet", "nl": "Kick-off van het project"},
    "site-weekly": {"en": "Site meeting", "fr": "Réunion de chantier", "nl": "Werfvergadering"},
    "steering-committee": {"en": "Steering committee", "fr": "Comité de pilotage", "nl": "Stuurgroep"},
    "closure": {"en": "Closure", "fr": "Clôture", "nl": "Afsluiting"},
}


def _meeting(rng, project, meeting_type: MeetingType, days: int) -> Meeting:
    language = project.customer.language if project.customer.language in MINUTES else "en"
    manager = project.project_manager
    users = [user for user in (manager, project.support_officer) if user is not None]
    contacts = list(project.customer.contacts.all()[:2])
    start = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0) + timedelta(days=days)
    meeting = services.meeting_create(
        project=project,
        actor=manager,
        meeting_type=meeting_type,
        title=f"{TITLES[meeting_type.code][language]} {project.code}",
        starts_at=start,
        duration_minutes=meeting_type.default_duration_minutes,
        place=rng.choice(["Brussel", "Gent", "Liège", "Teams"]),
        language=language,
        users=users,
        contacts=contacts,
    )
    if days > 0:
        return meeting
    discussion, action_title, decision_title = MINUTES[language]
    proposals = [proposal.key for proposal in meeting_agenda_proposals(meeting=meeting)][:3]
    services.agenda_items_add_proposed(meeting=meeting, actor=manager, keys=proposals)
    item = meeting.agenda_items.order_by("position").first()
    if item is not None:  # none when the type has no standard agenda and the registers propose nothing
        services.agenda_item_minutes_record(item=item, actor=manager, discussion=discussion)
        services.agenda_item_action_create(
            item=item,
            actor=manager,
            title=action_title,
            owner=manager,
            due_date=start.date() + timedelta(days=7),
        )
        services.agenda_item_decision_create(item=item, actor=manager, title=decision_title)
    return services.meeting_hold(meeting=meeting, actor=manager)


def _close_without_sending(meeting: Meeting, closer: User) -> None:
    meeting.minutes_closed_at, meeting.minutes_closed_by = timezone.now(), closer
    Meeting.workflow.move(
        meeting, MeetingStatus.MINUTES_CLOSED, actor=closer, fields=["minutes_closed_at", "minutes_closed_by"]
    )
    MinutesDistribution.objects.create(meeting=meeting, status="done", finished_at=timezone.now())


def _notifications(rng, meetings: list[Meeting]) -> int:
    rows = []
    for meeting in meetings:
        for attendee in meeting.attendees.exclude(user=None).select_related("user"):
            for event, subject in (
                (NotificationEvent.MEETING_INVITATION, f"{meeting.meeting_type.name} {meeting.project.code}"),
                (NotificationEvent.RISK_REVIEW, f"{meeting.project.code}: R-1"),
            ):
                rows.append(
                    Notification(
                        recipient=attendee.user,
                        event=event,
                        subject=subject,
                        link=meeting.get_absolute_url(),
                        project_ref=meeting.project_id,
                        project_label=f"{meeting.project.code} · {meeting.project.name}",
                        delivery=NotificationDelivery.IN_APP,
                        read_at=timezone.now() if rng.random() < 0.4 else None,
                    )
                )
    Notification.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def seed_meetings(context) -> None:
    rng = context.rng
    projects = [
        project
        for project in context.detailed_projects
        if project.phase not in (Phase.INITIATION, Phase.CANCELLED) and project.project_manager_id
    ][: MEETINGS[context.scale]]
    types = {meeting_type.code: meeting_type for meeting_type in MeetingType.objects.all()}
    if not types:
        return
    closer = User.objects.filter(groups__name="pm_support").first()
    meetings = []
    with transaction.atomic():
        for index, project in enumerate(projects):
            meetings.append(_meeting(rng, project, types["steering-committee"], days=-14))
            if closer and index % 2 == 0:
                _close_without_sending(meetings[-1], closer)
            meetings.append(_meeting(rng, project, types["site-weekly"], days=rng.randint(1, 10)))
        count = _notifications(rng, meetings)
    context.log(f"  meetings: {len(meetings)}, notifications: {count}")
