from datetime import date

import pytest
from django.test import Client

from pmo.roles import Role
from procurement.models import PurchaseOrderStatus
from projects.models import Document, DocumentCategory, Phase, RequiredDocument, Task
from quality.closure_checks import closure_checks_run
from quality.models import ClosureStatus, ClosureValidation, Rating, ReviewStatus, SatisfactionSurvey
from tests.factories import (
    CustomerContactFactory,
    FindingFactory,
    LessonFactory,
    ProjectFactory,
    PurchaseOrderFactory,
    RiskFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pmo(client):
    user = user_with_role(Role.PM_SUPPORT)
    client.force_login(user)
    client.user = user
    return client


def _results(project) -> dict[str, bool]:
    return {result.code: result.is_passed for result in closure_checks_run(project=project)}


def _complete_closure_checklist(project, pmo):
    pmo.post(f"/quality/projects/{project.pk}/closure/evaluate/")
    review = ClosureValidation.objects.get(project=project).checklist
    review.answers.update(rating=Rating.CONFORM, evidence_reference="Signed PV")
    review.status = ReviewStatus.COMPLETED
    review.save()


def make_closable(project, pmo):
    """Everything the automatic checks look at, in order."""
    user = pmo.user
    Document.objects.create(
        project=project, category=DocumentCategory.ACCEPTANCE, title="Acceptance PV", uploaded_by=user
    )
    LessonFactory(project=project)
    contact = CustomerContactFactory(customer=project.customer)
    pmo.post(f"/quality/projects/{project.pk}/survey/send/", {"contact": contact.pk})
    _complete_closure_checklist(project, pmo)


def test_a_fresh_project_in_closing_fails_the_checks_that_need_data(pmo):
    project = ProjectFactory(phase=Phase.CLOSING)

    results = _results(project)

    assert results["customer_acceptance"] is False
    assert results["lessons_recorded"] is False
    assert results["survey_sent"] is False
    assert results["closure_checklist"] is False
    assert results["orders_received_or_closed"] and results["tasks_done"] and results["findings_closed"]


def test_each_open_item_fails_its_check(pmo):
    project = ProjectFactory(phase=Phase.CLOSING)
    PurchaseOrderFactory(project=project, status=PurchaseOrderStatus.SENT)
    PurchaseOrderFactory(project=project, status=PurchaseOrderStatus.CANCELLED)
    RiskFactory(project=project, probability=5, impact=5)
    Task.objects.create(
        project=project,
        name="Cut-over",
        wbs_code="1",
        kind="installation",
        planned_start=date(2026, 11, 1),
        planned_end=date(2026, 11, 2),
    )
    RequiredDocument.objects.create(
        project=project, category=DocumentCategory.DESIGN, phase=Phase.HANDED_OVER, title="As-built design"
    )
    FindingFactory(project=project)

    checks = {result.code: result for result in closure_checks_run(project=project)}

    assert checks["orders_received_or_closed"].detail == "1 purchase order(s) still open."
    assert not checks["no_open_high_risks_or_issues"].is_passed
    assert checks["tasks_done"].detail == "1 task(s) not done or cancelled."
    assert checks["required_documents"].detail == "Missing: As-built design."
    assert not checks["findings_closed"].is_passed
    assert all(check.fix_url for check in checks.values() if not check.is_passed)


def test_the_validation_passes_when_every_check_passes_and_opens_the_handed_over_gate_part(pmo):
    from projects.gates import gate_evaluate

    project = ProjectFactory(phase=Phase.CLOSING)
    make_closable(project, pmo)

    response = pmo.post(f"/quality/projects/{project.pk}/closure/evaluate/")

    validation = ClosureValidation.objects.get(project=project)
    assert response.status_code == 302
    assert validation.status == ClosureStatus.PASSED, validation.results
    assert validation.evaluated_by == pmo.user and all(result["is_passed"] for result in validation.results)
    missing = gate_evaluate(project=project, target_phase=Phase.HANDED_OVER).missing
    assert missing == ["The SMO has not accepted the hand-over."]


def test_the_closure_page_shows_each_check_with_a_fix_link(pmo):
    project = ProjectFactory(phase=Phase.CLOSING)

    response = pmo.get(f"/quality/projects/{project.pk}/closure/")

    assert response.status_code == 200
    assert 'data-check="customer_acceptance"' in response.text
    assert "Customer acceptance certificate filed" in response.text


def test_only_the_head_of_pm_overrides_and_only_with_a_reason(pmo):
    project = ProjectFactory(phase=Phase.CLOSING)
    head = Client()
    head.force_login(user_with_role(Role.HEAD_OF_PM))

    refused = pmo.post(f"/quality/projects/{project.pk}/closure/override/", {"reason": "Customer is happy"})
    no_reason = head.post(f"/quality/projects/{project.pk}/closure/override/", {"reason": " "}, follow=True)
    accepted = head.post(
        f"/quality/projects/{project.pk}/closure/override/", {"reason": "Survey refused by customer"}
    )

    validation = ClosureValidation.objects.get(project=project)
    assert refused.status_code == 403
    assert "Give a reason for the override." in no_reason.text
    assert accepted.status_code == 302
    assert (
        validation.status == ClosureStatus.OVERRIDDEN
        and validation.override_reason == "Survey refused by customer"
    )


def test_closure_cannot_start_before_execution_ends(pmo):
    project = ProjectFactory(phase=Phase.PLANNING)

    response = pmo.post(f"/quality/projects/{project.pk}/closure/evaluate/", follow=True)

    assert "Closure starts at the end of execution or in the closing phase." in response.text
    assert not ClosureValidation.objects.exists()


@pytest.mark.parametrize("role", [Role.FINANCE, Role.SMO])
def test_readers_cannot_evaluate_closure(client, role):
    project = ProjectFactory(phase=Phase.CLOSING)
    client.force_login(user_with_role(role))

    assert client.post(f"/quality/projects/{project.pk}/closure/evaluate/").status_code == 403
    assert not ClosureValidation.objects.exists()


def test_evaluate_is_post_only(pmo):
    project = ProjectFactory(phase=Phase.CLOSING)

    assert pmo.get(f"/quality/projects/{project.pk}/closure/evaluate/").status_code == 405


def test_the_survey_goes_only_to_a_contact_of_the_customer(pmo):
    project = ProjectFactory(phase=Phase.CLOSING)
    stranger = CustomerContactFactory()

    pmo.post(f"/quality/projects/{project.pk}/survey/send/", {"contact": stranger.pk})

    assert not SatisfactionSurvey.objects.exists()
