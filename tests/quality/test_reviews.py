from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pmo.roles import Role
from projects.models import Phase
from quality.models import Finding, Rating, Review, ReviewStatus
from tests.factories import ProjectFactory, ReviewFactory, checklist_template, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def pmo(client):
    user = user_with_role(Role.PM_SUPPORT)
    client.force_login(user)
    client.user = user
    return client


def _answer_all(review, rating=Rating.CONFORM, evidence="DOC-001"):
    review.answers.update(rating=rating, evidence_reference=evidence)


def test_the_pmo_schedules_a_review_with_one_answer_per_item(pmo):
    project = ProjectFactory(phase=Phase.EXECUTION)
    template = checklist_template()

    response = pmo.post(
        f"/quality/projects/{project.pk}/reviews/create/",
        {
            "template": template.pk,
            "reviewer": pmo.user.pk,
            "scheduled_for": "2026-12-01",
            "gate_phase": "closing",
        },
    )

    review = Review.objects.get(project=project)
    assert response.status_code == 302 and response["Location"] == review.get_absolute_url()
    assert review.answers.count() == 32  # the current ISO 9001 template (version 2)
    assert review.gate_phase == Phase.CLOSING and review.scheduled_for == date(2026, 12, 1)


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.FINANCE, Role.SMO])
def test_other_roles_cannot_schedule_a_review(client, role):
    user = user_with_role(role)
    project = ProjectFactory(
        phase=Phase.CLOSING, project_manager=user if role == Role.PROJECT_MANAGER else None
    )
    client.force_login(user)

    response = client.post(
        f"/quality/projects/{project.pk}/reviews/create/",
        {"template": checklist_template().pk, "reviewer": user.pk, "scheduled_for": "2026-12-01"},
    )

    assert response.status_code == 403
    assert not Review.objects.exists()


def test_a_sales_user_does_not_see_someone_elses_project_review(client):
    review = ReviewFactory()
    client.force_login(user_with_role(Role.SALES))

    assert client.get(review.get_absolute_url()).status_code == 404


def test_an_answer_saved_through_htmx_returns_its_row_only(pmo):
    review = ReviewFactory()
    answer = review.answers.first()

    response = pmo.post(
        f"/quality/answers/{answer.pk}/",
        {"rating": Rating.OBSERVATION, "comment": "Could be clearer", "evidence_reference": "PID v2"},
        headers={"HX-Request": "true"},
    )

    answer.refresh_from_db()
    review.refresh_from_db()
    assert response.status_code == 200 and "<html" not in response.text
    assert f'id="answer-{answer.pk}"' in response.text
    assert answer.rating == Rating.OBSERVATION and answer.evidence_reference == "PID v2"
    assert review.status == ReviewStatus.IN_PROGRESS


def test_a_nonconformity_needs_a_comment(pmo):
    review = ReviewFactory()
    answer = review.answers.first()

    response = pmo.post(
        f"/quality/answers/{answer.pk}/", {"rating": Rating.MAJOR_NC}, headers={"HX-Request": "true"}
    )

    answer.refresh_from_db()
    assert response.status_code == 200
    assert "Describe the nonconformity." in response.text
    assert answer.rating == ""


def test_an_evidence_file_is_type_checked_and_served_only_to_readers(pmo, client, files_on_disk):
    review = ReviewFactory()
    answer = review.answers.first()

    refused = pmo.post(
        f"/quality/answers/{answer.pk}/",
        {"rating": "conform", "evidence_file": SimpleUploadedFile("run.exe", b"MZ")},
        headers={"HX-Request": "true"},
    )
    accepted = pmo.post(
        f"/quality/answers/{answer.pk}/",
        {"rating": "conform", "evidence_file": SimpleUploadedFile("report.pdf", b"%PDF-1.4 test")},
    )

    assert "not accepted" in refused.text
    assert accepted.status_code == 302
    assert pmo.get(f"/quality/answers/{answer.pk}/evidence/").status_code == 200
    client.force_login(user_with_role(Role.SALES))
    assert client.get(f"/quality/answers/{answer.pk}/evidence/").status_code == 404


