"""Celery tasks of the projects app: thin, they fetch by id and call a service."""

from celery import shared_task

from pmo.lib.tasks import NETWORK_RETRY, SCHEDULED
from projects.services.intake import intake_notify_sales


@shared_task(**NETWORK_RETRY)
def intake_notify_sales_task(self, status_change_id: int) -> bool:
    """Email sales that their intake changed status."""
    return intake_notify_sales(status_change_id=status_change_id)


@shared_task(**NETWORK_RETRY)
def risk_review_reminders_task(self) -> int:
    """Remind risk owners whose review date has come (daily, from Celery beat)."""
    from projects.services.registers import risk_review_reminders_send

    return risk_review_reminders_send()


@shared_task(**SCHEDULED)
def quotation_expire_overdue_task(self) -> int:
    """Expire the sent quotations whose validity has passed (hourly, on Celery beat)."""
    from projects.services.quotations import quotation_expire_overdue

    return quotation_expire_overdue()


# Timesheets (issue 15, helper "timesheets").
@shared_task(**NETWORK_RETRY)
def timesheet_returned_notify_task(self, timesheet_id: int) -> bool:
    """Email the author of a returned timesheet."""
    from projects.services.timesheets import timesheet_returned_notify

    return timesheet_returned_notify(timesheet_id=timesheet_id)


@shared_task(**NETWORK_RETRY)
def timesheet_reminders_task(self) -> int:
    """Remind people whose last week is not submitted (Monday morning, from Celery beat)."""
    from projects.services.timesheets import timesheet_reminders_send

    return timesheet_reminders_send()


# Meetings (issue 16, branch feature/meetings).
@shared_task(**NETWORK_RETRY)
def meeting_invitations_send_task(self, meeting_id: int) -> int:
    """Email the meeting's invitation and calendar file to the attendees not invited yet."""
    from projects.services.meetings import meeting_invitations_send

    return meeting_invitations_send(meeting_id=meeting_id)


@shared_task(bind=True, acks_late=True, soft_time_limit=240, time_limit=300)
def meeting_minutes_distribute_task(self, distribution_id: int) -> bool:
    """Send the closed minutes to every attendee (a duplicate delivery finds the job claimed)."""
    from projects.services.meetings import meeting_minutes_distribute

    return meeting_minutes_distribute(distribution_id=distribution_id, worker=self.request.hostname or "")
