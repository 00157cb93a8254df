"""Cost rates and internal labour: approved hours x the rate valid on the day worked are the actuals of the
internal-labour budget line in the P&L and in the finance export; rates are seen by finance and head of PM."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pmo.lib.money import money_format
from pmo.roles import Role
from projects.models import ApprovalTrack, CostRate, TaskKind, Timesheet
from projects.services import timesheets as services
from tests.factories import BudgetLineFactory, ResourceFactory, cost_category, user_with_role
from tests.projects.test_timesheets import MONDAY, _approved_week, _book, team  # noqa: F401

pytestmark = pytest.mark.django_db
H = Decimal


@pytest.fixture
def rated(team):  # noqa: F811
    finance = user_with_role(Role.FINANCE)
    # 60 EUR until Tuesday of the week, 70 EUR from Wednesday: the day worked picks the rate.
    services.cost_rate_create(
        resource=team["resource"],
        hourly_rate=H("60.00"),
        valid_from=datetime.date(2026, 1, 1),
        valid_to=MONDAY + datetime.timedelta(days=1),
        actor=finance,
    )
    services.cost_rate_create(
        resource=team["resource"],
        hourly_rate=H("70.00"),
        valid_from=MONDAY + datetime.timedelta(days=2),
        valid_to=None,
        actor=finance,
    )
    BudgetLineFactory(project=team["project"], category=cost_category("internal_labour"), budget=H("5000.00"))
    team["finance"] = finance
    return team


def test_an_overlapping_rate_is_refused_and_nothing_is_added(rated):
    with pytest.raises(ValidationError):
        services.cost_rate_create(
            resource=rated["resource"],
            hourly_rate=H("99.00"),
            valid_from=MONDAY,
            valid_to=MONDAY + datetime.timedelta(days=10),
            actor=rated["finance"],
        )
    assert CostRate.objects.count() == 2


def test_finance_adds_a_rate_typed_in_french(client, team):  # noqa: F811
    finance = user_with_role(Role.FINANCE, preferred_language="fr")
    client.force_login(finance)

    response = client.post(
        reverse("projects:cost-rate-list"),
        {
            "resource": team["resource"].pk,
            "hourly_rate": "1.234,50",
            "valid_from": "2027-01-01",
            "valid_to": "",
        },
    )

    assert response.status_code == 302
    rate = CostRate.objects.get()
    assert rate.hourly_rate == H("1234.50") and rate.history.first().history_user == finance


@pytest.mark.parametrize(
    "role", [Role.PROJECT_MANAGER, Role.ENGINEERING_MANAGER, Role.PM_SUPPORT, Role.SALES]
)
def test_only_finance_and_head_of_pm_see_and_set_rates(client, rated, role):
    client.force_login(user_with_role(role))

    assert client.get(reverse("projects:cost-rate-list")).status_code == 403
    response = client.post(
        reverse("projects:cost-rate-list"),
        {"resource": rated["resource"].pk, "hourly_rate": "1", "valid_from": "2030-01-01"},
    )
    assert response.status_code == 403
    assert CostRate.objects.count() == 2


def test_head_of_pm_reads_the_rates(client, rated):
    client.force_login(user_with_role(Role.HEAD_OF_PM))
    page = client.get(reverse("projects:cost-rate-list")).content.decode()
    assert "Jan Peeters" in page and money_format(H("70.00")) in page


def test_approved_hours_at_their_days_rate_are_the_labour_actuals_in_the_pnl(client, rated):
    _book(rated, rated["install"], MONDAY + datetime.timedelta(days=2), "4")  # Wednesday at 70
    _approved_week(rated)  # + 7.5 h Monday at 60 (installation), 2 h Tuesday at 60 (administration)
    client.force_login(rated["pm"])

    response = client.get(reverse("procurement:project-pnl", args=[rated["project"].pk]))

    # 7.5 x 60 + 2 x 60 + 4 x 70 = 450 + 120 + 280 = 850
    assert response.status_code == 200
    line = next(line for line in response.context["pnl"].lines if line.category.code == "internal_labour")
    assert line.external_spent == H("850.00")
    assert line.available_with_external == H("4150.00")
    assert "Feuilles de temps approuvées" in response.content.decode()  # the PM reads French


def test_draft_and_submitted_hours_are_not_actuals_and_a_correction_counts_once(client, rated):
    sheets = _approved_week(rated)
    services.timesheet_correction_open(timesheet=sheets[ApprovalTrack.ENGINEERING], actor=rated["technician"])
    _book(rated, rated["install"], MONDAY, "5")  # correcting 7.5 to 5, not yet approved
    from procurement.selectors import project_pnl

    def labour():
        lines = project_pnl(project=rated["project"]).lines
        return next(line.external_spent for line in lines if line.category.code == "internal_labour")

    assert labour() == H("570.00")  # 7.5 x 60 + 2 x 60: the correction is still a draft
    services.timesheet_week_submit(resource=rated["resource"], week_start=MONDAY, actor=rated["technician"])
    assert labour() == H("570.00")
    correction = Timesheet.objects.get(revision=2)
    services.timesheet_approve(timesheet=correction, actor=rated["engineering_manager"])
    assert labour() == H("420.00")  # 5 x 60 + 2 x 60


def test_the_pnl_keeps_a_constant_number_of_queries(
    client, rated, django_assert_num_queries, django_assert_max_num_queries
):
    _approved_week(rated)
    client.force_login(rated["pm"])
    url = reverse("procurement:project-pnl", args=[rated["project"].pk])
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    other = ResourceFactory(user=user_with_role(Role.PM_SUPPORT))
    from tests.factories import AssignmentFactory, TaskFactory

    for offset in range(3):
        task = TaskFactory(project=rated["project"], kind=TaskKind.ADMINISTRATION)
        AssignmentFactory(task=task, resource=other)
        services.time_entry_set(
            resource=other,
            task=task,
            day=MONDAY + datetime.timedelta(days=offset),
            hours=H("1"),
            actor=other.user,
        )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_finance_export_has_the_labour_column(client, rated):
    _approved_week(rated)
    client.force_login(rated["finance"])

    response = client.get("/reporting/finance/export/")

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = [line.split(";") for line in text.splitlines()]
    assert header[-1] == "Internal labour (approved hours)"
    row = next(row for row in rows if row[0] == rated["project"].code)
    assert row[-1] == "570,00"
