"""Intakes, tasks and registers through the API: what a caller sees follows the project and intake rules."""

import pytest
from django.forms.models import model_to_dict
from rest_framework.test import APIClient

from pmo.roles import Role
from projects.models import IntakeStatus, Risk
from tests.factories import (
    ActionFactory,
    ChangeRequestFactory,
    IntakeFactory,
    IssueFactory,
    ProjectFactory,
    RiskFactory,
    TaskFactory,
    api_key_for,
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
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
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
def test_register_entries_cannot_be_changed_or_deleted_through_the_api(endpoint):
    row = ROWS[endpoint]()
    before = model_to_dict(row)
    client = token_client(user_with_role(Role.ADMINISTRATOR))

    # A task's remaining hours may be set through the API (issue 15); nothing else of any row may.
    refused = 400 if endpoint == "tasks" else 405
    assert client.patch(f"/api/v1/{endpoint}/{row.pk}/", {"title": "x", "name": "x"}).status_code == refused
    assert client.delete(f"/api/v1/{endpoint}/{row.pk}/").status_code == 405
    row.refresh_from_db()
    assert model_to_dict(row) == before


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


def test_a_project_manager_registers_a_risk_on_their_project():
    project = ProjectFactory()
    client = token_client(project.project_manager)

    response = client.post(
        "/api/v1/risks/",
        {
            "project": project.pk,
            "title": "Switch lead time over 12 weeks",
            "probability": 4,
            "impact": 3,
            "cost_impact": "20000.00",
            "owner": project.project_manager.pk,
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["number"], body["inherent_score"], body["residual_score"]) == (1, 12, 12)
    assert Risk.objects.get(pk=body["id"]).created_by == project.project_manager


@pytest.mark.parametrize(("role", "expected"), [(Role.PROJECT_MANAGER, 404), (Role.FINANCE, 403)])
def test_a_risk_on_a_project_the_caller_may_not_change_is_refused(role, expected):
    project = ProjectFactory()
    client = token_client(user_with_role(role))

    response = client.post(
        "/api/v1/risks/",
        {
            "project": project.pk,
            "title": "Sneaky",
            "probability": 1,
            "impact": 1,
            "owner": project.project_manager.pk,
        },
    )

    assert response.status_code == expected
    assert not Risk.objects.exists()


def test_an_invalid_risk_is_a_400_and_nothing_is_made():
    project = ProjectFactory()
    client = token_client(project.project_manager)

    response = client.post(
        "/api/v1/risks/", {"project": project.pk, "title": "x", "probability": 9, "impact": 1}
    )

    assert response.status_code == 400 and "probability" in response.json()
    assert not Risk.objects.exists()
