"""Meetings of a project (kick-off, weekly site meeting, steering committee, closure) and their minutes.

A meeting has attendees (users of the team and customer contacts), an agenda proposed from the registers,
and minutes per agenda item; what the minutes decide becomes actions, decisions and risks in the
registers, each linked back to the agenda item (`meeting_item` on Action, Decision and Risk).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.lib.jobs import Job, JobStates
from pmo.lib.transitions import Transition, Workflow
from projects.models.core import Language, Project
from projects.models.registers import ChangeRequest, Issue, Risk, TranslatedName, localized_field


class MeetingType(TranslatedName):
    """Kick-off, weekly site meeting, steering committee, closure: with a default agenda per language."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    default_agenda_en = models.TextField(
        _("default agenda (English)"), blank=True, help_text=_("One item a line.")
    )
    default_agenda_fr = models.TextField(
        _("default agenda (French)"), blank=True, help_text=_("One item a line.")
    )
    default_agenda_nl = models.TextField(
        _("default agenda (Dutch)"), blank=True, help_text=_("One item a line.")
    )
    default_duration_minutes = models.PositiveSmallIntegerField(_("default duration (minutes)"), default=60)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting type")
        verbose_name_plural = _("meeting types")
        ordering = ["pk"]

    def default_agenda(self, language: str) -> list[str]:
        """The default agenda items in a language (English when that language has none)."""
        text = getattr(self, f"default_agenda_{language}", "") or self.default_agenda_en
        return [line.strip() for line in text.splitlines() if line.strip()]

    @property
    def localized_agenda(self) -> str:
        return localized_field(self, "default_agenda")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    MINUTES_CLOSED = "minutes_closed", _("Minutes closed")
    CANCELLED = "cancelled", _("Cancelled")


def _meeting_button(name: str, **options) -> dict:
    return {"url_name": "projects:meeting-transition", "url_extra": (name,)} | options


def _changes_project(user, meeting) -> bool:
    """The project's team (whoever may change the project) plans and minutes its meetings."""
    return bool(user is not None and user.has_perm("projects.change_project", meeting.project))


def _closes_minutes(user, meeting) -> bool:
    """The PMO closes the minutes."""
    return bool(user is not None and user.has_perm("projects.close_meeting_minutes", meeting.project))


def _has_attendees(meeting) -> str:
    if not meeting.attendees.exists():
        return str(_("Add the attendees first."))
    return ""


