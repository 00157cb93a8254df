"""Reporting pages under bad input: updates for any week, dates at the calendar's end, garbage fields."""

from datetime import date, timedelta

import pytest
from django.utils import translation

from pmo.roles import Role
from procurement.models import CostCategory
from reporting import services
from reporting.models import DistributionRecipient, ProgressUpdate
from reporting.rendering import highlight_report_context
from reporting.selectors import last_week_start
from tests.factories import BudgetLineFactory, ProgressUpdateFactory, ProjectFactory, user_with_role
from tests.reporting.test_progress import payload

pytestmark = pytest.mark.django_db

GARBAGE = ["", " ", "abc", "-1", "9999-12-31", "0001-01-01", "31/02/2026", "1e309", "1" * 400, "é\x00"]


@pytest.fixture
def project():
    return ProjectFactory(
        phase="execution", start_date=date(2026, 1, 5), end_date=date.today() + timedelta(days=14)
    )


@pytest.mark.parametrize("weeks_ahead", [1, 2, 30, 520])
def test_the_portfolio_works_with_updates_for_this_week_and_later(client, project, weeks_ahead):
    ProgressUpdateFactory(project=project, rag_overall="red")
    ProgressUpdateFactory(project=project, period_start=last_week_start() + timedelta(weeks=weeks_ahead))
    client.force_login(user_with_role(Role.PM_SUPPORT))

    response = client.get("/reporting/portfolio/")

    assert response.status_code == 200
    trend = response.context["trend"]
    assert len(trend["weeks"]) == 12 and trend["weeks"][-1] == last_week_start()
    assert trend["series"]["red"][-1] == 1
    assert sum(sum(counts) for counts in trend["series"].values()) == 1


def test_a_progress_update_for_the_last_week_of_the_calendar_is_a_form_error(client, project):
    client.force_login(project.project_manager)

    response = client.post(
        f"/reporting/projects/{project.pk}/progress/create/", payload(period_start="9999-12-31")
    )

    assert response.status_code == 200
    assert "period_start" in response.context["form"].errors
    assert not ProgressUpdate.objects.exists()


def test_garbage_in_any_progress_or_recipient_field_is_never_a_server_error(client, project):
    client.force_login(project.project_manager)
    recipient = {"name": "Hilde", "email": "hilde@stad.example", "language": "nl", "audience": "customer"}
    cases = [
        (f"/reporting/projects/{project.pk}/progress/create/", {**payload(), field: value})
        for field in payload()
        for value in GARBAGE
    ] + [
        (f"/reporting/projects/{project.pk}/recipients/create/", {**recipient, field: value})
        for field in recipient
        for value in GARBAGE
    ]

    statuses = [client.post(url, data).status_code for url, data in cases]

    assert max(statuses) < 500
    assert not DistributionRecipient.objects.exclude(email="hilde@stad.example").exists()


def test_a_refused_recipient_keeps_what_was_typed(client, project):
    client.force_login(project.project_manager)

    response = client.post(
        f"/reporting/projects/{project.pk}/recipients/create/",
        {"name": "Hilde Verstraete", "email": "not-an-address", "language": "nl", "audience": "customer"},
    )

    assert list(response.context["recipient_form"].errors) == ["email"]
    assert 'value="Hilde Verstraete"' in response.text
    assert not DistributionRecipient.objects.exists()


@pytest.mark.parametrize(
    ("language", "equipment"), [("fr", "Équipement"), ("nl", "Uitrusting"), ("en", "Equipment")]
)
def test_the_report_names_cost_categories_in_its_language(project, language, equipment):
    BudgetLineFactory(project=project, category=CostCategory.objects.get(code="equipment"))
    report = services.highlight_report_request(
        project=project, actor=None, audience="internal", language=language, period_start=last_week_start()
    )

    with translation.override(language):
        labels = [line["label"] for line in highlight_report_context(report=report)["budget_lines"]]

    assert labels == [equipment]
