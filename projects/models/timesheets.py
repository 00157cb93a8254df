"""Effort booked by people on tasks (issue 15): week sheets, their entries, and internal cost rates.

A week sheet belongs to one resource, one ISO week, one project and one approval track: the engineering
manager approves engineering and installation hours, the project manager everything else. A sheet moves
draft → submitted → approved (or back to returned, with a reason) through its workflow; an approved sheet
is final. A correction after approval is a new revision of the sheet: its entries reverse the approved
ones (negative hours pointing at the entry they reverse) and book the right figure, and it is approved
like any other sheet, so the history of what was approved is never rewritten.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.lib.money import MoneyField
from pmo.lib.transitions import Transition, Workflow, permission
from projects.models.core import Project
from projects.models.plan import Resource, ResourceRole, Task, TaskKind

# Hours the engineering manager approves; the project manager approves the rest.
ENGINEERING_TASK_KINDS = (TaskKind.ENGINEERING, TaskKind.INSTALLATION)
MAX_HOURS_PER_DAY = Decimal("24")


class ApprovalTrack(models.TextChoices):
    ENGINEERING = "engineering", _("Engineering manager")
    PROJECT = "project", _("Project manager")
    # Hours approved in Dynamics 365 Project Operations, pulled (reporting.connectors.time_entries):
    # their sheets are created approved, are never booked, submitted or corrected here, and never exported.
    DYNAMICS365 = "dynamics365", _("Dynamics 365")


# The tracks people book on in PMO Desk; an imported track's hours stay out of the week grid and its edits.
BOOKED_TRACKS = (ApprovalTrack.ENGINEERING, ApprovalTrack.PROJECT)


def approval_track_for(kind: str) -> str:
    return ApprovalTrack.ENGINEERING if kind in ENGINEERING_TASK_KINDS else ApprovalTrack.PROJECT


class TimesheetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


EDITABLE_TIMESHEET_STATUSES = (TimesheetStatus.DRAFT, TimesheetStatus.RETURNED)

S = TimesheetStatus
TIMESHEET_WORKFLOW = Workflow(
    Transition(
        "submit",
        source=[S.DRAFT, S.RETURNED],
        target=S.SUBMITTED,
        allowed=permission("projects.submit_timesheet"),
        label=_("Submit"),
    ),
    Transition(
        "approve",
        source=[S.SUBMITTED],
        target=S.APPROVED,
        allowed=permission("projects.approve_timesheet"),
        label=_("Approve"),
        url_name="projects:timesheet-approve",
        icon="check-lg",
        style="success",
    ),
    Transition(
        "return",
        source=[S.SUBMITTED],
        target=S.RETURNED,
        allowed=permission("projects.approve_timesheet"),
        label=_("Return"),
        url_name="projects:timesheet-return",
    ),
    refusal=_("A timesheet that is %(status)s cannot become %(target)s."),
)


class Timesheet(models.Model):
    """The hours of one resource in one ISO week on one project, for one approver."""

    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="timesheets", verbose_name=_("resource")
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="timesheets", verbose_name=_("project")
    )
    week_start = models.DateField(_("week (Monday)"))
    track = models.CharField(_("approved by"), max_length=20, choices=ApprovalTrack.choices)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=TimesheetStatus.choices, default=S.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    return_reason = models.TextField(_("reason for returning"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()
    workflow = TIMESHEET_WORKFLOW

    class Meta:
        verbose_name = _("timesheet")
        verbose_name_plural = _("timesheets")
        ordering = ["-week_start", "project", "track", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "week_start", "project", "track", "revision"],
                name="unique_timesheet_revision",
            ),
            # One open (not yet approved) revision at a time per resource, week, project and track.
            models.UniqueConstraint(
                fields=["resource", "week_start", "project", "track"],
                condition=~Q(status="approved"),
                name="one_open_timesheet_revision",
            ),
            models.CheckConstraint(condition=Q(week_start__iso_week_day=1), name="timesheet_week_on_monday"),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""), name="timesheet_returned_with_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["resource", "week_start"]),
            models.Index(fields=["project", "status", "week_start"]),
            models.Index(fields=["status", "track", "week_start"]),
        ]

    def __str__(self) -> str:
        return f"{self.resource} · {self.project.code} · {self.week_start.isoformat()}"

    @property
    def week_end(self):
        return self.week_start + timedelta(days=6)

    @property
    def iso_week(self) -> str:
        year, week, _day = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_TIMESHEET_STATUSES

    @property
    def is_approved(self) -> bool:
        return self.status == TimesheetStatus.APPROVED

    @property
    def is_correction(self) -> bool:
        return self.revision > 1 and not self.is_imported

    @property
    def is_imported(self) -> bool:
        return self.track == ApprovalTrack.DYNAMICS365


class TimesheetEntry(models.Model):
    """Hours of one task on one day; a reversing entry (negative) cancels an approved one."""

    timesheet = models.ForeignKey(
        Timesheet, on_delete=models.CASCADE, related_name="entries", verbose_name=_("timesheet")
    )
    task = models.ForeignKey(
        Task, on_delete=models.PROTECT, related_name="time_entries", verbose_name=_("task")
    )
    # Denormalised from the sheet so that the grid, the P&L and EVM sum hours without a join per row.
    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="time_entries", verbose_name=_("resource")
    )
    day = models.DateField(_("day"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["day", "task", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["timesheet", "task", "day"],
                condition=Q(reverses__isnull=True),
                name="one_booking_per_task_and_day",
            ),
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True) & Q(hours__gt=0) & Q(hours__lte=MAX_HOURS_PER_DAY))
                | (Q(reverses__isnull=False) & Q(hours__lt=0) & Q(hours__gte=-MAX_HOURS_PER_DAY)),
                name="time_entry_hours_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["resource", "day"]),
            models.Index(fields=["task", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.day.isoformat()}: {self.hours} h"


class DatedRateQuerySet(models.QuerySet):
    def on_day(self, day) -> "DatedRateQuerySet":
        """Rates valid on `day` (a date or an expression such as OuterRef("day"))."""
        return self.filter(Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day)))

    def overlapping(self, valid_from, valid_to) -> "DatedRateQuerySet":
        """Rates sharing at least one day with valid_from … valid_to (open-ended when valid_to is None)."""
        return self.filter(valid_from__lte=valid_to or date.max).exclude(valid_to__lt=valid_from)


class DatedRate(models.Model):
    """An hourly cost valid from `valid_from` until `valid_to` (open when empty), owned by a subclass's FK.

    A resource's own rate (CostRate) and its role's (RoleCostRate) are the same shape; the owner differs,
    and the rate of a day is the owner's rate whose period holds it (`on_day`)."""

    hourly_rate = MoneyField(_("hourly cost rate"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = DatedRateQuerySet.as_manager()

    class Meta:
        abstract = True


def dated_rate_constraints(*, prefix: str, owner: str) -> list:
    """The rules every dated rate keeps, named after its table (the names are in the migrations)."""
    return [
        models.CheckConstraint(condition=Q(hourly_rate__gte=0), name=f"{prefix}_not_negative"),
        models.CheckConstraint(
            condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
            name=f"{prefix}_ends_after_start",
        ),
        models.UniqueConstraint(fields=[owner, "valid_from"], name=f"unique_{prefix}_start"),
    ]


class CostRate(DatedRate):
    """The internal hourly cost of one resource over a period."""

    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="cost_rates", verbose_name=_("resource")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cost rate")
        verbose_name_plural = _("cost rates")
        ordering = ["resource", "-valid_from"]
        constraints = dated_rate_constraints(prefix="cost_rate", owner="resource")

    def __str__(self) -> str:
        return f"{self.resource}: {self.hourly_rate} from {self.valid_from.isoformat()}"


class RoleCostRate(DatedRate):
    """The hourly cost of a role over a period, for its people without their own rate."""

    role = models.ForeignKey(
        ResourceRole, on_delete=models.PROTECT, related_name="cost_rates", verbose_name=_("role")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role cost rate")
        verbose_name_plural = _("role cost rates")
        ordering = ["role", "-valid_from"]
        constraints = dated_rate_constraints(prefix="role_cost_rate", owner="role")

    def __str__(self) -> str:
        return f"{self.role}: {self.hourly_rate} from {self.valid_from.isoformat()}"


class TimesheetReminder(models.Model):
    """One reminder per person and week: the row is created once and claimed once, then sent."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="timesheet_reminders", verbose_name=_("resource")
    )
    week_start = models.DateField(_("week (Monday)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(_("error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("timesheet reminder")
        verbose_name_plural = _("timesheet reminders")
        constraints = [
            models.UniqueConstraint(fields=["resource", "week_start"], name="one_timesheet_reminder_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.week_start.isoformat()}"
