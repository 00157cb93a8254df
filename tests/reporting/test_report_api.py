"""Highlight reports through the API: which versions a caller sees, requesting one, downloading the PDF."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from pmo.roles import Role
from reporting.models import Audience, HighlightReport
from tests.factories import ProjectFactory, api_key_for, user_with_role

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


def report(project, audience=Audience.INTERNAL, ready=False) -> HighlightReport:
    made = HighlightReport.objects.create(
        project=project,
        period_start=date(2026, 11, 16),
        period_end=date(2026, 11, 22),
        audience=audience,
        language="nl",
        status=HighlightReport.Status.READY if ready else HighlightReport.Status.QUEUED,
    )
    if ready:
        made.file.save("report.pdf", ContentFile(b"%PDF-1.7 fake"), save=True)
    return made


def test_the_project_manager_sees_both_versions_of_their_project_and_sales_only_the_customer_one():
    project = ProjectFactory(account_manager=user_with_role(Role.SALES))
    internal, customer = report(project), report(project, Audience.CUSTOMER)
    report(ProjectFactory())  # someone else's project

    pm = token_client(project.project_manager).get("/api/v1/highlight-reports/").json()
    sales = token_client(project.account_manager).get("/api/v1/highlight-reports/").json()

    assert sorted(row["id"] for row in pm["results"]) == sorted([internal.pk, customer.pk])
    assert [row["id"] for row in sales["results"]] == [customer.pk]
    assert (
        token_client(project.account_manager).get(f"/api/v1/highlight-reports/{internal.pk}/").status_code
        == 404
    )


def test_finance_sees_every_report():
    report(ProjectFactory())
    report(ProjectFactory(), Audience.CUSTOMER)

    assert token_client(user_with_role(Role.FINANCE)).get("/api/v1/highlight-reports/").json()["count"] == 2


def test_requesting_a_report_queues_it_once(django_capture_on_commit_callbacks, monkeypatch):
    rendered = []
    monkeypatch.setattr("reporting.services.reports._queue_render", rendered.extend)
    project = ProjectFactory()
    client = token_client(project.project_manager)
    payload = {"project": project.pk, "period_start": "2026-11-18", "audience": "internal", "language": "fr"}

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/api/v1/highlight-reports/", payload)
        second = client.post("/api/v1/highlight-reports/", payload)

    assert first.status_code == 201, first.json()
    assert first.json()["period_start"] == "2026-11-16" and first.json()["status"] == "queued"
    assert second.json()["id"] == first.json()["id"]
    assert rendered == [first.json()["id"]]


def test_sales_cannot_request_the_internal_version_and_nothing_is_made():
    project = ProjectFactory(account_manager=user_with_role(Role.SALES))
    client = token_client(project.account_manager)

    response = client.post(
        "/api/v1/highlight-reports/",
        {"project": project.pk, "period_start": "2026-11-16", "audience": "internal", "language": "nl"},
    )

    assert response.status_code == 400 and "audience" in response.json()
    assert not HighlightReport.objects.exists()


def test_requesting_for_an_invisible_project_is_a_404():
    project = ProjectFactory()
    client = token_client(user_with_role(Role.PROJECT_MANAGER))

    response = client.post(
        "/api/v1/highlight-reports/",
        {"project": project.pk, "period_start": "2026-11-16", "audience": "customer", "language": "nl"},
    )

    assert response.status_code == 404
    assert not HighlightReport.objects.exists()


def test_a_ready_report_downloads_as_pdf_and_a_queued_one_does_not():
    project = ProjectFactory()
    ready, queued = report(project, ready=True), report(project, Audience.CUSTOMER)
    client = token_client(project.project_manager)

    response = client.get(f"/api/v1/highlight-reports/{ready.pk}/download/")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(f"/api/v1/highlight-reports/{ready.pk}/").json()["download_url"].endswith("/download/")
    assert client.get(f"/api/v1/highlight-reports/{queued.pk}/download/").status_code == 404
    assert (
        token_client(user_with_role(Role.SALES))
        .get(f"/api/v1/highlight-reports/{ready.pk}/download/")
        .status_code
        == 404
    )


@pytest.mark.parametrize("rows", [2, 12])
def test_the_report_list_runs_a_constant_number_of_queries(rows, django_assert_max_num_queries):
    for _ in range(rows):
        report(ProjectFactory())
    client = token_client(user_with_role(Role.HEAD_OF_PM))

    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/highlight-reports/")

    assert response.json()["count"] == rows
