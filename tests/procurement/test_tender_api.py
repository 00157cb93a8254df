"""The API of requisitions and requests for quotation: the same rights and rules as the pages."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from procurement.models import PurchaseRequisition, RequisitionStatus
from tests.factories import api_key_for
from tests.procurement.tender_helpers import record, requisition, sent_rfq, team

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


def test_an_engineer_requests_and_the_pmo_accepts_through_the_api():
    crew = team()
    body = {
        "project": crew.project.pk,
        "description": "Patch cables",
        "quantity": "24",
        "needed_by": "2027-01-15",
        "budget_line": crew.budget_line.pk,
    }
    created = _client(crew.engineer).post("/api/v1/requisitions/", body, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "submitted" and created.json()["project_code"] == crew.project.code
    refused = _client(crew.engineer).post(f"/api/v1/requisitions/{pk}/accept/")
    assert refused.status_code == 400
    assert PurchaseRequisition.objects.get(pk=pk).status == RequisitionStatus.SUBMITTED
    accepted = _client(crew.pmo).post(f"/api/v1/requisitions/{pk}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


def test_a_return_through_the_api_needs_a_reason():
    crew = team()
    item = requisition(crew)
    assert (
        _client(crew.pm).post(f"/api/v1/requisitions/{item.pk}/return/", {}, format="json").status_code == 400
    )
    response = _client(crew.pm).post(
        f"/api/v1/requisitions/{item.pk}/return/", {"reason": "Lengte?"}, format="json"
    )
    assert response.status_code == 200 and response.json()["review_reason"] == "Lengte?"


def test_someone_off_the_team_neither_sees_nor_creates():
    crew, other = team(), team()
    item = requisition(crew)
    client = _client(other.engineer)
    assert client.get(f"/api/v1/requisitions/{item.pk}/").status_code == 404
    assert client.get("/api/v1/requisitions/").json()["count"] == 0
    body = {"project": crew.project.pk, "description": "x", "quantity": "1", "needed_by": "2027-01-15"}
    assert client.post("/api/v1/requisitions/", body, format="json").status_code == 400
    assert PurchaseRequisition.objects.count() == 1


def test_a_request_for_quotation_reads_with_its_lines_and_quote_totals():
    crew = team()
    rfq = sent_rfq(crew)
    invitation = rfq.invitations.order_by("supplier__name").first()
    record(crew, invitation, "200.00", "55.00")
    response = _client(crew.pmo).get(f"/api/v1/rfqs/{rfq.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert [line["description"] for line in data["lines"]] == ["Cat6A cable 305 m", "Cable pulling"]
    totals = {row["supplier"]: row["quote_total"] for row in data["invitations"]}
    assert totals[invitation.supplier_id] == "4200.00" and list(totals.values()).count(None) == 2
    assert _client(crew.engineer).get(f"/api/v1/rfqs/{rfq.pk}/").status_code == 404
    listed = _client(crew.pmo).get("/api/v1/rfqs/").json()
    assert listed["count"] == 1 and listed["results"][0]["quote_count"] == 1
    assert Decimal(data["invitations"][0]["quote_total"] or 0) >= 0
