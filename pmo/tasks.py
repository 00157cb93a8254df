from celery import shared_task

from pmo import services


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def user_send_welcome_email_task(self, user_id: int) -> bool:
    """Send a new user their welcome email."""
    return services.user_send_welcome_email(user_id=user_id)
