"""Celery tasks of the reporting app: thin, they fetch by id and call a service."""

from celery import shared_task

from reporting import services


@shared_task(bind=True, acks_late=True, soft_time_limit=120, time_limit=180)
def highlight_report_render_task(self, report_id: int) -> bool:
    """Render one highlight report to PDF (a duplicate delivery finds it claimed and does nothing)."""
    return services.highlight_report_render(report_id=report_id, worker=self.request.hostname or "")


@shared_task(bind=True, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def highlight_report_email_task(self, report_id: int) -> bool:
    """Send a ready report to the project's distribution list, once."""
    return services.highlight_report_email(report_id=report_id)


@shared_task(acks_late=True, time_limit=600)
def weekly_batch_task() -> int:
    """Queue last week's reports of every active project."""
    return len(services.weekly_batch_run())


@shared_task(acks_late=True)
def highlight_reports_sweep_task() -> int:
    """Requeue reports whose worker died while rendering."""
    return services.highlight_reports_sweep_stale()
