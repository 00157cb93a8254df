"""Plan import from the files spreadsheets really save: encodings, separators, row numbers, damage."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "files"


@pytest.fixture
def project():
    return ProjectFactory()


@pytest.fixture
def manager_client(client, project):
    client.force_login(project.project_manager)
    return client


def upload(client, project, name: str, content: bytes | None = None):
    content = (FILES / name).read_bytes() if content is None else content
    return client.post(f"/projects/{project.pk}/plan/import/", {"file": SimpleUploadedFile(name, content)})


# The en dash is 0x96 in Windows-1252 and has no place in Latin-1: a wrong guess shows.
SURVEY = "Relevé de façade \u2013 bâtiment B"


@pytest.mark.parametrize(
    "name",
    [
        "plan-windows-1252-semicolon.csv",
        "plan-utf-8-bom-semicolon.csv",
        "plan-utf-8-comma.csv",
        "plan-windows-1252-comma.csv",
    ],
)
def test_it_imports_csv_in_each_encoding_and_separator_excel_saves(manager_client, project, name):
    response = upload(manager_client, project, name)

    assert response.status_code == 302, response.context and response.context["form"].errors
    assert project.tasks.count() == 4
    assert project.tasks.get(wbs_code="1").name == "Étude préalable"
    assert project.tasks.get(wbs_code="1.1").name == SURVEY
    assert project.tasks.get(wbs_code="1.1").parent.wbs_code == "1"
    assert project.tasks.get(wbs_code="3").predecessor_links.get().predecessor.wbs_code == "2"


def test_the_euro_sign_of_a_windows_1252_file_survives(manager_client, project):
    upload(manager_client, project, "plan-windows-1252-semicolon.csv")

    assert project.tasks.get(wbs_code="2").name == "Câblage € 1.200"


def test_csv_errors_name_the_row_as_the_spreadsheet_numbers_it(manager_client, project):
    # Header is row 1, row 4 is blank, the unknown kind is on row 5; row 6 follows task 2, so it fails too.
    response = upload(manager_client, project, "plan-windows-1252-bad-row-5.csv")

    assert response.status_code == 400
    errors = dict(response.context["result"].errors)
    assert sorted(errors) == [5, 6]
    assert "welding" in errors[5] and "2" in errors[6]
    assert not project.tasks.exists()


def test_xlsx_errors_name_the_row_as_the_spreadsheet_numbers_it(manager_client, project):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["wbs_code", "name", "kind", "planned_start", "planned_end"])
    sheet.append(["1", "Design", "engineering", "2027-02-01", "2027-02-12"])
    sheet.append([None, None, None, None, None])
    sheet.append(["2", "Build", "engineering", "2027-02-15", "not a date"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = upload(manager_client, project, "plan.xlsx", buffer.getvalue())

    assert response.status_code == 400
    assert [row for row, _message in response.context["result"].errors] == [4]
    assert not project.tasks.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("corrupt.xlsx", None),
        ("empty.xlsx", b""),
        ("text.xlsx", "wbs_code,name\n1,é".encode()),
        ("binary.csv", bytes(range(256)) * 4),
        ("empty.csv", b""),
        ("header-only.csv", b"wbs_code;name;kind;planned_start\r\n"),
    ],
)
def test_a_damaged_or_empty_file_is_a_form_error(manager_client, project, name, content):
    response = upload(manager_client, project, name, content)

    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert errors and "Traceback" not in errors[0] and "codec" not in errors[0]
    assert not project.tasks.exists()


def test_dates_in_the_belgian_regional_format_excel_writes_are_read(manager_client, project):
    content = (
        "wbs_code;name;kind;planned_start;planned_end\r\n1;Câblage;installation;01/02/2027;12/02/2027\r\n"
    )

    response = upload(manager_client, project, "plan.csv", content.encode("cp1252"))

    assert response.status_code == 302
    task = project.tasks.get()
    assert (task.planned_start.isoformat(), task.planned_end.isoformat()) == ("2027-02-01", "2027-02-12")
