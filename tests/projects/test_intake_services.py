from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from pmo.roles import Role
from projects import services
from projects.models import (
    Customer,
    DocumentCategory,
    Intake,
    IntakeStatus,
    IntakeStatusChange,
    Phase,
    Project,
    Task,
)
from projects.selectors import intake_missing
from tests.factories import IntakeFactory, intake_template, user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="offer.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def attach_required(intake):
    for category in intake.template.required_attachments:
        services.document_upload(
            actor=intake.created_by,
            upload=pdf(f"{category}.pdf"),
            category=category,
            title=category,
            intake=intake,
        )


def accepted_intake(**kwargs):
    intake = IntakeFactory(**kwargs)
    attach_required(intake)
    services.intake_submit(intake=intake, actor=intake.created_by)
    reviewer = user_with_role(Role.PM_SUPPORT)
    answers = {str(i): True for i in range(len(intake.template.checklist))}
    return services.intake_accept(intake=intake, actor=reviewer, answers=answers), reviewer


def test_the_three_templates_ship_in_three_languages():
    from django.utils import translation

    template = intake_template("datacenter-migration")
    with translation.override("fr"):
        assert template.name == "Migration de datacenter"
        assert template.checklist_items()[0].startswith("L'inventaire")
    with translation.override("nl"):
        assert template.name == "Datacentermigratie"


def test_it_lists_what_is_missing_before_submission():
    intake = IntakeFactory(opportunity_reference="", customer=None, sold_value=Decimal("0"))

    missing = intake_missing(intake=intake)

    assert "Customer is required for this project type." in missing
    assert "D365 opportunity reference is required for this project type." in missing
    assert "Sold value is required for this project type." in missing
    assert "Attach the signed offer." in missing
    with pytest.raises(ValidationError):
        services.intake_submit(intake=intake, actor=intake.created_by)
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.DRAFT


def test_it_submits_a_complete_intake_and_records_the_move():
    intake = IntakeFactory()
    attach_required(intake)

    services.intake_submit(intake=intake, actor=intake.created_by)

    intake.refresh_from_db()
    assert intake.status == IntakeStatus.SUBMITTED
    change = intake.status_changes.get()
    assert (change.from_status, change.to_status, change.actor) == ("draft", "submitted", intake.created_by)


def test_a_return_needs_a_reason_and_emails_sales_in_their_language(
    mailoutbox, django_capture_on_commit_callbacks
):
    author = user_with_role(Role.SALES, preferred_language="fr")
    intake = IntakeFactory(created_by=author)
    attach_required(intake)
    services.intake_submit(intake=intake, actor=author)
    reviewer = user_with_role(Role.PM_SUPPORT)

    with pytest.raises(ValidationError):
        services.intake_return(intake=intake, actor=reviewer, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.intake_return(intake=intake, actor=reviewer, reason="Le bon de commande manque.")

    intake.refresh_from_db()
    assert intake.status == IntakeStatus.RETURNED
    assert intake.status_reason == "Le bon de commande manque."
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [author.email]
    assert (
        "Renvoyé" in mailoutbox[0].subject
        or "renvoy" in mailoutbox[0].subject.lower()
        or intake.number in mailoutbox[0].subject
    )
    assert "Le bon de commande manque." in mailoutbox[0].body


def test_the_notification_is_sent_once_even_when_the_task_runs_twice(mailoutbox):
    intake, _reviewer = accepted_intake()
    change = intake.status_changes.get(to_status=IntakeStatus.ACCEPTED)

    assert services.intake_notify_sales(status_change_id=change.pk) is True
    assert services.intake_notify_sales(status_change_id=change.pk) is False
    assert len(mailoutbox) == 1


def test_accepting_needs_every_checklist_item():
    intake = IntakeFactory()
    attach_required(intake)
    services.intake_submit(intake=intake, actor=intake.created_by)

    with pytest.raises(ValidationError):
        services.intake_accept(intake=intake, actor=user_with_role(Role.PM_SUPPORT), answers={"0": True})

    intake.refresh_from_db()
    assert intake.status == IntakeStatus.SUBMITTED


def test_a_draft_cannot_be_accepted():
    intake = IntakeFactory()

    with pytest.raises(ValidationError):
        services.intake_accept(intake=intake, actor=user_with_role(Role.PM_SUPPORT), answers={})


def test_it_converts_an_accepted_intake_into_a_project_in_one_go():
    intake, reviewer = accepted_intake()
    manager = user_with_role(Role.PROJECT_MANAGER)

    project = services.project_create_from_intake(
        intake=intake, actor=reviewer, project_manager=manager, support_officer=reviewer
    )

    intake.refresh_from_db()
    assert intake.status == IntakeStatus.CONVERTED and intake.project == project
    assert project.code.startswith("P-") and project.phase == Phase.INITIATION
    assert project.contract_value == Decimal("180000.00") and project.budget == Decimal("140000.00")
    assert project.account_manager == intake.created_by
    assert project.required_documents.count() == 5
    assert project.documents.filter(category=DocumentCategory.OFFER).exists()
    assert Task.objects.filter(project=project).count() == 7
    assert project.tasks.get(wbs_code="1.1").parent == project.tasks.get(wbs_code="1")
    lines = {line.category.code: line.budget for line in project.budget_lines.select_related("category")}
    assert lines == {
        "equipment": Decimal("77000.00"),
        "subcontracting": Decimal("28000.00"),
        "internal_labour": Decimal("21000.00"),
        "travel": Decimal("2800.00"),
        "contingency": Decimal("11200.00"),
    }


def test_converting_a_new_customer_creates_it():
    intake, reviewer = accepted_intake(customer=None, new_customer_name="Nieuwe Klant NV")

    project = services.project_create_from_intake(
        intake=intake, actor=reviewer, project_manager=None, support_officer=reviewer
    )

    assert project.customer == Customer.objects.get(name="Nieuwe Klant NV")


def test_converting_a_new_customer_whose_vat_number_is_on_file_links_that_customer(client):
    on_file = Customer.objects.create(name="Klant NV", vat_number="BE0403019261")
    intake, reviewer = accepted_intake(
        customer=None, new_customer_name="Klant (nieuw contract)", new_customer_vat="be 0403.019.261"
    )
    client.force_login(reviewer)

    page = client.get(f"/projects/intakes/{intake.pk}/convert/")
    project = services.project_create_from_intake(
        intake=intake, actor=reviewer, project_manager=None, support_officer=reviewer
    )

    assert 'id="existing-customer"' in page.text and "Klant NV" in page.text
    intake.refresh_from_db()
    assert project.customer == on_file and Customer.objects.count() == 1
    assert intake.status == IntakeStatus.CONVERTED


def test_a_failed_conversion_changes_nothing():
    intake, reviewer = accepted_intake()
    not_a_manager = user_with_role(Role.FINANCE)

    with pytest.raises(ValidationError):
        services.project_create_from_intake(
            intake=intake, actor=reviewer, project_manager=not_a_manager, support_officer=reviewer
        )

    intake.refresh_from_db()
    assert intake.status == IntakeStatus.ACCEPTED and intake.project is None
    assert not Project.objects.exists() and not Task.objects.exists()
    assert not IntakeStatusChange.objects.filter(to_status=IntakeStatus.CONVERTED).exists()


def test_an_intake_with_the_pmo_cannot_be_edited():
    intake, _reviewer = accepted_intake()

    with pytest.raises(ValidationError):
        services.intake_update(intake=intake, actor=intake.created_by, title="Changed")

    assert Intake.objects.get(pk=intake.pk).title != "Changed"
