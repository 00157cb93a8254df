"""Meetings and their minutes: planning, the agenda, minutes that write into the registers, closing and
sending the minutes (a job row claimed once), the invitation with its iCalendar file."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save
from pmo.lib.jobs import job_holder
from pmo.models import NotificationEvent, User
from pmo.services import notification_send
from projects.models import (
    Action,
    AgendaItem,
    ChangeRequest,
    Decision,
    Issue,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    MinutesDistribution,
    Project,
    Risk,
)
from projects.services import registers

MEETING_FIELDS = ("meeting_type", "title", "starts_at", "duration_minutes", "place", "language", "summary")
SOURCE_MODELS = {"risk": Risk, "issue": Issue, "change_request": ChangeRequest, "action": Action}


def _meeting_locked(meeting: Meeting) -> Meeting:
    locked = Meeting.objects.select_for_update().select_related("meeting_type").get(pk=meeting.pk)
    locked.project = meeting.project
    return locked


def _minutes_open_check(meeting: Meeting) -> None:
    if not meeting.minutes_are_open:
        raise ValidationError(_("The minutes of this meeting are closed: nothing can be changed."))


def _attendees_set(meeting: Meeting, users, contacts) -> None:
    """Keep exactly these attendees; contacts must belong to the project's customer."""
    contacts = list(contacts)
    if any(contact.customer_id != meeting.project.customer_id for contact in contacts):
        raise ValidationError({"contacts": _("Only contacts of the project's customer can attend.")})
    users = list(users)
    meeting.attendees.exclude(user__in=users).exclude(user=None).delete()
    meeting.attendees.exclude(contact__in=contacts).exclude(contact=None).delete()
    present_users = set(meeting.attendees.exclude(user=None).values_list("user_id", flat=True))
    present_contacts = set(meeting.attendees.exclude(contact=None).values_list("contact_id", flat=True))
    MeetingAttendee.objects.bulk_create(
        [MeetingAttendee(meeting=meeting, user=user) for user in users if user.pk not in present_users]
        + [
            MeetingAttendee(meeting=meeting, contact=contact)
            for contact in contacts
            if contact.pk not in present_contacts
        ]
    )


@transaction.atomic
def meeting_create(*, project: Project, actor: User, users=(), contacts=(), **values) -> Meeting:
    """Plan a meeting with its attendees and its type's default agenda in the meeting's language."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    last = Meeting.objects.filter(project=project).aggregate(last=Max("number"))["last"]
    meeting = Meeting(
        project=project,
        organiser=actor,
        created_by=actor,
        number=(last or 0) + 1,
        ical_uid=f"{uuid.uuid4()}@pmo-desk",
        **{field: value for field, value in values.items() if field in MEETING_FIELDS},
    )
    audited_save(meeting, actor=actor)
    _attendees_set(meeting, users, contacts)
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=position, title=title)
        for position, title in enumerate(meeting.meeting_type.default_agenda(meeting.language), start=1)
    )
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, actor: User, users=None, contacts=None, **values) -> Meeting:
    """Change a meeting's date, place, language or attendees; the calendar revision follows."""
    meeting = _meeting_locked(meeting)
    _minutes_open_check(meeting)
    changed = [f for f in MEETING_FIELDS if f in values and getattr(meeting, f) != values[f]]
    for field in changed:
        setattr(meeting, field, values[field])
    if {"starts_at", "duration_minutes", "place", "title"} & set(changed):
        # A new revision of the calendar entry: the next "send the invitation" updates everyone's agenda.
        meeting.ical_sequence += 1
        changed.append("ical_sequence")
        meeting.attendees.update(invited_at=None)
    if changed:
        audited_save(meeting, actor=actor, update_fields=[*changed, "updated_at"])
    if users is not None and contacts is not None:
        _attendees_set(meeting, users, contacts)
    return meeting


def _next_position(meeting: Meeting) -> int:
    return (meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0) + 1


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, actor: User, title: str) -> AgendaItem:
    """Add a point to the agenda."""
    meeting = _meeting_locked(meeting)
    _minutes_open_check(meeting)
    item = AgendaItem(meeting=meeting, position=_next_position(meeting), title=title.strip())
    audited_save(item, actor=actor)
    return item


