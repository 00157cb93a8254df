import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pmo.roles import Role
from projects.models import Document, DocumentVersion
from tests.factories import ProjectFactory, user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(files_on_disk):
    return files_on_disk


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def post_document(client, project, name, content, category="design"):
    return client.post(
        f"/projects/{project.pk}/documents/upload/",
        {
            "category": category,
            "title": "Design",
            "phase": "planning",
            "file": SimpleUploadedFile(name, content),
        },
    )


@pytest.fixture
def manager_client(client):
    project = ProjectFactory()
    client.force_login(project.project_manager)
    client.project = project
    return client


def test_it_uploads_a_document_and_keeps_old_versions(manager_client):
    project = manager_client.project

    assert post_document(manager_client, project, "design.pdf", PDF).status_code == 302
    document = Document.objects.get(project=project)
    response = manager_client.post(
        f"/projects/documents/{document.pk}/versions/upload/",
        {"file": SimpleUploadedFile("design-v2.docx", docx_bytes())},
    )

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.current_version == 2
    assert list(document.versions.values_list("number", "original_name")) == [
        (2, "design-v2.docx"),
        (1, "design.pdf"),
    ]
    first = manager_client.get(f"/projects/documents/{document.pk}/download/?version=1")
    assert first.status_code == 200 and b"".join(first.streaming_content) == PDF
    assert first["Content-Type"] == "application/pdf"
    assert "attachment" in first["Content-Disposition"]
    assert first["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("fake.pdf", b"MZ\x90\x00 this is an executable"),
        ("script.exe", b"MZ\x90\x00"),
        ("empty.pdf", b""),
        ("fake.docx", b"PK\x03\x04 not really a zip"),
        ("notes.txt", b"\x00\x01\x02binary"),
    ],
)
def test_it_refuses_files_whose_content_does_not_match(manager_client, name, content):
    response = post_document(manager_client, manager_client.project, name, content)

    assert response.status_code == 400
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()


def test_it_refuses_files_over_the_size_limit(manager_client, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 100

    response = post_document(manager_client, manager_client.project, "big.pdf", PDF + b"0" * 200)

    assert response.status_code == 400
    assert "too large" in response.text
    assert not Document.objects.exists()


@pytest.mark.parametrize("role", [Role.SALES, Role.SMO, Role.PROJECT_MANAGER])
def test_people_who_cannot_see_the_project_cannot_download(manager_client, client, role):
    post_document(manager_client, manager_client.project, "design.pdf", PDF)
    document = Document.objects.get()
    client.force_login(user_with_role(role))

    assert client.get(f"/projects/documents/{document.pk}/download/").status_code == 404


@pytest.mark.parametrize("role", [Role.FINANCE, Role.ENGINEERING_MANAGER])
def test_readers_cannot_upload(client, role):
    project = ProjectFactory()
    client.force_login(user_with_role(role))

    assert client.get(f"/projects/{project.pk}/documents/").status_code == 200
    assert post_document(client, project, "design.pdf", PDF).status_code == 403
    assert not Document.objects.exists()


def test_the_documents_page_shows_the_required_checklist(manager_client):
    from projects.models import RequiredDocument

    project = manager_client.project
    RequiredDocument.objects.create(project=project, category="offer", phase="planning", title="Signed offer")
    RequiredDocument.objects.create(
        project=project, category="design", phase="execution", title="Technical design"
    )
    post_document(manager_client, project, "design.pdf", PDF)

    response = manager_client.get(f"/projects/{project.pk}/documents/")

    statuses = {line.required.title: line.is_present for line in response.context["required"]}
    assert statuses == {"Signed offer": False, "Technical design": True}


def test_download_refuses_post(manager_client):
    post_document(manager_client, manager_client.project, "design.pdf", PDF)

    assert (
        manager_client.post(f"/projects/documents/{Document.objects.get().pk}/download/").status_code == 405
    )


def test_the_documents_page_runs_a_constant_number_of_queries(manager_client, django_assert_max_num_queries):
    for number in range(10):
        post_document(manager_client, manager_client.project, f"d{number}.pdf", PDF, category="minutes")

    with django_assert_max_num_queries(12):
        assert manager_client.get(f"/projects/{manager_client.project.pk}/documents/").status_code == 200


def test_the_pmo_edits_the_required_documents_checklist(client):
    from projects.models import RequiredDocument

    project = ProjectFactory()
    client.force_login(user_with_role(Role.PM_SUPPORT))

    response = client.post(
        f"/projects/{project.pk}/documents/required/create/",
        {"title": "Safety plan (VCA)", "category": "safety_plan", "phase": "execution"},
    )
    line = RequiredDocument.objects.get(project=project)
    assert response.status_code == 302 and line.title == "Safety plan (VCA)"

    client.force_login(user_with_role(Role.FINANCE))
    assert client.post(f"/projects/{project.pk}/documents/required/{line.pk}/delete/").status_code == 403
    assert RequiredDocument.objects.filter(pk=line.pk).exists()
