"""Intakes, tasks and registers through the API: what a caller sees follows the project and intake rules."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from pmo.roles import Role
from projects.models import IntakeStatus
from tests.factories import (
    ActionFactory,
    ChangeRequestFactory,
    IntakeFactory,
    IssueFactory,
    ProjectFactory,
    RiskFactory,
    TaskFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

ROWS = {
    "risks": RiskFactory,
    "issues": IssueFactory,
    "change-requests": ChangeRequestFactory,
    "actions": ActionFactory,
    "tasks": TaskFactory,
}


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.mark.parametrize("endpoint", ROWS)
def test_a_project_manager_sees_the_rows_of_their_projects_only(endpoint):
    mine, other = ProjectFactory(), ProjectFactory()
    own_row, other_row = ROWS[endpoint](project=mine), ROWS[endpoint](project=other)
    client = token_client(mine.project_manager)

    listed = [row["id"] for row in client.get(f"/api/v1/{endpoint}/").json()["results"]]

    assert listed == [own_row.pk]
    assert client.get(f"/api/v1/{endpoint}/{own_row.pk}/").status_code == 200
    assert client.get(f"/api/v1/{endpoint}/{other_row.pk}/").status_code == 404


@pytest.mark.parametrize("endpoint", ROWS)
def test_the_portfolio_readers_see_every_row_and_filter_by_project(endpoint):
    first, second = ProjectFactory(), ProjectFactory()
    ROWS[endpoint](project=first)
    ROWS[endpoint](project=second)
    client = token_client(user_with_role(Role.FINANCE))

    everything = client.get(f"/api/v1/{endpoint}/").json()
    filtered = client.get(f"/api/v1/{endpoint}/", {"project": first.pk}).json()

    assert everything["count"] == 2
    assert [row["project"] for row in filtered["results"]] == [first.pk]


@pytest.mark.parametrize("endpoint", ROWS)
def test_the_registers_are_read_only(endpoint):
    row = ROWS[endpoint]()
    client = token_client(user_with_role(Role.ADMINISTRATOR))

    assert client.patch(f"/api/v1/{endpoint}/{row.pk}/", {"title": "x"}).status_code == 405
    assert client.delete(f"/api/v1/{endpoint}/{row.pk}/").status_code == 405


def test_a_risk_carries_its_scores():
    risk = RiskFactory(probability=4, impact=5, residual_probability=2, residual_impact=3)
    client = token_client(user_with_role(Role.HEAD_OF_PM))

    body = client.get(f"/api/v1/risks/{risk.pk}/").json()

    assert (body["inherent_score"], body["residual_score"]) == (20, 6)


@pytest.mark.parametrize("rows", [2, 20])
def test_the_risk_list_runs_a_constant_number_of_queries(rows, django_assert_max_num_queries):
    project = ProjectFactory()
    RiskFactory.create_batch(rows, project=project)
    client = token_client(project.project_manager)

    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/risks/", {"page_size": 50})

    assert response.json()["count"] == rows


def test_sales_see_their_own_intakes_and_the_pmo_no_drafts():
    sales = user_with_role(Role.SALES)
    draft = IntakeFactory(created_by=sales)
    submitted = IntakeFactory(created_by=sales, status=IntakeStatus.SUBMITTED)
    someone_elses = IntakeFactory(status=IntakeStatus.SUBMITTED)

    own = [row["id"] for row in token_client(sales).get("/api/v1/intakes/").json()["results"]]
    pmo = [
        row["id"]
        for row in token_client(user_with_role(Role.PM_SUPPORT)).get("/api/v1/intakes/").json()["results"]
    ]
    pm = token_client(user_with_role(Role.PROJECT_MANAGER)).get("/api/v1/intakes/").json()

    assert sorted(own) == sorted([draft.pk, submitted.pk])
    assert sorted(pmo) == sorted([submitted.pk, someone_elses.pk])
    assert pm["count"] == 0
    assert token_client(sales).get(f"/api/v1/intakes/{someone_elses.pk}/").status_code == 404
