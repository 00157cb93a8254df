"""Writes of timesheets: booking hours, submitting a week, approving or returning it, correcting it."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save
from pmo.models import User
from projects.models import (
    ApprovalTrack,
    CostRate,
    Resource,
    ResourceRole,
    RoleCostRate,
    Task,
    Timesheet,
    TimesheetEntry,
    TimesheetReminder,
    TimesheetStatus,
    approval_track_for,
)
from projects.models.timesheets import BOOKED_TRACKS, MAX_HOURS_PER_DAY
from projects.selectors.plan import iso_week_start
from projects.selectors.timesheets import bookable_task_q, unsubmitted_week_resources
from projects.services.plan import task_progress_derive

ZERO = Decimal("0")


def _check_booker(*, resource: Resource, actor) -> None:
    if resource.user_id is None or resource.user_id != actor.pk:
        raise ValidationError(_("You can only book your own hours."))


def _open_sheet(*, resource: Resource, task: Task, week_start: date, actor) -> Timesheet:
    """The sheet that takes this task's hours this week, created on the first hour; locked."""
    key = {
        "resource": resource,
        "project_id": task.project_id,
        "week_start": week_start,
        "track": approval_track_for(task.kind),
    }
    sheets = Timesheet.objects.select_for_update().filter(**key).order_by("-revision")
    latest = sheets.first()
    if latest is None:
        sheet = Timesheet(**key)
        audited_save(sheet, actor=actor)
        return sheet
    if latest.is_editable:
        return latest
    if latest.is_approved:
        raise ValidationError(_("These hours are approved. Open a correction to change them."))
    raise ValidationError(_("These hours are submitted and wait for approval."))


@transaction.atomic
def time_entry_set(*, resource: Resource, task: Task, day: date, hours: Decimal | None, actor) -> Timesheet:
    """Book `hours` on a task and day (blank or zero removes them); a correction reverses approved hours."""
    _check_booker(resource=resource, actor=actor)
    hours = hours or ZERO
    if hours < 0 or hours > MAX_HOURS_PER_DAY:
        raise ValidationError(_("Hours of a day are between 0 and 24."))
    if not Task.objects.filter(bookable_task_q(resource=resource), pk=task.pk).exists():
        raise ValidationError(_("You cannot book hours on this task."))
    Resource.objects.select_for_update().filter(pk=resource.pk).first()  # one booking of a person at a time
    sheet = _open_sheet(resource=resource, task=task, week_start=iso_week_start(day), actor=actor)
    # Hours pulled from Dynamics 365 are not this person's booking here: never reversed by it.
    cell = TimesheetEntry.objects.filter(
        task=task, resource=resource, day=day, timesheet__track__in=BOOKED_TRACKS
    )
    cell.filter(timesheet=sheet).delete()  # history keeps what the draft held
    approved = cell.filter(timesheet__status=TimesheetStatus.APPROVED, reverses__isnull=True)
    approved = approved.exclude(reversed_by__isnull=False)
    approved_hours = approved.aggregate(total=Sum("hours"))["total"] or ZERO
    if hours != approved_hours:
        for entry in approved:
            _entry_create(sheet=sheet, task=task, day=day, hours=-entry.hours, reverses=entry, actor=actor)
        if hours:
            _entry_create(sheet=sheet, task=task, day=day, hours=hours, reverses=None, actor=actor)
    day_total = TimesheetEntry.objects.filter(resource=resource, day=day).aggregate(total=Sum("hours"))
    if (day_total["total"] or ZERO) > MAX_HOURS_PER_DAY:
        raise ValidationError(_("A day has at most 24 hours."))
    return sheet


def _entry_create(*, sheet: Timesheet, task: Task, day: date, hours: Decimal, reverses, actor) -> None:
    entry = TimesheetEntry(
        timesheet=sheet, task=task, resource_id=sheet.resource_id, day=day, hours=hours, reverses=reverses
    )
    audited_save(entry, actor=actor, reason=_("Correction") if reverses else "")


