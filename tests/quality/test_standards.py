"""Checklists an auditor accepts: real clause and control ids, coverage, applicability, independent audits."""

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from pmo.roles import Role
from pmo.seed import DEMO_COMPANY
from pmo.services import company_profile_save
from projects.models import Assignment
from quality.models import (
    ChecklistItem,
    ChecklistTemplate,
    ControlApplicability,
    Rating,
    Review,
    ReviewPurpose,
    SiteQualification,
    Standard,
)
from quality.selectors.coverage import reference_list, references_cited, template_coverage
from quality.services.applicability import control_mark_not_applicable
from quality.services.reviews import review_answer_save, review_complete, review_schedule
from tests.factories import ProjectFactory, ResourceFactory, ReviewFactory, TaskFactory, user_with_role

pytestmark = pytest.mark.django_db

CHECKLISTS = Path(__file__).resolve().parents[2] / "quality" / "data" / "checklists"


def _current(code: str) -> ChecklistTemplate:
    return ChecklistTemplate.objects.filter(code=code, is_active=True).get()


STANDARD_FILES = [
    path
    for path in sorted(CHECKLISTS.glob("*.json"))
    if json.loads(path.read_text(encoding="utf-8")).get("standard")
]


def test_the_iso_templates_of_both_versions_declare_their_standard():
    assert [path.name for path in STANDARD_FILES] == [
        "iso27001-security-review.json",
        "iso27001-security-review.v2.json",
        "iso9001-project-review.json",
        "iso9001-project-review.v2.json",
    ]


@pytest.mark.parametrize("path", STANDARD_FILES, ids=lambda path: path.name)
def test_every_reference_of_a_standard_template_is_a_real_clause_or_control(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    known = reference_list(data["standard"]).ids
    for section in data["sections"]:
        for reference, question, _evidence, _weight, _guidance in section["items"]:
            cited = references_cited(reference)
            assert cited, reference
            assert set(cited) <= known, (reference, set(cited) - known)
            assert all(question) and len(question) == 3


def test_references_are_read_as_lists_and_ranges():
    assert references_cited("A.5.12, A.5.13") == ["A.5.12", "A.5.13"]
    assert references_cited("A.8.15-A.8.17") == ["A.8.15", "A.8.16", "A.8.17"]
    assert references_cited("A.7.1-A.7.3, A.7.6") == ["A.7.1", "A.7.2", "A.7.3", "A.7.6"]
    assert references_cited("8.5.1, 8.5.2") == ["8.5.1", "8.5.2"]


def test_the_reference_lists_hold_the_whole_standards():
    annex_a = reference_list(Standard.ISO_27001)
    assert len(annex_a.leaves) == 93
    assert {
        theme: sum(1 for e in annex_a.entries if e.theme == theme)
        for theme in ("organizational", "people", "physical", "technological")
    } == {"organizational": 37, "people": 8, "physical": 14, "technological": 34}
    clauses = reference_list(Standard.ISO_9001)
    assert {"4.1", "6.3", "7.1.6", "8.3.6", "8.5.4", "8.5.6", "9.2", "10.3"} <= clauses.ids


def test_the_annex_a_coverage_of_the_shipped_security_review_is_pinned():
    before = template_coverage(
        template=ChecklistTemplate.objects.get(code="iso27001-security-review", version=1)
    )
    after = template_coverage(template=_current("iso27001-security-review"))

    assert (before.covered, before.total) == (69, 93)
    assert (after.covered, after.outside_projects, after.not_covered, after.total) == (88, 5, 0, 93)
    assert after.unknown == []
    left_out = {row.reference.id for row in after.rows if row.state == "outside_projects"}
    assert left_out == {"A.5.4", "A.5.6", "A.6.2", "A.6.4", "A.8.23"}
    for control in ("A.5.37", "A.5.5", "A.8.1", "A.8.19", "A.8.30", "A.8.12", "A.8.18", "A.7.13", "A.8.6"):
        assert any(row.reference.id == control and row.state == "covered" for row in after.rows), control


def test_every_security_item_says_why_it_matters_in_three_languages():
    items = ChecklistItem.objects.filter(section__template=_current("iso27001-security-review"))
    assert items.count() == 69
    assert all(item.guidance_en and item.guidance_fr and item.guidance_nl for item in items)


def test_the_iso_9001_review_cites_the_clauses_an_auditor_expects():
    template = _current("iso9001-project-review")
    items = {item.reference: item for item in ChecklistItem.objects.filter(section__template=template)}
    assert "change-request" in items["8.5.6"].guidance_en.lower()  # project changes: 8.5.6, not 6.3
    assert "8.3.6" in items and "8.5.4" in items
    assert "lessons learned" in items["7.1.6"].question_en.lower()
    assert "independent" in items["9.2"].question_en
    assert "risks and opportunities" in items["10.2"].question_en
    assert "lessons" not in items["10.3"].question_en.lower()
    coverage = template_coverage(template=template)
    assert (coverage.direct, coverage.outside_projects, coverage.not_covered) == (53, 1, 0)


def test_version_one_stays_for_the_reviews_run_on_it():
    old = ChecklistTemplate.objects.get(code="iso9001-project-review", version=1)
    review = ReviewFactory(template=old)

    assert not old.is_active and _current("iso9001-project-review").version == 2
    assert Review.objects.get(pk=review.pk).template_id == old.pk
    assert ChecklistItem.objects.filter(section__template=old).count() == 28


def test_the_vca_templates_ask_for_the_task_risk_analysis_and_qualifications():
    inspection = ChecklistItem.objects.filter(section__template=_current("vca-workplace-inspection"))
    questions = " ".join(item.question_en for item in inspection)
    assert "task risk analysis" in questions and "BA4" in questions and "valid" in questions
    toolbox = " ".join(
        item.question_en for item in ChecklistItem.objects.filter(section__template=_current("vca-toolbox"))
    )
    assert "presenter" in toolbox and "frequency" in toolbox
    lmra = " ".join(
        item.question_en for item in ChecklistItem.objects.filter(section__template=_current("vca-lmra"))
    )
    assert "BA5" in lmra


def test_the_coverage_page_and_its_csv_are_audit_evidence_for_the_pmo(client):
    template = _current("iso27001-security-review")
    client.force_login(user_with_role(Role.PM_SUPPORT, preferred_language="fr"))

    page = client.get(f"/quality/templates/{template.pk}/coverage/")
    export = client.get(f"/quality/templates/{template.pk}/coverage.csv")

    assert page.status_code == 200
    assert "88 sur 93 couverts" in page.text
    body = b"".join(export.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 94
    assert rows[1][0] == "A.5.1"
    states = {row[0]: row[2] for row in rows[1:]}
    assert states["A.8.23"] != states["A.8.30"]


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.SALES, Role.SMO])
def test_the_coverage_page_is_refused_to_other_roles(client, role):
    template = _current("iso27001-security-review")
    client.force_login(user_with_role(role))

    assert client.get(f"/quality/templates/{template.pk}/coverage/").status_code == 403
    assert client.get(f"/quality/templates/{template.pk}/coverage.csv").status_code == 403


