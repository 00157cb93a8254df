from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from pmo.roles import Role
from projects.models import Phase
from quality.models import SatisfactionSurvey
from quality.selectors.core import survey_results
from tests.factories import CustomerContactFactory, ProjectFactory, user_with_role

pytestmark = pytest.mark.django_db

ANSWERS = {
    "overall": "5",
    "quality": "4",
    "communication": "4",
    "timeliness": "3",
    "recommend": "9",
    "comment": "Merci",
}


@pytest.fixture
def survey(client, django_capture_on_commit_callbacks):
    project = ProjectFactory(phase=Phase.CLOSING, name="Réseau campus")
    contact = CustomerContactFactory(customer=project.customer, language="fr", email="it@client.example")
    client.force_login(user_with_role(Role.PM_SUPPORT))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/quality/projects/{project.pk}/survey/send/", {"contact": contact.pk})
    client.logout()
    return SatisfactionSurvey.objects.get()


def test_sending_emails_a_tokenised_link_in_the_contact_language(survey):
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["it@client.example"]
    assert f"/quality/survey/{survey.token}/" in message.body
    assert survey.language == "fr" and len(survey.token) >= 40 and survey.emailed_at


def test_the_customer_answers_once_without_logging_in(client, survey):
    page = client.get(f"/quality/survey/{survey.token}/")
    answered = client.post(f"/quality/survey/{survey.token}/", ANSWERS)
    again = client.post(f"/quality/survey/{survey.token}/", {**ANSWERS, "overall": "1"})

    survey.refresh_from_db()
    assert page.status_code == 200
    assert "Réseau campus" in page.text
    assert answered.status_code == 200 and survey.overall == 5 and survey.comment == "Merci"
    assert survey.answered_at is not None and again.status_code == 200


def test_the_survey_page_shows_nothing_else(client, survey):
    page = client.get(f"/quality/survey/{survey.token}/")

    assert "navbar" not in page.text and "/projects/" not in page.text
    assert str(survey.project.budget) not in page.text


def test_an_expired_or_unknown_link_records_nothing(client, survey):
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    expired = client.post(f"/quality/survey/{survey.token}/", ANSWERS)
    unknown = client.get("/quality/survey/not-a-token/")

    survey.refresh_from_db()
    assert expired.status_code == 200 and survey.answered_at is None
    assert unknown.status_code == 404


def test_scores_out_of_range_are_refused(client, survey):
    response = client.post(f"/quality/survey/{survey.token}/", {**ANSWERS, "overall": "9"})

    survey.refresh_from_db()
    assert response.status_code == 200 and survey.answered_at is None


def test_results_average_the_scores_and_compute_the_net_promoter_score(client, survey):
    client.post(f"/quality/survey/{survey.token}/", ANSWERS)

    results = survey_results(projects=type(survey.project).objects.all())

    assert results.sent == 1 and results.answered == 1
    assert results.overall == 5 and results.net_promoter_score == 100


def test_sending_is_refused_before_closing(client):
    project = ProjectFactory(phase=Phase.EXECUTION)
    contact = CustomerContactFactory(customer=project.customer)
    client.force_login(user_with_role(Role.PM_SUPPORT))

    response = client.post(
        f"/quality/projects/{project.pk}/survey/send/", {"contact": contact.pk}, follow=True
    )

    assert "The survey is sent at closure." in response.text and not SatisfactionSurvey.objects.exists()


def test_the_portfolio_shows_satisfaction_and_open_findings(client, survey):
    from tests.factories import FindingFactory

    client.post(f"/quality/survey/{survey.token}/", ANSWERS)
    FindingFactory(project=survey.project, severity="major")
    client.force_login(user_with_role(Role.HEAD_OF_PM))

    response = client.get("/quality/reviews/")

    summary = response.context["summary"]
    assert summary.open_major_findings == 1 and summary.surveys.net_promoter_score == 100
    assert "1 of 1 surveys answered" in response.text