class Meeting(models.Model):
    """A meeting on a project; its number runs per project (M-1, M-2, ...)."""

    PREFIX = "M"

    workflow = Workflow(
        Transition(
            "hold",
            source=[MeetingStatus.PLANNED],
            target=MeetingStatus.HELD,
            allowed=_changes_project,
            label=_("Mark as held"),
            icon="check2-circle",
            style="primary",
            **_meeting_button("hold"),
        ),
        Transition(
            "close_minutes",
            source=[MeetingStatus.HELD],
            target=MeetingStatus.MINUTES_CLOSED,
            allowed=_closes_minutes,
            needs=_has_attendees,
            label=_("Close the minutes and send them"),
            icon="send-check",
            style="success",
            confirm=_("Close the minutes? They can no longer be changed and are emailed to every attendee."),
            **_meeting_button("close-minutes"),
        ),
        Transition(
            "cancel",
            source=[MeetingStatus.PLANNED],
            target=MeetingStatus.CANCELLED,
            allowed=_changes_project,
            label=_("Cancel the meeting"),
            style="outline-danger",
            confirm=_("Cancel this meeting?"),
            **_meeting_button("cancel"),
        ),
        refusal=_("A %(kind)s cannot go from %(old)s to %(new)s."),
        url_args=lambda meeting: [meeting.project_id, meeting.pk],
    )
    TRANSITIONS = workflow.table
    # The minutes can still be written while the meeting is planned (during it) or held.
    MINUTES_OPEN_STATUSES = (MeetingStatus.PLANNED, MeetingStatus.HELD)

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("project")
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    meeting_type = models.ForeignKey(MeetingType, on_delete=models.PROTECT, verbose_name=_("meeting type"))
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=60)
    place = models.CharField(_("place"), max_length=200, blank=True)
    language = models.CharField(_("language of the minutes"), max_length=2, choices=Language.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser")
    )
    summary = models.TextField(_("general remarks"), blank=True)
    held_at = models.DateTimeField(_("held at"), null=True, blank=True, editable=False)
    minutes_closed_at = models.DateTimeField(_("minutes closed at"), null=True, blank=True, editable=False)
    minutes_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("minutes closed by"),
    )
    ical_uid = models.CharField(_("calendar identifier"), max_length=100, unique=True, editable=False)
    ical_sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-number"]
        permissions = [("close_meeting_minutes", "Can close the minutes of a meeting")]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="unique_meeting_number_per_project"),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="meeting_duration_positive"),
        ]
        indexes = [
            models.Index(fields=["project", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("projects:meeting-detail", args=[self.project_id, self.pk])

    @property
    def reference(self) -> str:
        return f"{self.PREFIX}-{self.number}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_planned(self) -> bool:
        return self.status == MeetingStatus.PLANNED

    @property
    def minutes_are_open(self) -> bool:
        return self.status in self.MINUTES_OPEN_STATUSES


class MeetingAttendee(models.Model):
    """A user of the team or a customer contact invited to a meeting."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendees", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_attendances",
        verbose_name=_("user"),
    )
    contact = models.ForeignKey(
        "projects.CustomerContact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_attendances",
        verbose_name=_("customer contact"),
    )
    is_present = models.BooleanField(_("present"), default=True)
    # Each email is claimed once per attendee: a retried task sends nothing twice.
    invited_at = models.DateTimeField(_("invitation sent at"), null=True, blank=True, editable=False)
    minutes_sent_at = models.DateTimeField(_("minutes sent at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, contact__isnull=True)
                | Q(user__isnull=True, contact__isnull=False),
                name="meeting_attendee_user_or_contact",
            ),
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="unique_meeting_user"
            ),
            models.UniqueConstraint(
                fields=["meeting", "contact"],
                condition=Q(contact__isnull=False),
                name="unique_meeting_contact",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user or self.contact)

    # An attendee is a user or a contact (the check constraint above); neither only before it is saved.
    @property
    def email(self) -> str:
        person = self.user or self.contact
        return (person.email if person else "") or ""

    @property
    def language(self) -> str:
        if self.user is not None:
            return self.user.preferred_language
        return self.contact.language if self.contact is not None else settings.LANGUAGE_CODE

    @property
    def organisation(self) -> str:
        return self.contact.customer.name if self.contact is not None else ""


class AgendaItem(models.Model):
    """One point of the agenda and what the minutes say of it; it may come from a register entry."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("meeting")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=250)
    discussion = models.TextField(_("discussion"), blank=True)
    risk = models.ForeignKey(
        Risk,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("risk"),
    )
    issue = models.ForeignKey(
        Issue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("issue"),
    )
    change_request = models.ForeignKey(
        ChangeRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("change request"),
    )
    action = models.ForeignKey(
        "projects.Action",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("action"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.meeting.reference} · {self.position}. {self.title}"

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#item-{self.pk}"

    @property
    def source(self):
        return self.risk or self.issue or self.change_request or self.action

    @property
    def project_id(self) -> int:
        return self.meeting.project_id


class MinutesDistribution(Job):
    """Sending the closed minutes to the attendees: a job row claimed by one worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Sending")
        DONE = "done", _("Sent")
        FAILED = "failed", _("Failed")

    states = JobStates()
    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="distribution", verbose_name=_("meeting")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    sent_count = models.PositiveIntegerField(_("emails sent"), default=0)

    class Meta:
        verbose_name = _("minutes distribution")
        verbose_name_plural = _("minutes distributions")

    def __str__(self) -> str:
        return f"{self.meeting} · {self.get_status_display()}"

    @classmethod
    def on_requeued(cls, pks: list[int]) -> None:
        from projects import tasks

        for pk in pks:
            tasks.meeting_minutes_distribute_task.delay(pk)
