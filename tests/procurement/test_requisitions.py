"""Purchase requisitions: requested by the team, reviewed by the PMO or the PM, ordered by supplier."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pmo.roles import Role
from procurement.models import PurchaseOrder, PurchaseOrderStatus, PurchaseRequisition, RequisitionStatus
from procurement.services import orders as order_services
from procurement.services import requisitions as services
from tests.factories import SupplierFactory, UserFactory, user_with_role
from tests.procurement.tender_helpers import PDF, accepted_requisition, requisition, team

pytestmark = pytest.mark.django_db
R = RequisitionStatus


def _form(team, **values):
    data = {
        "project": team.project.pk,
        "description": "Glasvezel patchkabel LC-LC",
        "quantity": "12",
        "unit": "pcs",
        "estimated_unit_price": "12,00",
        "needed_by": "2027-01-15",
        "budget_line": team.budget_line.pk,
    }
    return {**data, **values}


def test_it_lets_an_engineer_on_the_team_request_with_an_attachment(
    client, django_capture_on_commit_callbacks
):
    crew = team()
    client.force_login(crew.engineer)
    upload = SimpleUploadedFile("offerte.pdf", PDF, content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("procurement:requisition-create"), {**_form(crew), "attachment": upload}
        )
    requisition = PurchaseRequisition.objects.get()
    assert response.status_code == 302 and response.url == requisition.get_absolute_url()
    assert requisition.requester == crew.engineer and requisition.status == R.SUBMITTED
    assert requisition.estimated_unit_price == Decimal("12.00")  # read in the user's locale
    assert requisition.attachment_name == "offerte.pdf" and requisition.attachment_type == "application/pdf"
    assert requisition.history.count() == 1
    assert [message.to for message in mail.outbox] == [[crew.pm.email]]  # the PM is told
    download = client.get(reverse("procurement:requisition-attachment", args=[requisition.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_the_price_is_optional_for_the_requester(client):
    crew = team()
    client.force_login(crew.engineer)
    response = client.post(reverse("procurement:requisition-create"), _form(crew, estimated_unit_price=""))
    assert response.status_code == 302
    assert PurchaseRequisition.objects.get().estimated_unit_price == Decimal("0.00")


def test_it_refuses_a_disguised_attachment_and_saves_nothing(client):
    crew = team()
    client.force_login(crew.engineer)
    upload = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("procurement:requisition-create"), {**_form(crew), "attachment": upload})
    assert response.status_code == 200
    assert "does not match its type" in response.content.decode()
    assert not PurchaseRequisition.objects.exists()


def test_it_refuses_someone_off_the_team_and_saves_nothing():
    crew = team()
    with pytest.raises(ValidationError):
        services.requisition_submit(
            actor=UserFactory(),
            project=crew.project,
            description="x",
            quantity=Decimal(1),
            needed_by="2027-01-01",
        )
    assert not PurchaseRequisition.objects.exists()


def test_the_create_form_offers_only_the_projects_the_user_works_on(client):
    crew, other = team(), team()
    client.force_login(crew.engineer)
    response = client.post(reverse("procurement:requisition-create"), _form(crew, project=other.project.pk))
    assert response.status_code == 200 and not PurchaseRequisition.objects.exists()
    assert other.project.code not in response.content.decode()


def test_it_hides_a_requisition_from_someone_off_the_team(client):
    crew = team()
    item = requisition(crew)
    client.force_login(UserFactory())
    assert client.get(item.get_absolute_url()).status_code == 404
    client.force_login(user_with_role(Role.PROJECT_MANAGER))  # a PM of another project
    assert client.get(item.get_absolute_url()).status_code == 404


def test_the_pmo_accepts_and_the_requester_is_told(client, django_capture_on_commit_callbacks):
    crew = team()
    item = requisition(crew)
    client.force_login(crew.pmo)
    page = client.get(item.get_absolute_url())
    assert reverse("procurement:requisition-accept", args=[item.pk]) in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("procurement:requisition-accept", args=[item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == R.ACCEPTED and item.reviewed_by == crew.pmo
    assert mail.outbox[-1].to == [crew.engineer.email]
    assert mail.outbox[-1].subject == f"Requisition {item.number} is accepted"


def test_the_requester_cannot_accept_their_own_requisition(client):
    crew = team()
    item = requisition(crew)
    client.force_login(crew.engineer)
    client.post(reverse("procurement:requisition-accept", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == R.SUBMITTED and item.reviewed_by is None and item.history.count() == 1


def test_review_actions_are_post_only(client):
    crew = team()
    item = requisition(crew)
    client.force_login(crew.pmo)
    for name in ("accept", "return", "reject", "cancel"):
        assert client.get(reverse(f"procurement:requisition-{name}", args=[item.pk])).status_code == 405
    item.refresh_from_db()
    assert item.status == R.SUBMITTED


def test_a_return_needs_a_reason_then_the_requester_changes_and_sends_again(client):
    crew = team()
    item = requisition(crew)
    client.force_login(crew.pm)
    client.post(reverse("procurement:requisition-return", args=[item.pk]), {"reason": " "})
    item.refresh_from_db()
    assert item.status == R.SUBMITTED
    client.post(reverse("procurement:requisition-return", args=[item.pk]), {"reason": "Welke lengte?"})
    item.refresh_from_db()
    assert item.status == R.RETURNED and item.review_reason == "Welke lengte?"
    client.force_login(crew.engineer)
    assert "Welke lengte?" in client.get(item.get_absolute_url()).content.decode()
    response = client.post(
        reverse("procurement:requisition-update", args=[item.pk]), _form(crew, description="Patch 3 m")
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == R.SUBMITTED and item.description == "Patch 3 m"


def test_a_rejection_needs_a_reason_and_is_final():
    crew = team()
    item = requisition(crew)
    with pytest.raises(ValidationError):
        services.requisition_reject(requisition=item, actor=crew.pmo, reason="")
    item = services.requisition_reject(requisition=item, actor=crew.pmo, reason="Staat al in stock.")
    with pytest.raises(ValidationError):
        services.requisition_accept(requisition=item, actor=crew.pmo)
    item.refresh_from_db()
    assert item.status == R.REJECTED


def test_accepted_requisitions_become_one_draft_order_per_supplier_linked_both_ways(client):
    crew = team()
    first, second = SupplierFactory(name="Aaa"), SupplierFactory(name="Bbb")
    one = accepted_requisition(crew, supplier=first)
    two = accepted_requisition(crew, supplier=first, description="Kabelgoot", quantity=Decimal(6))
    three = accepted_requisition(crew, supplier=None, budget_line=None)
    client.force_login(crew.pmo)
    url = reverse("procurement:requisition-order", args=[crew.project.pk])
    response = client.post(
        url,
        {
            "requisitions": [one.pk, two.pk, three.pk],
            "supplier": second.pk,
            "budget_line": crew.budget_line.pk,
            "order": "1",
        },
    )
    assert response.status_code == 302
    orders = list(PurchaseOrder.objects.order_by("supplier__name"))
    assert [order.supplier for order in orders] == [first, second]
    assert [line.description for line in orders[0].lines.order_by("position")] == [
        one.description,
        "Kabelgoot",
    ]
    for item in (one, two, three):
        item.refresh_from_db()
        assert item.status == R.ORDERED and item.order_line.requisition == item
    assert three.order_line.budget_line == crew.budget_line and three.order_line.order.supplier == second
    # The order then follows the approval matrix: the project's PM is asked.
    order = order_services.purchase_order_submit(order=orders[0], actor=crew.pmo)
    assert order.status == PurchaseOrderStatus.SUBMITTED and order.awaiting_roles == [Role.PROJECT_MANAGER]
    client.force_login(crew.engineer)  # the requester sees the order's state on the requisition page
    page = client.get(one.get_absolute_url()).content.decode()
    assert order.number in page and str(PurchaseOrderStatus.SUBMITTED.label) in page


def test_ordering_refuses_a_requisition_not_accepted_and_changes_nothing():
    crew = team()
    waiting = requisition(crew, supplier=SupplierFactory())
    with pytest.raises(ValidationError):
        services.requisitions_order(requisitions=[waiting], actor=crew.pmo)
    waiting.refresh_from_db()
    assert waiting.status == R.SUBMITTED and waiting.order_line is None
    assert not PurchaseOrder.objects.exists()


def test_the_engineer_cannot_open_the_ordering_page(client):
    crew = team()
    client.force_login(crew.engineer)
    assert client.get(reverse("procurement:requisition-order", args=[crew.project.pk])).status_code == 404


def test_the_list_reads_in_constant_queries_and_shows_only_visible_rows(
    client, django_assert_max_num_queries
):
    crew, other = team(), team()
    for _ in range(3):
        requisition(crew)
    hidden = requisition(other)
    client.force_login(crew.engineer)
    url = reverse("procurement:requisition-list")
    with django_assert_max_num_queries(12) as few:
        response = client.get(url)
    assert hidden.number not in response.content.decode()
    for _ in range(12):
        accepted_requisition(crew, supplier=SupplierFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("requisition-status-") == 15
    filtered = client.get(url, {"status": "accepted"}).content.decode()
    assert filtered.count("requisition-status-") == 12
