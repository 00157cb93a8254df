"""Small forms embedded in a page: a refusal shows the page again with what was typed, the field named."""

from decimal import Decimal

import pytest

from pmo.roles import Role
from projects.models import Phase
from quality.models import CorrectiveAction, Rating, SatisfactionSurvey, WorkedHours
from tests.factories import (
    CustomerContactFactory,
    FindingFactory,
    ProjectFactory,
    ReviewFactory,
    SafetyIncidentFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

# Values a careless or hostile client posts to a field: none may cause a server error.
GARBAGE = [
    "",
    " ",
    "abc",
    "-1",
    "9999-12-31",
    "31/02/2026",
    "1e309",
    "NaN",
    "0x10",
    "1" * 400,
    "<b>x</b>",
    "é\x00",
]


@pytest.fixture
def pmo(client):
    user = user_with_role(Role.PM_SUPPORT)
    client.force_login(user)
    client.user = user
    return client


def test_worked_hours_refused_keep_the_month_and_name_the_hours(client):
    manager = user_with_role(Role.PROJECT_MANAGER, preferred_language="nl")
    project = ProjectFactory(phase=Phase.EXECUTION, project_manager=manager)
    client.force_login(manager)

    response = client.post(f"/quality/projects/{project.pk}/hours/", {"month": "2026-11-17", "hours": "veel"})

    assert response.status_code == 400
    form = response.context["hours_form"]
    assert list(form.errors) == ["hours"]
    assert 'value="2026-11-17"' in response.text and 'value="veel"' in response.text
    assert "is-invalid" in response.text
    assert not WorkedHours.objects.exists()


def test_a_finding_action_refused_keeps_the_description_and_names_the_missing_owner(pmo):
    finding = FindingFactory()

    response = pmo.post(
        f"/quality/findings/{finding.pk}/actions/create/",
        {"description": "Sign every test report", "owner": "", "due_date": "2026-12-20"},
    )

    assert response.status_code == 400
    assert list(response.context["action_form"].errors) == ["owner"]
    assert "Sign every test report" in response.text and 'value="2026-12-20"' in response.text
    assert not CorrectiveAction.objects.exists()


def test_an_action_on_a_closed_finding_shows_why_above_the_form(pmo):
    finding = FindingFactory(status="closed")
    owner = user_with_role(Role.PROJECT_MANAGER)

    response = pmo.post(
        f"/quality/findings/{finding.pk}/actions/create/",
        {"description": "Too late", "owner": owner.pk, "due_date": "2026-12-20"},
    )

    assert response.status_code in (400, 403)
    assert not CorrectiveAction.objects.exists()


def test_an_incident_action_refused_keeps_what_was_typed(client):
    manager = user_with_role(Role.PROJECT_MANAGER)
    incident = SafetyIncidentFactory(project=ProjectFactory(phase=Phase.EXECUTION, project_manager=manager))
    client.force_login(manager)

    response = client.post(
        f"/quality/incidents/{incident.pk}/actions/create/",
        {"description": "Anti-slip mats in B2", "owner": manager.pk, "due_date": "morgen"},
    )

    assert response.status_code == 400
    assert list(response.context["action_form"].errors) == ["due_date"]
    assert "Anti-slip mats in B2" in response.text
    assert not CorrectiveAction.objects.exists()


def test_a_refused_answer_keeps_what_was_typed_and_names_the_field_through_htmx(pmo):
    review = ReviewFactory()
    answer = review.answers.first()

    response = pmo.post(
        f"/quality/answers/{answer.pk}/",
        {"rating": Rating.MAJOR_NC, "comment": "", "evidence_reference": "Test report TR-12"},
        headers={"HX-Request": "true"},
    )

    answer.refresh_from_db()
    assert response.status_code == 200 and "<html" not in response.text
    assert "Comment: Describe the nonconformity." in response.text
    assert 'value="Test report TR-12"' in response.text
    assert f'<option value="{Rating.MAJOR_NC}" selected' in response.text
    assert "is-invalid" in response.text
    assert answer.rating == "" and answer.evidence_reference == ""


def test_a_refused_answer_without_htmx_shows_the_review_with_that_row_as_typed(pmo):
    review = ReviewFactory()
    answer = review.answers.first()

    response = pmo.post(
        f"/quality/answers/{answer.pk}/",
        {"rating": "not-a-rating", "comment": "Half written", "evidence_reference": "PV"},
    )

    assert response.status_code == 400
    assert response.text.count("Half written") == 1
    assert response.text.count('role="alert">Rating:') == 1
    answer.refresh_from_db()
    assert answer.comment == "" and answer.rating == ""


def test_the_survey_refused_for_a_stranger_names_the_contact_field(pmo):
    project = ProjectFactory(phase=Phase.CLOSING)
    stranger = CustomerContactFactory()

    response = pmo.post(f"/quality/projects/{project.pk}/survey/send/", {"contact": stranger.pk})

    assert response.status_code == 400
    assert list(response.context["survey_form"].errors) == ["contact"]
    assert not SatisfactionSurvey.objects.exists()


def _posts(url: str, valid: dict):
    """Each field in turn replaced by each garbage value, the others valid."""
    for field in valid:
        for value in GARBAGE:
            yield url, {**valid, field: value}


def test_garbage_in_any_embedded_form_field_is_never_a_server_error(client):
    manager = user_with_role(Role.PM_SUPPORT)
    client.force_login(manager)
    project = ProjectFactory(phase=Phase.CLOSING)
    contact = CustomerContactFactory(customer=project.customer)
    finding = FindingFactory(project=project)
    incident = SafetyIncidentFactory(project=project)
    review = ReviewFactory(project=project)
    answer = review.answers.first()
    action = {"description": "Do it", "owner": manager.pk, "due_date": "2026-12-20"}
    cases = [
        *_posts(f"/quality/projects/{project.pk}/hours/", {"month": "2026-11-17", "hours": "10"}),
        *_posts(f"/quality/findings/{finding.pk}/actions/create/", action),
        *_posts(f"/quality/incidents/{incident.pk}/actions/create/", action),
        *_posts(f"/quality/projects/{project.pk}/survey/send/", {"contact": contact.pk}),
        *_posts(
            f"/quality/answers/{answer.pk}/", {"rating": "conform", "comment": "ok", "evidence_document": ""}
        ),
    ]

    statuses = {(url, str(data)): client.post(url, data).status_code for url, data in cases}

    assert not [case for case, status in statuses.items() if status >= 500]
    assert WorkedHours.objects.filter(hours__lt=Decimal(0)).count() == 0