def test_a_template_without_a_standard_has_no_coverage_page(client):
    template = _current("vca-lmra")
    client.force_login(user_with_role(Role.PM_SUPPORT))

    assert client.get(f"/quality/templates/{template.pk}/coverage/").status_code == 404


def _security_review(project, reviewer):
    return review_schedule(
        project=project,
        template=_current("iso27001-security-review"),
        reviewer=reviewer,
        scheduled_for=timezone.localdate(),
        actor=reviewer,
    )


def test_a_control_marked_not_applicable_is_shown_as_such_and_does_not_fail_the_review(client):
    company = company_profile_save(actor=None, **DEMO_COMPANY)
    pmo = user_with_role(Role.PM_SUPPORT)
    project = ProjectFactory(support_officer=pmo)
    client.force_login(pmo)

    response = client.post(
        f"/quality/projects/{project.pk}/applicability/{Standard.ISO_27001}/change/",
        {"reference": "A.7.4", "reason": "No monitored rooms: the work is done remotely."},
    )
    assert response.status_code == 302
    review = _security_review(project, pmo)
    answers = list(review.answers.select_related("item"))
    for answer in answers:
        if answer.item.reference == "A.7.4":
            continue
        rating = Rating.MINOR_NC if answer.item.reference == "A.8.1" else Rating.CONFORM
        comment = "Two laptops without disk encryption." if rating == Rating.MINOR_NC else ""
        review_answer_save(
            answer=answer, actor=pmo, rating=rating, comment=comment, evidence_reference="seen on site"
        )

    review_page = client.get(f"/quality/reviews/{review.pk}/").text
    completed = review_complete(review=review, actor=pmo)
    pdf = client.get(f"/quality/reviews/{review.pk}/pdf/").content
    pdf_text = "".join(pdf_page.extract_text() for pdf_page in PdfReader(io.BytesIO(pdf)).pages)

    assert "No monitored rooms: the work is done remotely." in review_page
    assert completed.status == "completed"
    assert completed.score < 100  # the minor nonconformity counts, the waived control does not
    not_applicable_part = pdf_text.split("Controls not applicable")[1].split("Controls failed")[0]
    failed_part = pdf_text.split("Controls failed")[1].split("Answers")[0]
    assert "A.7.4" in not_applicable_part and "No monitored rooms" in not_applicable_part
    assert "A.8.1" in failed_part and "A.7.4" not in failed_part
    assert "A.5.8" in pdf_text.split("Controls covered")[1].split("Controls not applicable")[0]
    assert company.legal_name in pdf_text  # the letterhead of every outgoing document


def test_the_review_page_shows_the_statement_of_applicability(client):
    pmo = user_with_role(Role.PM_SUPPORT, preferred_language="nl")
    project = ProjectFactory(support_officer=pmo)
    control_mark_not_applicable(
        project=project, standard=Standard.ISO_27001, reference="A.7.4", reason="Werk op afstand", actor=pmo
    )
    review = _security_review(project, pmo)
    client.force_login(pmo)

    page = client.get(f"/quality/reviews/{review.pk}/").text

    assert "Werk op afstand" in page
    assert page.count("answer-not-applicable") == 1