@transaction.atomic
def agenda_items_add_proposed(*, meeting: Meeting, actor: User, keys: list[str]) -> list[AgendaItem]:
    """Put register entries on the agenda ("risk:12", "action:7", ...), each linked to its entry."""
    meeting = _meeting_locked(meeting)
    _minutes_open_check(meeting)
    items = []
    position = _next_position(meeting)
    for key in keys:
        kind, _sep, pk = key.partition(":")
        model = SOURCE_MODELS.get(kind)
        entry = (
            model._default_manager.filter(project=meeting.project, pk=pk).first()
            if model and pk.isdigit()
            else None
        )
        if entry is None:
            raise ValidationError(_("This entry belongs to another project."))
        if meeting.agenda_items.filter(**{kind: entry}).exists():
            continue
        item = AgendaItem(meeting=meeting, position=position, title=f"{entry.reference} {entry.title}"[:250])
        setattr(item, kind, entry)
        audited_save(item, actor=actor)
        items.append(item)
        position += 1
    return items


@transaction.atomic
def agenda_item_minutes_record(*, item: AgendaItem, actor: User, discussion: str) -> AgendaItem:
    """Write what was said on an agenda item."""
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    _minutes_open_check(item.meeting)
    if item.discussion != discussion:
        item.discussion = discussion
        audited_save(item, actor=actor, update_fields=["discussion"])
    return item


def _item_for_register(item: AgendaItem) -> AgendaItem:
    item = AgendaItem.objects.select_related("meeting__project").get(pk=item.pk)
    _minutes_open_check(item.meeting)
    return item


def _raised_in(item: AgendaItem) -> str:
    return f"{item.meeting.reference} {item.meeting.title}"[:200]


@transaction.atomic
def agenda_item_action_create(*, item: AgendaItem, actor: User, **values) -> Action:
    """The minutes give an action: it goes into the action register, linked to the item and its entry."""
    item = _item_for_register(item)
    links = {"risk": item.risk, "issue": item.issue, "change_request": item.change_request}
    links = {key: value for key, value in links.items() if value is not None}
    return registers.action_create(
        project=item.meeting.project,
        actor=actor,
        meeting_item=item,
        raised_in=_raised_in(item),
        **links,
        **values,
    )


@transaction.atomic
def agenda_item_decision_create(*, item: AgendaItem, actor: User, **values) -> Decision:
    """The minutes record a decision: it goes into the decision register, taken by the meeting."""
    item = _item_for_register(item)
    links = {"risk": item.risk, "issue": item.issue, "change_request": item.change_request}
    links = {key: value for key, value in links.items() if value is not None}
    values.setdefault("decision_body", item.meeting.meeting_type.name)
    values.setdefault("decided_on", timezone.localdate(item.meeting.starts_at))
    return registers.decision_create(
        project=item.meeting.project,
        actor=actor,
        meeting_item=item,
        raised_in=_raised_in(item),
        **links,
        **values,
    )


@transaction.atomic
def agenda_item_risk_create(*, item: AgendaItem, actor: User, **values) -> Risk:
    """The minutes name a new risk: it goes into the risk register, linked to the item."""
    item = _item_for_register(item)
    return registers.risk_create(project=item.meeting.project, actor=actor, meeting_item=item, **values)


# States -------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_hold(*, meeting: Meeting, actor: User) -> Meeting:
    """The meeting took place; its minutes can still be completed."""
    meeting = _meeting_locked(meeting)
    meeting.held_at = timezone.now()
    Meeting.workflow.move(meeting, MeetingStatus.HELD, actor=actor, fields=["held_at"], user=actor)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor: User) -> Meeting:
    """Call off a planned meeting."""
    meeting = _meeting_locked(meeting)
    Meeting.workflow.move(meeting, MeetingStatus.CANCELLED, actor=actor, user=actor)
    return meeting