@transaction.atomic
def timesheet_week_submit(*, resource: Resource, week_start: date, actor) -> list[Timesheet]:
    """Submit every open sheet of the week; empty drafts are dropped. Refused when nothing is booked."""
    _check_booker(resource=resource, actor=actor)
    sheets = list(
        Timesheet.objects.select_for_update()
        .filter(
            resource=resource,
            week_start=week_start,
            status__in=(TimesheetStatus.DRAFT, TimesheetStatus.RETURNED),
        )
        .order_by("pk")
    )
    submitted = []
    for sheet in sheets:
        if not sheet.entries.exists():
            sheet.delete()
            continue
        sheet.submitted_at = timezone.now()
        Timesheet.workflow.move(
            sheet, TimesheetStatus.SUBMITTED, actor=actor, user=actor, fields=["submitted_at"]
        )
        submitted.append(sheet)
    if not submitted:
        raise ValidationError(_("There are no hours to submit this week."))
    return submitted


def _locked(timesheet: Timesheet) -> Timesheet:
    return Timesheet.objects.select_for_update().select_related("resource", "project").get(pk=timesheet.pk)


@transaction.atomic
def timesheet_approve(*, timesheet: Timesheet, actor) -> Timesheet:
    """Approve a submitted sheet: its hours become actuals and can no longer be changed."""
    sheet = _locked(timesheet)
    sheet.decided_by, sheet.decided_at = actor, timezone.now()
    Timesheet.workflow.move(
        sheet, TimesheetStatus.APPROVED, actor=actor, user=actor, fields=["decided_by", "decided_at"]
    )
    task_progress_derive(project_id=sheet.project_id, actor=actor)  # a correction's sheet comes here too
    return sheet


@transaction.atomic
def timesheet_return(*, timesheet: Timesheet, actor, reason: str) -> Timesheet:
    """Send a submitted sheet back to its author with the reason; they correct and submit again."""
    if not reason.strip():
        raise ValidationError(_("Say why the timesheet goes back."))
    sheet = _locked(timesheet)
    sheet.decided_by, sheet.decided_at, sheet.return_reason = actor, timezone.now(), reason.strip()
    Timesheet.workflow.move(
        sheet,
        TimesheetStatus.RETURNED,
        actor=actor,
        user=actor,
        reason=reason,
        fields=["decided_by", "decided_at", "return_reason"],
    )
    transaction.on_commit(lambda: _returned_mail(sheet.pk))
    return sheet


def _returned_mail(timesheet_id: int) -> None:
    from projects.tasks import timesheet_returned_notify_task

    timesheet_returned_notify_task.delay(timesheet_id)


def timesheet_returned_notify(*, timesheet_id: int) -> bool:
    """Tell the author, in their language, that a week came back and why."""
    sheet = Timesheet.objects.select_related("resource__user", "project", "decided_by").get(pk=timesheet_id)
    user = sheet.resource.user
    if user is None or not user.email:
        return False
    with translation.override(user.preferred_language or "en"):
        subject = _("Timesheet of %(week)s returned (%(project)s)") % {
            "week": date_format(sheet.week_start, "SHORT_DATE_FORMAT"),
            "project": sheet.project.code,
        }
        body = _("%(who)s returned your hours: %(reason)s\n%(url)s") % {
            "who": sheet.decided_by,
            "reason": sheet.return_reason,
            "url": f"{settings.SITE_URL}{_week_url(sheet.week_start)}",
        }
    send_mail(subject, body, None, [user.email])
    return True


def _week_url(week_start: date) -> str:
    from django.urls import reverse

    year, week, _day = week_start.isocalendar()
    return f"{reverse('projects:timesheet-week')}?week={year}-W{week:02d}"


