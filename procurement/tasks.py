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


@shared_task(**NETWORK_RETRY)
def requisition_notify_task(self, requisition_id: int, event: str) -> int:
    """Tell reviewers or the requester about a requisition."""
    return notifications.requisition_notify(requisition_id=requisition_id, event=event)


@shared_task(**NETWORK_RETRY)
def rfq_invitation_email_task(self, invitation_id: int) -> bool:
    """Email a request for quotation to one invited supplier (claimed once: a retry sends nothing twice)."""
    return notifications.rfq_invitation_email(invitation_id=invitation_id)