def test_not_applicable_needs_a_reason_and_a_real_control():
    pmo = user_with_role(Role.PM_SUPPORT)
    project = ProjectFactory()

    with pytest.raises(ValidationError):
        control_mark_not_applicable(
            project=project, standard=Standard.ISO_27001, reference="A.7.4", reason=" ", actor=pmo
        )
    with pytest.raises(ValidationError):
        control_mark_not_applicable(
            project=project, standard=Standard.ISO_27001, reference="A.9.1", reason="why", actor=pmo
        )
    assert not ControlApplicability.objects.exists()


def test_a_project_manager_cannot_change_the_statement_of_applicability(client):
    manager = user_with_role(Role.PROJECT_MANAGER)
    project = ProjectFactory(project_manager=manager)
    client.force_login(manager)

    assert (
        client.get(f"/quality/projects/{project.pk}/applicability/{Standard.ISO_27001}/").status_code == 200
    )
    response = client.post(
        f"/quality/projects/{project.pk}/applicability/{Standard.ISO_27001}/change/",
        {"reference": "A.7.4", "reason": "not needed"},
    )

    assert response.status_code == 403
    assert not ControlApplicability.objects.exists()
    assert client.get(f"/quality/projects/{project.pk}/applicability/nis2/").status_code == 404


def test_an_internal_audit_needs_an_auditor_from_outside_the_project_team():
    manager, support, engineer, outsider = (
        user_with_role(Role.PROJECT_MANAGER),
        user_with_role(Role.PM_SUPPORT),
        user_with_role(Role.PM_SUPPORT),
        user_with_role(Role.PM_SUPPORT),
    )
    project = ProjectFactory(project_manager=manager, support_officer=support)
    Assignment.objects.create(
        task=TaskFactory(project=project), resource=ResourceFactory(user=engineer), hours=8
    )
    template = _current("iso9001-project-review")

    for insider in (manager, support, engineer):
        with pytest.raises(ValidationError) as refused:
            review_schedule(
                project=project,
                template=template,
                reviewer=insider,
                scheduled_for=timezone.localdate(),
                actor=outsider,
                purpose=ReviewPurpose.INTERNAL_AUDIT,
            )
        assert "reviewer" in refused.value.message_dict
    assert not Review.objects.filter(project=project).exists()

    audit = review_schedule(
        project=project,
        template=template,
        reviewer=outsider,
        scheduled_for=timezone.localdate(),
        actor=outsider,
        purpose=ReviewPurpose.INTERNAL_AUDIT,
    )
    ordinary = review_schedule(
        project=project,
        template=template,
        reviewer=support,
        scheduled_for=timezone.localdate(),
        actor=support,
    )
    assert audit.purpose == ReviewPurpose.INTERNAL_AUDIT and ordinary.purpose == ReviewPurpose.REVIEW


def test_the_schedule_page_refuses_an_insider_as_internal_auditor(client):
    support = user_with_role(Role.PM_SUPPORT, preferred_language="fr")
    project = ProjectFactory(support_officer=support)
    client.force_login(support)

    response = client.post(
        f"/quality/projects/{project.pk}/reviews/create/",
        {
            "template": _current("iso9001-project-review").pk,
            "reviewer": support.pk,
            "scheduled_for": timezone.localdate().strftime("%d/%m/%Y"),
            "purpose": ReviewPurpose.INTERNAL_AUDIT,
        },
    )

    assert response.status_code == 200
    assert "audit interne" in response.text
    assert not Review.objects.filter(project=project).exists()


def test_site_qualifications_are_recorded_and_expired_ones_flagged(client):
    manager = user_with_role(Role.PROJECT_MANAGER, preferred_language="nl")
    project = ProjectFactory(project_manager=manager)
    client.force_login(manager)
    today = timezone.localdate()

    response = client.post(
        f"/quality/projects/{project.pk}/qualifications/create/",
        {
            "person": "Jan Peeters",
            "company": "Elektro NV",
            "kind": "ba4",
            "certificate_number": "BA4-123",
            "valid_until": (today - timedelta(days=1)).strftime("%d/%m/%Y"),
        },
    )
    page = client.get(f"/quality/projects/{project.pk}/safety/").text

    assert response.status_code == 302
    assert SiteQualification.objects.get(project=project).person == "Jan Peeters"
    assert "Jan Peeters" in page and "verlopen" in page
    assert "toolbox-rhythm" in page


def test_sales_cannot_record_a_qualification(client):
    project = ProjectFactory()
    client.force_login(user_with_role(Role.SALES))

    response = client.post(
        f"/quality/projects/{project.pk}/qualifications/create/",
        {"person": "X", "kind": "ba4", "valid_until": "01/01/2030"},
    )

    assert response.status_code in (403, 404)
    assert not SiteQualification.objects.exists()