def test_completing_raises_a_finding_per_nonconformity_and_scores_the_review(pmo):
    review = ReviewFactory()
    _answer_all(review)
    major, minor = review.answers.order_by("item__section__position", "item__position")[:2]
    major.rating, major.comment = Rating.MAJOR_NC, "No context analysis at all"
    major.save()
    minor.rating, minor.comment = Rating.MINOR_NC, "Stakeholders partly known"
    minor.save()

    response = pmo.post(f"/quality/reviews/{review.pk}/complete/", {"summary": "Two gaps."})

    review.refresh_from_db()
    assert response.status_code == 302
    assert review.status == ReviewStatus.COMPLETED and review.summary == "Two gaps."
    findings = Finding.objects.filter(review=review).order_by("reference")
    assert [(f.reference, f.severity) for f in findings] == [("4.1", "major"), ("4.2", "minor")]
    assert all(f.number.startswith("NC-") for f in findings)
    # 4.1 (weight 1) earns nothing and 4.2 (weight 1) half of its weight.
    total = sum(answer.item.weight for answer in review.answers.select_related("item"))
    assert float(review.score) == pytest.approx(round((total - 1.5) / total * 100, 1))


def test_it_refuses_to_complete_with_unanswered_items_or_missing_evidence(pmo):
    review = ReviewFactory()
    _answer_all(review, evidence="")
    review.answers.filter(item__reference="4.1").update(rating="")

    first = pmo.post(f"/quality/reviews/{review.pk}/complete/", follow=True)
    review.answers.update(rating=Rating.CONFORM)
    second = pmo.post(f"/quality/reviews/{review.pk}/complete/", follow=True)

    review.refresh_from_db()
    assert "Answer every item first (missing: 4.1)." in first.text
    assert "These items need evidence" in second.text
    assert review.status == ReviewStatus.SCHEDULED and not Finding.objects.exists()


def test_a_completed_review_no_longer_changes(pmo):
    review = ReviewFactory(status=ReviewStatus.COMPLETED)
    answer = review.answers.first()

    pmo.post(f"/quality/answers/{answer.pk}/", {"rating": "conform"})

    answer.refresh_from_db()
    assert answer.rating == ""


def test_complete_is_post_only(pmo):
    review = ReviewFactory()

    assert pmo.get(f"/quality/reviews/{review.pk}/complete/").status_code == 405


def test_the_review_list_runs_a_constant_number_of_queries(pmo, django_assert_max_num_queries):
    template = checklist_template()
    for _ in range(2):
        ReviewFactory(template=template)
    with django_assert_max_num_queries(12) as few:
        pmo.get("/quality/reviews/")
    for _ in range(20):
        ReviewFactory(template=template)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = pmo.get("/quality/reviews/?sort=-score")

    assert response.status_code == 200 and len(response.context["page"].object_list) == 22


def test_the_review_page_runs_a_constant_number_of_queries(pmo, django_assert_max_num_queries):
    small = ReviewFactory(template=checklist_template("toolbox"))
    large = ReviewFactory(template=checklist_template("security_review"))
    with django_assert_max_num_queries(20) as few:
        pmo.get(small.get_absolute_url())

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = pmo.get(large.get_absolute_url())

    assert response.status_code == 200


def test_a_gate_waits_for_its_required_review():
    from projects.gates import gate_evaluate

    review = ReviewFactory(gate_phase=Phase.CLOSING)

    blocked = gate_evaluate(project=review.project, target_phase=Phase.CLOSING)
    Review.objects.filter(pk=review.pk).update(status=ReviewStatus.COMPLETED)
    open_ = gate_evaluate(project=review.project, target_phase=Phase.CLOSING)

    assert "1 required review is not completed." in blocked.missing
    assert open_.is_open


def test_a_project_document_can_serve_as_evidence_but_not_another_projects(pmo):
    from projects.models import Document

    review = ReviewFactory()
    answer = review.answers.first()
    own = Document.objects.create(
        project=review.project, category="design", title="As-built", uploaded_by=pmo.user
    )
    other = Document.objects.create(
        project=ProjectFactory(), category="design", title="Other", uploaded_by=pmo.user
    )

    refused = pmo.post(
        f"/quality/answers/{answer.pk}/",
        {"rating": "conform", "evidence_document": other.pk},
        headers={"HX-Request": "true"},
    )
    answer.refresh_from_db()
    assert answer.evidence_document is None and refused.status_code == 200
    pmo.post(f"/quality/answers/{answer.pk}/", {"rating": "conform", "evidence_document": own.pk})

    answer.refresh_from_db()
    assert answer.evidence_document == own and answer.has_evidence
