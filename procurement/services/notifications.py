"""Emails about orders: approvers when an order waits for them, requesters when it is decided, suppliers."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from pmo.models import NotificationEvent, User
from pmo.services import notification_send
from procurement.models import ApprovalNotice, PurchaseOrder


def _recipients(order: PurchaseOrder, event: str) -> list[User]:
    """The requester of a decision; for a waiting order, the people who may fill a pending step and were not
    yet told in this approval round (one email per person and round, however many steps they may fill)."""
    from procurement.selectors.approvals import approval_requirements

    if event in ("approved", "rejected"):
        return [order.requester]
    people = {
        person.pk: person
        for requirement in approval_requirements(order=order)
        if requirement.approval is None
        for person in requirement.eligible
    }
    told = []
    for person in people.values():
        _notice, created = ApprovalNotice.objects.get_or_create(
            order=order, approval_round=order.approval_round, user=person
        )
        if created:
            told.append(person)
    return told


def purchase_order_notify(*, order_id: int, event: str) -> int:
    """Tell the people concerned about an order event; returns the number of emails sent."""
    order = PurchaseOrder.objects.select_related("project", "supplier", "requester").get(pk=order_id)
    sent = 0
    for user in _recipients(order, event):
        if not user.email:
            continue
        with translation.override(user.preferred_language):
            context = {"order": order, "event": event, "user": user, "site_url": settings.SITE_URL}
            subject = render_to_string("procurement/email/order_subject.txt", context).strip()
            body = render_to_string("procurement/email/order_body.txt", context)
        notification_send(
            recipient=user,
            event=NotificationEvent.ORDER_DECIDED
            if event in ("approved", "rejected")
            else NotificationEvent.ORDER_WAITING,
            subject=subject,
            body=body,
            link=order.get_absolute_url(),
            project=order.project,
        )
        sent += 1
    return sent


def purchase_order_email(*, order_id: int) -> bool:
    """Email the order PDF to the supplier once; a retry after success sends nothing."""
    from procurement.services.documents import purchase_order_pdf

    claimed = PurchaseOrder.objects.filter(pk=order_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    order = PurchaseOrder.objects.select_related("supplier", "project", "requester").get(pk=order_id)
    try:
        with translation.override(order.supplier.language):
            context = {"order": order}
            subject = render_to_string("procurement/email/supplier_order_subject.txt", context).strip()
            body = render_to_string("procurement/email/supplier_order_body.txt", context)
            pdf = purchase_order_pdf(order=order)
        message = EmailMessage(subject, body, None, [order.supplier.email], reply_to=[order.requester.email])
        message.attach(f"{order.number}.pdf", pdf, "application/pdf")
        message.send()
    except Exception:
        PurchaseOrder.objects.filter(pk=order_id).update(emailed_at=None)
        raise
    return True


# --- requisitions and tenders (issue 16, branch feature/tenders) ------------------------------------------
def notify(*, users, event: str, target, subject_template: str, body_template: str, context: dict) -> int:
    """Tell people about an event on `target`, each in their language; returns the emails sent.

    The one entry point of the requisition and tender events: the in-app notification list (issue 16,
    item 4) hooks here, so every event that emails someone also lands in their list.
    """
    sent = 0
    for user in {user.pk: user for user in users if user is not None}.values():
        with translation.override(user.preferred_language):
            values = {
                **context,
                "user": user,
                "event": event,
                "target": target,
                "site_url": settings.SITE_URL,
            }
            subject = render_to_string(subject_template, values).strip()
            body = render_to_string(body_template, values)
        notification_send(
            recipient=user,
            event=NotificationEvent.REQUISITION,
            subject=subject,
            body=body,
            link=target.get_absolute_url(),
            project=getattr(target, "project", None),
        )
        sent += 1
    return sent


def requisition_notify(*, requisition_id: int, event: str) -> int:
    """A new or changed requisition to its reviewers; a decision or an order to its requester."""
    from procurement.models import PurchaseRequisition

    requisition = PurchaseRequisition.objects.select_related(
        "project__project_manager", "project__support_officer", "requester"
    ).get(pk=requisition_id)
    project = requisition.project
    if event == "submitted":
        users = [project.project_manager, project.support_officer]
        users = [user for user in users if user is not None and user.pk != requisition.requester_id]
    else:
        users = [requisition.requester]
    return notify(
        users=users,
        event=event,
        target=requisition,
        subject_template="procurement/email/requisition_subject.txt",
        body_template="procurement/email/requisition_body.txt",
        context={"requisition": requisition},
    )


def rfq_invitation_email(*, invitation_id: int) -> bool:
    """Email one invited supplier the request (PDF in their language, the pack, their link) once."""
    from django.urls import reverse

    from procurement.models import RfqInvitation
    from procurement.services.tender_documents import rfq_pdf

    claimed = RfqInvitation.objects.filter(pk=invitation_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    invitation = RfqInvitation.objects.select_related("rfq__project", "rfq__created_by", "supplier").get(
        pk=invitation_id
    )
    rfq, supplier = invitation.rfq, invitation.supplier
    link = settings.SITE_URL.rstrip("/") + reverse("procurement:rfq-quote-by-link", args=[invitation.token])
    try:
        with translation.override(supplier.language):
            context = {"rfq": rfq, "invitation": invitation, "link": link}
            subject = render_to_string("procurement/email/rfq_subject.txt", context).strip()
            body = render_to_string("procurement/email/rfq_body.txt", context)
            pdf = rfq_pdf(rfq=rfq, invitation=invitation)
        message = EmailMessage(subject, body, None, [supplier.email], reply_to=[rfq.created_by.email])
        message.attach(f"{rfq.number}.pdf", pdf, "application/pdf")
        for document in rfq.documents.all():
            with document.file.open("rb") as handle:
                message.attach(document.original_name, handle.read(), document.content_type)
        message.send()
    except Exception:
        RfqInvitation.objects.filter(pk=invitation_id).update(emailed_at=None)
        raise
    return True
