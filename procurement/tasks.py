"""Celery tasks of the procurement app: thin, they call a service."""

from celery import shared_task

from pmo.lib.tasks import NETWORK_RETRY
from procurement.services import notifications


@shared_task(**NETWORK_RETRY)
def purchase_order_notify_task(self, order_id: int, event: str) -> int:
    """Tell approvers or the requester about an order."""
    return notifications.purchase_order_notify(order_id=order_id, event=event)


@shared_task(**NETWORK_RETRY)
def purchase_order_email_task(self, order_id: int) -> bool:
    """Email the order PDF to its supplier."""
    return notifications.purchase_order_email(order_id=order_id)
