"""Who may download a project's documents (issue 20): sales only for the sales they wrote themselves."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pmo.roles import Role
from projects import services
from projects.models import Phase
from tests.factories import IntakeFactory, ProjectFactory, QuotationFactory, user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def signed_offer():
    """A project sold by one seller (their intake) whose account manager is now another seller."""
    writer = user_with_role(Role.SALES)
    account_manager = user_with_role(Role.SALES)
    project = ProjectFactory(account_manager=account_manager, phase=Phase.EXECUTION)
    IntakeFactory(created_by=writer, project=project)
    document = services.document_upload(
        actor=project.project_manager,
        project=project,
        upload=SimpleUploadedFile("offer.pdf", PDF),
        category="offer",
        title="Signed offer",
        phase=Phase.INITIATION,
    )
    return document, writer, account_manager


def download(client, user, document):
    client.force_login(user)
    return client.get(f"/projects/documents/{document.pk}/download/")


def test_the_seller_who_wrote_the_intake_downloads_the_signed_offer(client, signed_offer):
    document, writer, _other = signed_offer

    response = download(client, writer, document)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_another_seller_cannot_download_it_by_guessing_the_id(client, signed_offer):
    document, _writer, account_manager = signed_offer

    assert download(client, account_manager, document).status_code == 404
    assert client.get(f"/projects/{document.project_id}/documents/").status_code == 404


def test_a_seller_of_no_part_of_the_project_gets_404(client, signed_offer):
    document, _writer, _other = signed_offer

    assert download(client, user_with_role(Role.SALES), document).status_code == 404


def test_the_seller_whose_quotation_became_the_project_downloads(client, signed_offer):
    document, _writer, account_manager = signed_offer
    QuotationFactory(created_by=account_manager, project=document.project)

    assert download(client, account_manager, document).status_code == 200


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.PM_SUPPORT, 200),
        (Role.HEAD_OF_PM, 200),
        (Role.FINANCE, 200),
        (Role.ENGINEERING_MANAGER, 200),
        (Role.ADMINISTRATOR, 200),
        (Role.SMO, 404),  # the project is in execution: not yet the SMO's
        (Role.PROJECT_MANAGER, 404),  # not their project
    ],
)
def test_every_other_role_as_the_project_rule_says(client, signed_offer, role, expected):
    document, _writer, _other = signed_offer

    assert download(client, user_with_role(role), document).status_code == expected


def test_the_projects_own_manager_downloads(client, signed_offer):
    document, _writer, _other = signed_offer

    assert download(client, document.project.project_manager, document).status_code == 200


def test_the_smo_downloads_once_the_project_is_closing(client, signed_offer):
    document, _writer, _other = signed_offer
    type(document.project).objects.filter(pk=document.project_id).update(phase=Phase.CLOSING)

    assert download(client, user_with_role(Role.SMO), document).status_code == 200