@transaction.atomic
def meeting_minutes_close(*, meeting: Meeting, actor: User) -> Meeting:
    """The PMO closes the minutes: they are frozen and sent to every attendee once, by a worker."""
    from projects import tasks

    meeting = _meeting_locked(meeting)
    meeting.minutes_closed_at, meeting.minutes_closed_by = timezone.now(), actor
    Meeting.workflow.move(
        meeting,
        MeetingStatus.MINUTES_CLOSED,
        actor=actor,
        fields=["minutes_closed_at", "minutes_closed_by"],
        user=actor,
    )
    distribution = MinutesDistribution.objects.create(meeting=meeting)
    transaction.on_commit(lambda: tasks.meeting_minutes_distribute_task.delay(distribution.pk))
    return meeting


# Documents: the minutes PDF and the calendar file ------------------------------------------------


def meeting_minutes_pdf(*, meeting: Meeting) -> bytes:
    """The minutes in the meeting's language, on the company letterhead."""
    from weasyprint import HTML

    from pmo.lib.documents import document_company_context
    from projects.selectors.meetings import meeting_agenda, meeting_attendees

    with translation.override(meeting.language):
        context = {
            "meeting": meeting,
            "project": meeting.project,
            "attendees": meeting_attendees(meeting=meeting),
            "agenda": meeting_agenda(meeting=meeting),
            **document_company_context(draft=not meeting.minutes_closed_at),
        }
        html = render_to_string("projects/meetings/meeting_minutes_pdf.html", context)
    return HTML(string=html).write_pdf()


def meeting_minutes_filename(meeting: Meeting) -> str:
    return f"{meeting.project.code}-{meeting.reference}-minutes.pdf"


def meeting_ics(*, meeting: Meeting, attendees: list[MeetingAttendee] | None = None) -> bytes:
    """The meeting as an iCalendar request (RFC 5545), built with the icalendar library."""
    from icalendar import Calendar, Event, vCalAddress, vText

    calendar = Calendar()
    calendar.add("prodid", "-//PMO Desk//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST")
    event = Event()
    event.add("uid", meeting.ical_uid)
    event.add("sequence", meeting.ical_sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"{meeting.project.code} · {meeting.title}")
    event.add("location", meeting.place)
    event.add("url", f"{settings.SITE_URL.rstrip('/')}{meeting.get_absolute_url()}")
    agenda = "\n".join(f"{item.position}. {item.title}" for item in meeting.agenda_items.all())
    event.add("description", agenda)
    organiser = vCalAddress(f"mailto:{meeting.organiser.email}")
    organiser.params["cn"] = vText(str(meeting.organiser))
    event["organizer"] = organiser
    for attendee in (
        attendees if attendees is not None else meeting.attendees.select_related("user", "contact")
    ):
        if attendee.email:
            address = vCalAddress(f"mailto:{attendee.email}")
            address.params["cn"] = vText(str(attendee))
            address.params["role"] = vText("REQ-PARTICIPANT")
            event.add("attendee", address, encode=False)
    calendar.add_component(event)
    return calendar.to_ical()


# Emails -------------------------------------------------------------------------------------------


def _email_texts(meeting: Meeting, attendee: MeetingAttendee, kind: str) -> tuple[str, str]:
    with translation.override(attendee.language or meeting.language):
        context = {
            "meeting": meeting,
            "project": meeting.project,
            "attendee": attendee,
            "link": f"{settings.SITE_URL.rstrip('/')}{meeting.get_absolute_url()}",
        }
        subject = render_to_string(f"projects/email/meeting_{kind}_subject.txt", context).strip()
        body = render_to_string(f"projects/email/meeting_{kind}_body.txt", context)
    return subject, body


def _send_to_attendee(
    meeting, attendee, *, kind: str, event: str, attachment: tuple[str, bytes, str]
) -> None:
    """A user hears through their notifications (as they chose); a customer contact by email."""
    from django.core.mail import EmailMessage

    subject, body = _email_texts(meeting, attendee, kind)
    if attendee.user_id:
        notification_send(
            recipient=attendee.user,
            event=event,
            subject=subject,
            body=body,
            link=meeting.get_absolute_url(),
            project=meeting.project,
            attachments=(attachment,),
            reply_to=[meeting.organiser.email],
        )
        return
    message = EmailMessage(subject, body, None, [attendee.email], reply_to=[meeting.organiser.email])
    message.attach(*attachment)
    message.send()


