"""Cost rates per role (issue 15): a person without a rate of their own on the day worked costs their role's
rate of that day, in the labour actuals (ORM), in EVM's statement (SQL) and in EVM's Python rule alike."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pmo.roles import Role
from projects.models import ResourceRole, RoleCostRate
from projects.selectors.timesheets import project_labour
from projects.services import resource_update
from projects.services import timesheets as services
from reporting.selectors import evm
from tests.factories import user_with_role
from tests.projects.test_timesheets import MONDAY, _approved_week, _book, team  # noqa: F401

pytestmark = pytest.mark.django_db
H = Decimal


@pytest.fixture
def finance():
    return user_with_role(Role.FINANCE, preferred_language="fr")


def _role_rate(finance, rate="50.00", valid_from=datetime.date(2026, 1, 1), valid_to=None, name="Technician"):
    return services.role_cost_rate_create(
        role_name=name, hourly_rate=H(rate), valid_from=valid_from, valid_to=valid_to, actor=finance
    )


def test_a_person_without_a_rate_costs_the_rate_of_their_role(team, finance):  # noqa: F811
    role = _role_rate(finance).role
    resource_update(resource=team["resource"], actor=finance, role=role)
    _approved_week(team)  # 7.5 h Monday, 2 h Tuesday

    labour = project_labour(project=team["project"])

    assert labour["cost"] == H("475.00") and labour["unrated_hours"] == H("0")  # 9.5 x 50


def test_the_own_rate_wins_and_the_role_covers_the_days_it_does_not(team, finance):  # noqa: F811
    role = _role_rate(finance).role
    resource_update(resource=team["resource"], actor=finance, role=role)
    services.cost_rate_create(
        resource=team["resource"], hourly_rate=H("60.00"), valid_from=MONDAY, valid_to=MONDAY, actor=finance
    )
    _approved_week(team)

    # Monday at the person's 60, Tuesday (no own rate) at the role's 50: 7.5 x 60 + 2 x 50.
    assert project_labour(project=team["project"])["cost"] == H("550.00")


def test_without_a_role_the_hours_stay_unrated(team, finance):  # noqa: F811
    _role_rate(finance)
    _approved_week(team)

    labour = project_labour(project=team["project"])

    assert labour["cost"] == H("0.00") and labour["unrated_hours"] == H("9.5")


@pytest.mark.usefixtures("postgres_only")
def test_evm_in_sql_and_in_python_cost_the_role_rate_alike(team, finance):  # noqa: F811
    role = _role_rate(finance, rate="45.50", valid_to=MONDAY).role
    _role_rate(finance, rate="55.25", valid_from=MONDAY + datetime.timedelta(days=1))
    resource_update(resource=team["resource"], actor=finance, role=role)
    _book(team, team["admin"], MONDAY + datetime.timedelta(days=2), "3")
    _approved_week(team)
    as_of = MONDAY + datetime.timedelta(days=6)

    in_sql = evm.evm_for_projects(project_ids=[team["project"].pk], as_of=as_of)
    in_python = evm._evm_in_python(project_ids=[team["project"].pk], as_of=as_of)

    # 7.5 x 45.50 (Monday) + 2 x 55.25 (Tuesday) + 3 x 55.25 (Wednesday) = 341.25 + 110.50 + 165.75
    assert in_sql[team["project"].pk].labour == H("617.50")
    assert in_python == in_sql


def test_finance_adds_a_rate_per_role_typed_in_french(client, finance):
    client.force_login(finance)

    response = client.post(
        reverse("projects:role-cost-rate-create"),
        {
            "role-role_name": "  Technicien   senior ",
            "role-hourly_rate": "1.234,50",
            "role-valid_from": "2027-01-01",
            "role-valid_to": "",
        },
    )

    assert response.status_code == 302
    rate = RoleCostRate.objects.select_related("role").get()
    assert rate.role.name == "Technicien senior" and rate.hourly_rate == H("1234.50")
    assert rate.history.first().history_user == finance
    page = client.get(reverse("projects:cost-rate-list")).content.decode()
    assert 'id="role-cost-rates"' in page and "Technicien senior" in page


def test_an_overlapping_role_rate_is_refused_and_nothing_is_added(client, finance):
    _role_rate(finance, name="Technician")
    with pytest.raises(ValidationError):
        _role_rate(finance, name="technician", rate="70.00", valid_from=datetime.date(2027, 6, 1))
    client.force_login(finance)

    response = client.post(
        reverse("projects:role-cost-rate-create"),
        {"role-role_name": "Technician", "role-hourly_rate": "70", "role-valid_from": "2027-06-01"},
    )

    assert response.status_code == 400
    assert RoleCostRate.objects.count() == 1 and ResourceRole.objects.count() == 1


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.ENGINEERING_MANAGER, Role.SALES])
def test_only_finance_and_head_of_pm_set_role_rates(client, role):
    client.force_login(user_with_role(role))

    response = client.post(
        reverse("projects:role-cost-rate-create"),
        {"role-role_name": "Technician", "role-hourly_rate": "70", "role-valid_from": "2027-06-01"},
    )

    assert response.status_code == 403
    assert not RoleCostRate.objects.exists() and not ResourceRole.objects.exists()


def test_a_role_rate_is_not_added_by_get(client, finance):
    client.force_login(finance)

    assert client.get(reverse("projects:role-cost-rate-create")).status_code == 405


def test_the_engineering_manager_gives_a_resource_its_role(client, team, finance):  # noqa: F811
    role = _role_rate(finance).role
    manager = user_with_role(Role.ENGINEERING_MANAGER)
    client.force_login(manager)

    response = client.post(
        reverse("projects:resource-update", args=[team["resource"].pk]),
        {"name": "Jan Peeters", "kind": "person", "role": role.pk, "weekly_capacity_hours": "38"},
    )

    assert response.status_code == 302
    team["resource"].refresh_from_db()
    assert team["resource"].role == role and team["resource"].history.first().history_user == manager
    assert "<td>Technician</td>" in client.get(reverse("projects:resource-list")).content.decode()
