"""Approved hours leave PMO Desk as Dynamics 365 msdyn_timeentry rows (CSV/XLSX) and through the REST API."""

import datetime
import io
from decimal import Decimal

import pytest

from pmo.roles import Role
from projects.models import ApprovalTrack
from projects.services import timesheets as services
from tests.factories import api_key_for, user_with_role
from tests.projects.test_timesheets import MONDAY, _approved_week, _book, team  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/projects/timesheets/export/"


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return [line.split(";") for line in text.splitlines()]


def test_finance_exports_the_approved_hours_in_the_msdyn_timeentry_layout(client, team):  # noqa: F811
    sheets = _approved_week(team)
    services.timesheet_correction_open(timesheet=sheets[ApprovalTrack.ENGINEERING], actor=team["technician"])
    _book(team, team["install"], MONDAY, "6")  # correction 7.5 → 6, approved below
    services.timesheet_week_submit(resource=team["resource"], week_start=MONDAY, actor=team["technician"])
    from projects.models import Timesheet

    services.timesheet_approve(timesheet=Timesheet.objects.get(revision=2), actor=team["engineering_manager"])
    client.force_login(user_with_role(Role.FINANCE))

    response = client.get(URL, {"start": "2027-03-01", "end": "2027-03-07", "format": "csv"})

    header, *rows = _csv(response)
    assert header == [
        "msdyn_date",
        "msdyn_duration",
        "msdyn_type",
        "msdyn_entrystatus",
        "msdyn_project",
        "msdyn_projecttask",
        "msdyn_bookableresource",
        "msdyn_description",
        "msdyn_externaldescription",
    ]
    code = team["project"].code
    assert [row[:7] for row in rows] == [
        [
            "2027-03-01",
            "360",
            "192350000",
            "192350002",
            code,
            f"{team['install'].wbs_code} Install switches",
            "Jan Peeters",
        ],
        [
            "2027-03-02",
            "120",
            "192350000",
            "192350002",
            code,
            f"{team['admin'].wbs_code} Site report",
            "Jan Peeters",
        ],
    ]


def test_the_xlsx_keeps_numbers_and_dates_typed(client, team):  # noqa: F811
    _approved_week(team)
    client.force_login(user_with_role(Role.HEAD_OF_PM))

    response = client.get(URL, {"start": "2027-03-01", "end": "2027-03-07", "format": "xlsx"})

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A2"].value.date() == datetime.date(2027, 3, 1)
    assert sheet["B2"].value == 450


def test_hours_not_approved_are_not_exported(client, team):  # noqa: F811
    _book(team, team["install"], MONDAY, "4")
    client.force_login(user_with_role(Role.FINANCE))
    assert _csv(client.get(URL, {"start": "2027-03-01", "end": "2027-03-07"}))[1:] == []


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.SALES, Role.ENGINEERING_MANAGER])
def test_the_export_is_refused_to_other_roles(client, role):
    client.force_login(user_with_role(role))
    assert client.get(URL, {"start": "2027-03-01", "end": "2027-03-07"}).status_code == 403


def test_the_api_shows_a_technician_only_their_own_entries(client, team):  # noqa: F811
    _approved_week(team)
    from tests.factories import AssignmentFactory, ResourceFactory, UserFactory

    colleague = ResourceFactory(user=UserFactory())
    AssignmentFactory(task=team["admin"], resource=colleague)
    services.time_entry_set(
        resource=colleague, task=team["admin"], day=MONDAY, hours=Decimal("1.25"), actor=colleague.user
    )

    mine = client.get(
        "/api/v1/time-entries/", HTTP_AUTHORIZATION=f"Token {api_key_for(colleague.user)}"
    ).json()
    everything = client.get(
        "/api/v1/time-entries/", HTTP_AUTHORIZATION=f"Token {api_key_for(user_with_role(Role.HEAD_OF_PM))}"
    ).json()

    assert [(row["hours"], row["status"]) for row in mine["results"]] == [("1.25", "draft")]
    assert len(everything["results"]) == 3
    assert {row["project"] for row in everything["results"]} == {team["project"].pk}
