"""Celery tasks of the quality app: thin wrappers around services."""

from celery import shared_task

from pmo.lib.tasks import NETWORK_RETRY
from quality.services import handover as handover_services
from quality.services import survey as survey_services


@shared_task(**NETWORK_RETRY)
def survey_send_email_task(self, survey_id: int) -> bool:
    """Email a customer their satisfaction survey link."""
    return survey_services.survey_email_send(survey_id=survey_id)


@shared_task(**NETWORK_RETRY)
def handover_event_notify_task(self, event_id: int) -> bool:
    """Tell the other side of a hand-over about its new step."""
    return handover_services.handover_event_notify(event_id=event_id)
