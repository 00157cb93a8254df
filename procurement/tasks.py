"""Celery tasks of the procurement app: thin, they call a service."""

from celery import shared_task

from procurement.services import notifications


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def purchase_order_notify_task(self, order_id: int, event: str) -> int:
    """Tell approvers or the requester about an order."""
    return notifications.purchase_order_notify(order_id=order_id, event=event)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def purchase_order_email_task(self, order_id: int) -> bool:
    """Email the order PDF to its supplier."""
    return notifications.purchase_order_email(order_id=order_id)