def _claim_and_send(meeting, attendee, *, field: str, kind: str, event: str, attachment) -> bool:
    """One email per attendee: the timestamp is claimed first and given back if the mail server fails."""
    if not attendee.email and not attendee.user_id:
        return False
    claimed = MeetingAttendee.objects.filter(pk=attendee.pk, **{f"{field}__isnull": True}).update(
        **{field: timezone.now()}
    )
    if not claimed:
        return False
    try:
        _send_to_attendee(meeting, attendee, kind=kind, event=event, attachment=attachment)
    except Exception:
        MeetingAttendee.objects.filter(pk=attendee.pk).update(**{field: None})
        raise
    return True


@transaction.atomic
def meeting_invitations_queue(*, meeting: Meeting, actor: User) -> Meeting:
    """Send the invitation (with its .ics) to the attendees not invited yet, after commit."""
    from projects import tasks

    meeting = _meeting_locked(meeting)
    if meeting.status != MeetingStatus.PLANNED:
        raise ValidationError(_("Only a planned meeting can be sent as an invitation."))
    if not meeting.attendees.exists():
        raise ValidationError(_("Add the attendees first."))
    transaction.on_commit(lambda: tasks.meeting_invitations_send_task.delay(meeting.pk))
    return meeting


def meeting_invitations_send(*, meeting_id: int) -> int:
    """Email each attendee not yet invited their invitation with the calendar file; returns how many."""
    meeting = Meeting.objects.select_related("project", "organiser", "meeting_type").get(pk=meeting_id)
    attendees = list(meeting.attendees.select_related("user", "contact"))
    ics = (f"{meeting.reference}.ics", meeting_ics(meeting=meeting, attendees=attendees), "text/calendar")
    return sum(
        _claim_and_send(
            meeting,
            attendee,
            field="invited_at",
            kind="invitation",
            event=NotificationEvent.MEETING_INVITATION,
            attachment=ics,
        )
        for attendee in attendees
    )


def meeting_minutes_distribute(*, distribution_id: int, worker: str = "") -> bool:
    """Send the closed minutes PDF to every attendee once: the job is claimed, each email too."""
    holder = job_holder(worker)
    if not MinutesDistribution.claim(distribution_id, holder=holder):
        return False
    distribution = MinutesDistribution.objects.get(pk=distribution_id)
    meeting = Meeting.objects.select_related("project", "organiser", "meeting_type").get(
        pk=distribution.meeting_id
    )
    try:
        with MinutesDistribution.heartbeat(distribution_id, holder=holder):
            pdf = (meeting_minutes_filename(meeting), meeting_minutes_pdf(meeting=meeting), "application/pdf")
            sent = sum(
                _claim_and_send(
                    meeting,
                    attendee,
                    field="minutes_sent_at",
                    kind="minutes",
                    event=NotificationEvent.MEETING_MINUTES,
                    attachment=pdf,
                )
                for attendee in meeting.attendees.select_related("user", "contact")
            )
    except Exception as error:
        MinutesDistribution.fail(distribution_id, holder=holder, error=str(error))
        raise
    MinutesDistribution.finish(
        distribution_id, holder=holder, sent_count=meeting.attendees.exclude(minutes_sent_at=None).count()
    )
    return sent >= 0


def meeting_minutes_distribution_retry(*, meeting: Meeting, actor: User) -> bool:
    """Queue a failed distribution again (attendees already sent to are skipped)."""
    from projects import tasks

    distribution = MinutesDistribution.objects.filter(meeting=meeting).first()
    if distribution is None or not MinutesDistribution.retry(distribution.pk):
        raise ValidationError(_("Only a failed sending can be retried."))
    transaction.on_commit(lambda: tasks.meeting_minutes_distribute_task.delay(distribution.pk))
    return True