@transaction.atomic
def timesheet_correction_open(*, timesheet: Timesheet, actor) -> Timesheet:
    """Open a new draft revision of an approved sheet; approved entries stay as they were."""
    sheet = _locked(timesheet)
    _check_booker(resource=sheet.resource, actor=actor)
    if not sheet.is_approved:
        raise ValidationError(_("Only approved hours need a correction; change the draft instead."))
    if sheet.is_imported:
        raise ValidationError(_("These hours come from Dynamics 365: correct them there."))
    try:
        with transaction.atomic():
            correction = Timesheet(
                resource=sheet.resource,
                project=sheet.project,
                week_start=sheet.week_start,
                track=sheet.track,
                revision=sheet.revision + 1,
            )
            audited_save(correction, actor=actor, reason=_("Correction"))
    except (IntegrityError, ValidationError):
        raise ValidationError(_("A correction of this week is already open.")) from None
    return correction


@transaction.atomic
def timesheet_week_copy_previous(*, resource: Resource, week_start: date, actor) -> int:
    """Book last week's hours again on the same weekdays where this week is still empty."""
    _check_booker(resource=resource, actor=actor)
    previous = week_start - timedelta(days=7)
    last_week = (
        TimesheetEntry.objects.filter(
            resource=resource, day__gte=previous, day__lt=week_start, timesheet__track__in=BOOKED_TRACKS
        )
        .values("task_id", "day")
        .annotate(hours=Sum("hours"))
        .filter(hours__gt=0)
    )
    taken = set(
        TimesheetEntry.objects.filter(
            resource=resource, day__gte=week_start, day__lt=week_start + timedelta(7)
        ).values_list("task_id", "day")
    )
    bookable = {
        task.pk: task
        for task in Task.objects.filter(
            bookable_task_q(resource=resource), pk__in={r["task_id"] for r in last_week}
        )
    }
    copied = 0
    for row in last_week:
        day = row["day"] + timedelta(days=7)
        task = bookable.get(row["task_id"])
        if task is None or (task.pk, day) in taken:
            continue
        try:
            with transaction.atomic():
                time_entry_set(resource=resource, task=task, day=day, hours=row["hours"], actor=actor)
        except ValidationError:
            continue  # that project's sheet is already submitted or approved: leave it
        copied += 1
    return copied


def timesheet_reminders_send(*, today: date | None = None) -> int:
    """Email each person whose last week is not submitted, once per person and week, in their language."""
    today = today or timezone.localdate()
    week_start = iso_week_start(today) - timedelta(days=7)
    sent = 0
    for resource in unsubmitted_week_resources(week_start=week_start):
        user = resource.user
        if user is None or not user.email:
            continue  # nobody to write to: no reminder is recorded as sent
        reminder, _created = TimesheetReminder.objects.get_or_create(resource=resource, week_start=week_start)
        # Claim the row: a retry or a second worker finds it taken and sends nothing.
        claimed = TimesheetReminder.objects.filter(
            pk=reminder.pk, status=TimesheetReminder.Status.QUEUED
        ).update(status=TimesheetReminder.Status.SENT, sent_at=timezone.now())
        if not claimed:
            continue
        try:
            _reminder_mail(user, week_start)
        except Exception as error:
            # Back to the queue with the error: the task's retry claims it again.
            TimesheetReminder.objects.filter(pk=reminder.pk).update(
                status=TimesheetReminder.Status.QUEUED, sent_at=None, error=str(error)[:2000]
            )
            raise
        sent += 1
    return sent


def _reminder_mail(user: User, week_start: date) -> None:
    with translation.override(user.preferred_language or "en"):
        week = date_format(week_start, "SHORT_DATE_FORMAT")
        subject = _("Your timesheet of the week of %(week)s is not submitted") % {"week": week}
        body = _("Please book and submit your hours of the week of %(week)s: %(url)s") % {
            "week": week,
            "url": f"{settings.SITE_URL}{_week_url(week_start)}",
        }
    send_mail(subject, body, None, [user.email])


