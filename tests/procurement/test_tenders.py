"""Requests for quotation: sent once per supplier with a PDF in their language, quotes recorded by the PMO or
by the supplier's link, compared side by side, awarded into an order that follows the approval matrix."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pmo.roles import Role
from procurement import tasks
from procurement.models import (
    PurchaseOrder,
    PurchaseOrderStatus,
    RequestForQuotation,
    RequisitionStatus,
    RfqInvitation,
    RfqStatus,
    SupplierQuote,
)
from procurement.selectors.tenders import rfq_comparison
from procurement.services import orders as order_services
from procurement.services import tenders as services
from tests.factories import SupplierFactory, UserFactory, user_with_role
from tests.procurement.tender_helpers import accepted_requisition, record, sent_rfq, team

pytestmark = pytest.mark.django_db


def _invitations(rfq):
    return list(rfq.invitations.select_related("supplier").order_by("supplier__name"))


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_a_tender_from_accepted_requisitions_keeps_the_link():
    crew = team()
    one = accepted_requisition(crew)
    rfq = services.rfq_create(
        actor=crew.pmo,
        project=crew.project,
        lines=[],
        requisitions=[one],
        title="Patch",
        deadline=timezone.localdate(),
    )
    line = rfq.lines.get()
    assert line.requisition == one and line.quantity == one.quantity and line.budget_line == crew.budget_line
    with pytest.raises(ValidationError):  # not twice
        services.rfq_create(
            actor=crew.pmo,
            project=crew.project,
            lines=[],
            requisitions=[one],
            title="Again",
            deadline=timezone.localdate(),
        )
    assert RequestForQuotation.objects.count() == 1


def test_sending_emails_each_supplier_once_in_their_language_with_the_pdf(django_capture_on_commit_callbacks):
    crew = team()
    with django_capture_on_commit_callbacks(execute=True):
        rfq = sent_rfq(crew)
    assert rfq.status == RfqStatus.SENT
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        invitation.supplier.email for invitation in _invitations(rfq)
    )
    french = next(message for message in mail.outbox if message.to == [_invitations(rfq)[1].supplier.email])
    assert french.subject.startswith("Demande de prix") or "RFQ" in french.subject
    name, content, content_type = french.attachments[0]
    assert name == f"{rfq.number}.pdf" and content_type == "application/pdf"
    assert rfq.number in _pdf_text(content) and "Cat6A cable 305 m" in _pdf_text(content)
    token = _invitations(rfq)[1].token
    assert reverse("procurement:rfq-quote-by-link", args=[token]) in french.body
    # A retry of the task after success sends nothing again.
    assert tasks.rfq_invitation_email_task.delay(_invitations(rfq)[1].pk).get() is False
    assert len(mail.outbox) == 3


def test_a_draft_needs_lines_and_suppliers_before_it_is_sent():
    crew = team()
    rfq = services.rfq_create(
        actor=crew.pmo,
        project=crew.project,
        title="Empty",
        deadline=timezone.localdate(),
        lines=[{"description": "x", "quantity": Decimal(1), "unit": "pcs", "budget_line": crew.budget_line}],
    )
    with pytest.raises(ValidationError):
        services.rfq_send(rfq=rfq, actor=crew.pmo)
    rfq.refresh_from_db()
    assert rfq.status == RfqStatus.DRAFT and rfq.sent_at is None


def test_a_blocked_supplier_cannot_be_invited():
    crew = team()
    rfq = services.rfq_create(
        actor=crew.pmo,
        project=crew.project,
        title="x",
        deadline=timezone.localdate(),
        lines=[{"description": "x", "quantity": Decimal(1), "unit": "pcs", "budget_line": crew.budget_line}],
    )
    with pytest.raises(ValidationError):
        services.rfq_supplier_invite(rfq=rfq, supplier=SupplierFactory(is_blocked=True), actor=crew.pmo)
    assert not rfq.invitations.exists()


def test_the_supplier_answers_through_the_link_once_without_login(client):
    crew = team()
    rfq = sent_rfq(crew)
    invitation = _invitations(rfq)[1]  # French speaking
    url = reverse("procurement:rfq-quote-by-link", args=[invitation.token])
    page = client.get(url)
    assert page.status_code == 200 and 'lang="fr"' in page.content.decode()
    lines = list(rfq.lines.order_by("position"))
    data = {f"price_{lines[0].pk}": "199,90", f"price_{lines[1].pk}": "52,00", "delivery_days": "8"}
    assert client.post(url, data).status_code == 302
    quote = SupplierQuote.objects.get(invitation=invitation)
    assert quote.recorded_by is None and quote.via_link and quote.delivery_days == 8
    assert quote.lines.get(rfq_line=lines[0]).amount == Decimal("1999.00")
    again = client.post(url, {**data, "delivery_days": "2"})
    assert again.status_code == 410
    quote.refresh_from_db()
    assert quote.delivery_days == 8 and SupplierQuote.objects.count() == 1


def test_an_expired_or_unknown_link_takes_no_quote(client):
    crew = team()
    rfq = sent_rfq(crew)
    invitation = _invitations(rfq)[0]
    RfqInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    line = rfq.lines.first()
    url = reverse("procurement:rfq-quote-by-link", args=[invitation.token])
    assert client.post(url, {f"price_{line.pk}": "1", "delivery_days": "1"}).status_code == 410
    assert client.get(reverse("procurement:rfq-quote-by-link", args=["nope"])).status_code == 404
    assert not SupplierQuote.objects.exists()


def test_the_pmo_records_a_quote_and_an_outsider_cannot(client):
    crew = team()
    rfq = sent_rfq(crew)
    invitation = _invitations(rfq)[0]
    lines = list(rfq.lines.order_by("position"))
    url = reverse("procurement:rfq-quote-record", args=[rfq.pk, invitation.pk])
    data = {
        f"price_{lines[0].pk}": "210,00",
        f"price_{lines[1].pk}": "50,00",
        "delivery_days": "12",
        "quality_score": "4",
    }
    client.force_login(user_with_role(Role.PROJECT_MANAGER))  # another project's PM
    assert client.post(url, data).status_code == 404
    assert not SupplierQuote.objects.exists()
    client.force_login(crew.pmo)
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 302
    quote = SupplierQuote.objects.get()
    assert quote.recorded_by == crew.pmo and quote.quality_score == 4


def test_the_comparison_puts_suppliers_side_by_side_and_highlights_the_lowest(client):
    crew = team()
    rfq = sent_rfq(crew)
    aaa, bbb, ccc = _invitations(rfq)
    record(crew, aaa, "200.00", "55.00", delivery_days=10)  # 4,200.00
    record(crew, bbb, "190.00", "60.00", delivery_days=5, quality_score=5)  # 4,300.00
    record(crew, ccc, "210.00", "50.00", delivery_days=20)  # 4,100.00, the cheapest
    comparison = rfq_comparison(rfq=rfq)
    assert [quote.total for quote in comparison.quotes] == [
        Decimal("4200.00"),
        Decimal("4300.00"),
        Decimal("4100.00"),
    ]
    assert comparison.cheapest.invitation == ccc
    assert [[lowest for _q, _p, lowest in row.cells] for row in comparison.rows] == [
        [False, True, False],
        [False, False, True],
    ]
    assert comparison.best.invitation == bbb  # fast and well rated beats 200 EUR cheaper at 60/20/20
    client.force_login(crew.pmo)
    page = client.get(reverse("procurement:rfq-compare", args=[rfq.pk])).content.decode()
    assert (
        page.count("supplier-column") == 3 and page.count("table-success lowest") == 3
    )  # two lines and the total
    assert "4.100,00" in page or "4,100.00" in page


def test_awarding_another_than_the_cheapest_needs_a_justification_and_changes_nothing_without(client):
    crew = team()
    rfq = sent_rfq(crew)
    aaa, bbb, ccc = _invitations(rfq)
    record(crew, aaa, "200.00", "55.00")
    quote = record(crew, bbb, "190.00", "60.00", delivery_days=5, quality_score=5)
    record(crew, ccc, "210.00", "50.00")
    client.force_login(crew.pmo)
    url = reverse("procurement:rfq-award", args=[rfq.pk])
    client.post(url, {"quote": quote.pk, "justification": " "})
    rfq.refresh_from_db()
    assert rfq.status == RfqStatus.SENT and rfq.purchase_order is None and not PurchaseOrder.objects.exists()
    response = client.post(url, {"quote": quote.pk, "justification": "Levert in 5 dagen, VCA in orde."})
    rfq.refresh_from_db()
    order = rfq.purchase_order
    assert response.status_code == 302 and response.url == order.get_absolute_url()
    assert rfq.status == RfqStatus.AWARDED and rfq.awarded_quote == quote
    assert rfq.award_justification == "Levert in 5 dagen, VCA in orde."
    assert order.supplier == bbb.supplier and order.status == PurchaseOrderStatus.DRAFT
    assert [line.unit_price for line in order.lines.order_by("position")] == [
        Decimal("190.00"),
        Decimal("60.00"),
    ]
    order = order_services.purchase_order_submit(order=order, actor=crew.pmo)
    assert order.awaiting_roles == [Role.PROJECT_MANAGER]  # 4,300 EUR: the project's PM approves
    with pytest.raises(ValidationError):
        order_services.purchase_order_approve(order=order, approver=user_with_role(Role.FINANCE))
    order = order_services.purchase_order_approve(order=order, approver=crew.pm)
    assert order.status == PurchaseOrderStatus.APPROVED


def test_the_award_orders_the_requisitions_behind_the_tender(client):
    crew = team()
    one = accepted_requisition(crew)
    rfq = services.rfq_create(
        actor=crew.pmo,
        project=crew.project,
        lines=[
            {
                "description": "Rack 42U",
                "quantity": Decimal(1),
                "unit": "pcs",
                "budget_line": crew.budget_line,
            }
        ],
        requisitions=[one],
        title="Patch",
        deadline=timezone.localdate(),
    )
    services.rfq_supplier_invite(rfq=rfq, supplier=SupplierFactory(), actor=crew.pmo)
    rfq = services.rfq_send(rfq=rfq, actor=crew.pmo)
    quote = record(crew, rfq.invitations.get(), "4.20", "880.00")
    order = services.rfq_award(rfq=rfq, quote=quote, actor=crew.pmo)
    one.refresh_from_db()
    assert one.status == RequisitionStatus.ORDERED and one.order_line.order == order
    assert one.order_line.unit_price == Decimal("4.20")
    client.force_login(crew.engineer)
    assert order.number in client.get(one.get_absolute_url()).content.decode()


def test_the_rfq_pdf_carries_the_company_and_is_in_the_supplier_language(client):
    crew = team()
    rfq = sent_rfq(crew)
    french = _invitations(rfq)[1]
    client.force_login(crew.pmo)
    response = client.get(reverse("procurement:rfq-pdf", args=[rfq.pk]), {"supplier": french.supplier_id})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Demande de prix" in text and french.supplier.name in text


def test_rfq_pages_are_hidden_from_people_outside(client):
    crew = team()
    rfq = sent_rfq(crew)
    for user in (crew.engineer, UserFactory(), user_with_role(Role.PROJECT_MANAGER)):
        client.force_login(user)
        assert client.get(rfq.get_absolute_url()).status_code == 404
        assert client.get(reverse("procurement:rfq-compare", args=[rfq.pk])).status_code == 404
    assert client.get(reverse("procurement:rfq-send", args=[rfq.pk])).status_code == 405


def test_the_rfq_list_reads_in_constant_queries(client, django_assert_max_num_queries):
    crew = team()
    sent_rfq(crew)
    client.force_login(crew.pmo)
    url = reverse("procurement:rfq-list")
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for _ in range(4):
        rfq = sent_rfq(crew)
        record(crew, _invitations(rfq)[0], "1.00", "2.00")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("rfq-status-") == 5 and page.count("1 / 3") == 4
