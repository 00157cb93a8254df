from celery import shared_task

from pmo import services
from pmo.lib.tasks import NETWORK_RETRY, SCHEDULED


@shared_task(**NETWORK_RETRY)
def user_send_welcome_email_task(self, user_id: int) -> bool:
    """Send a new user their welcome email."""
    return services.user_send_welcome_email(user_id=user_id)


@shared_task(**SCHEDULED)
def notification_digests_task(self) -> int:
    """Send today's digest emails (beat, once a day)."""
    return services.notification_digests_send()