def _import_sheet(*, resource: Resource, task: Task, day: date) -> Timesheet:
    """The approved Dynamics 365 sheet of the week that has no hours yet on this task and day."""
    key = {
        "resource": resource,
        "project_id": task.project_id,
        "week_start": iso_week_start(day),
        "track": ApprovalTrack.DYNAMICS365,
    }
    sheets = list(Timesheet.objects.select_for_update().filter(**key).order_by("revision"))
    taken = set(
        TimesheetEntry.objects.filter(
            timesheet__in=sheets, task=task, day=day, reverses__isnull=True
        ).values_list("timesheet_id", flat=True)
    )
    free = next((sheet for sheet in sheets if sheet.pk not in taken), None)
    if free:
        return free
    # Dynamics keeps several entries per person, task and day, and a changed one is booked again: each
    # needs a sheet where that cell is free (one booking per task and day and sheet).
    sheet = Timesheet(
        **key,
        revision=(sheets[-1].revision + 1) if sheets else 1,
        status=TimesheetStatus.APPROVED,
        decided_at=timezone.now(),
    )
    audited_save(sheet, actor=None, reason=_("Imported from Dynamics 365"))
    return sheet


@transaction.atomic
def time_entry_import(
    *, resource: Resource, task: Task, day: date, hours: Decimal, note: str
) -> TimesheetEntry:
    """Book hours approved in Dynamics 365 on an approved sheet of the Dynamics 365 track."""
    if hours <= 0 or hours > MAX_HOURS_PER_DAY:
        raise ValidationError(_("Hours of a day are between 0 and 24."))
    Resource.objects.select_for_update().filter(pk=resource.pk).first()
    sheet = _import_sheet(resource=resource, task=task, day=day)
    entry = TimesheetEntry(
        timesheet=sheet, task=task, resource=resource, day=day, hours=hours, note=note[:200]
    )
    audited_save(entry, actor=None, reason=_("Imported from Dynamics 365"))
    return entry


@transaction.atomic
def time_entry_import_reverse(*, entry: TimesheetEntry, reason: str) -> TimesheetEntry:
    """Cancel imported hours with a reversing entry on their sheet; the imported entry stays as it was."""
    entry = TimesheetEntry.objects.select_for_update().select_related("timesheet").get(pk=entry.pk)
    if not entry.timesheet.is_imported or entry.reverses_id or hasattr(entry, "reversed_by"):
        raise ValidationError(_("Only imported hours that still count can be reversed here."))
    reversal = TimesheetEntry(
        timesheet=entry.timesheet,
        task_id=entry.task_id,
        resource_id=entry.resource_id,
        day=entry.day,
        hours=-entry.hours,
        reverses=entry,
        note=entry.note,
    )
    audited_save(reversal, actor=None, reason=reason)
    return reversal


@transaction.atomic
def cost_rate_create(
    *, resource: Resource, hourly_rate: Decimal, valid_from: date, valid_to: date | None, actor
) -> CostRate:
    """Add a cost rate; it may not overlap another rate of the same resource."""
    Resource.objects.select_for_update().filter(pk=resource.pk).first()
    if CostRate.objects.filter(resource=resource).overlapping(valid_from, valid_to).exists():
        raise ValidationError(_("This period overlaps another cost rate of the resource."))
    rate = CostRate(resource=resource, hourly_rate=hourly_rate, valid_from=valid_from, valid_to=valid_to)
    audited_save(rate, actor=actor)
    return rate


@transaction.atomic
def role_cost_rate_create(
    *, role_name: str, hourly_rate: Decimal, valid_from: date, valid_to: date | None, actor
) -> RoleCostRate:
    """Add a rate to a role (created on its first rate); it may not overlap another rate of the role."""
    name = " ".join(role_name.split())
    if not name:
        raise ValidationError({"role_name": _("Name the role.")})
    role = ResourceRole.objects.filter(name__iexact=name).first()
    if role is None:
        role = ResourceRole(name=name)
        audited_save(role, actor=actor)
    ResourceRole.objects.select_for_update().filter(pk=role.pk).first()
    if RoleCostRate.objects.filter(role=role).overlapping(valid_from, valid_to).exists():
        raise ValidationError(_("This period overlaps another cost rate of the role."))
    rate = RoleCostRate(role=role, hourly_rate=hourly_rate, valid_from=valid_from, valid_to=valid_to)
    audited_save(rate, actor=actor)
    return rate
