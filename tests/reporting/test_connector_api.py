"""The connectors through the API: runs for the PMO, opportunities for sales, D365 money by project."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from pmo.roles import Role
from projects.models import Intake
from reporting.models import Connector, D365Actual, D365Opportunity, SyncFailure, SyncRun
from tests.factories import CustomerFactory, ProjectFactory, api_key_for, intake_template, user_with_role

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


@pytest.mark.parametrize("role", Role.values)
def test_runs_are_for_the_pmo_and_administrators(role):
    run = SyncRun.objects.create(
        connector=Connector.SERVICENOW, direction=SyncRun.Direction.PUSH, status=SyncRun.Status.PARTIAL
    )
    SyncFailure.objects.create(run=run, entity="pm_project", http_status=403, message="ACL Exception")
    client = token_client(user_with_role(role))

    listing = client.get("/api/v1/sync-runs/")
    detail = client.get(f"/api/v1/sync-runs/{run.pk}/")

    if role in (Role.ADMINISTRATOR, Role.HEAD_OF_PM, Role.PM_SUPPORT):
        assert listing.json()["count"] == 1
        assert detail.json()["failures"][0]["message"] == "ACL Exception"
    else:
        assert listing.status_code == 403 and detail.status_code == 403


@pytest.mark.parametrize(
    ("role", "sees"), [(Role.SALES, True), (Role.PM_SUPPORT, True), (Role.FINANCE, False), (Role.SMO, False)]
)
def test_opportunities_are_for_sales_and_the_pmo(role, sees):
    D365Opportunity.objects.create(
        remote_id="opp-1", name="Wifi for school 1", estimated_value=Decimal("1000")
    )

    response = token_client(user_with_role(role)).get("/api/v1/d365-opportunities/")

    assert response.json()["count"] == (1 if sees else 0)


def test_d365_actuals_follow_who_sees_the_money():
    mine, other = ProjectFactory(), ProjectFactory()
    own = D365Actual.objects.create(remote_id="a-1", project=mine, amount=Decimal("760.00"))
    D365Actual.objects.create(remote_id="a-2", project=other, amount=Decimal("100.00"))

    pm = token_client(mine.project_manager).get("/api/v1/d365-actuals/").json()
    finance = token_client(user_with_role(Role.FINANCE)).get("/api/v1/d365-actuals/").json()
    sales = token_client(user_with_role(Role.SALES)).get("/api/v1/d365-actuals/").json()

    assert [row["id"] for row in pm["results"]] == [own.pk] and pm["results"][0]["amount"] == "760.00"
    assert finance["count"] == 2 and sales["count"] == 0


def test_sales_turns_an_opportunity_into_a_draft_intake():
    intake_template()
    customer = CustomerFactory(name="Scholengroep Gent")
    opportunity = D365Opportunity.objects.create(
        remote_id="0a000000-0000-0000-0000-000000000001",
        name="Wifi for school 1",
        account_name="scholengroep gent",
        estimated_value=Decimal("125000.50"),
        description="Campus-wide wifi",
    )
    sales = user_with_role(Role.SALES)

    response = token_client(sales).post(
        f"/api/v1/d365-opportunities/{opportunity.pk}/intake/", {"template": "network-installation"}
    )

    assert response.status_code == 201, response.json()
    intake = Intake.objects.get(pk=response.json()["id"])
    assert (intake.title, intake.customer, intake.sold_value) == (
        "Wifi for school 1",
        customer,
        Decimal("125000.50"),
    )
    assert intake.opportunity_reference == opportunity.remote_id and intake.created_by == sales
    assert intake.status == "draft"


@pytest.mark.parametrize("role", [Role.PM_SUPPORT, Role.FINANCE])
def test_only_sales_starts_intakes_from_opportunities(role):
    intake_template()
    opportunity = D365Opportunity.objects.create(remote_id="opp-9", name="Wifi", account_name="X")

    response = token_client(user_with_role(role)).post(
        f"/api/v1/d365-opportunities/{opportunity.pk}/intake/", {"template": "network-installation"}
    )

    assert response.status_code in (403, 404)
    assert not Intake.objects.exists()
