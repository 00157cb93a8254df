"""Celery tasks of the projects app: thin, they fetch by id and call a service."""

from celery import shared_task

from projects.services.intake import intake_notify_sales


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def intake_notify_sales_task(self, status_change_id: int) -> bool:
    """Email sales that their intake changed status."""
    return intake_notify_sales(status_change_id=status_change_id)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def risk_review_reminders_task(self) -> int:
    """Remind risk owners whose review date has come (daily, from Celery beat)."""
    from projects.services.registers import risk_review_reminders_send

    return risk_review_reminders_send()
