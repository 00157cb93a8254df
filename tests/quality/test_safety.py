from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from pmo.roles import Role
from projects.models import Phase
from quality.models import (
    ActionStatus,
    IncidentStatus,
    LastMinuteRiskAnalysis,
    SafetyIncident,
    ToolboxMeeting,
    WorkedHours,
)
from quality.selectors.core import safety_kpis
from tests.factories import (
    CorrectiveActionFactory,
    ProjectFactory,
    PurchaseOrderFactory,
    SafetyIncidentFactory,
    SupplierFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client):
    manager = user_with_role(Role.PROJECT_MANAGER)
    client.force_login(manager)
    client.user = manager
    client.project = ProjectFactory(phase=Phase.EXECUTION, project_manager=manager)
    return client


def test_the_project_manager_records_an_lmra(manager_client):
    project = manager_client.project

    response = manager_client.post(
        f"/quality/projects/{project.pk}/lmras/create/",
        {
            "performed_on": "2026-11-20",
            "site": "Campus Gent, building C",
            "task": "Mount access points in the ceiling",
            "team": "Tom, Sara",
            "hazards": ["height", "electrical"],
            "controls": "Scissor lift with guard rails; circuit isolated",
            "permit_number": "WP-221",
            "is_ppe_ok": "on",
            "is_emergency_known": "on",
            "is_go": "on",
        },
    )

    lmra = LastMinuteRiskAnalysis.objects.get()
    assert response.status_code == 302
    assert lmra.hazards == ["height", "electrical"] and lmra.is_go and lmra.recorded_by == manager_client.user


def test_a_go_without_ppe_is_refused(manager_client):
    project = manager_client.project

    response = manager_client.post(
        f"/quality/projects/{project.pk}/lmras/create/",
        {"performed_on": "2026-11-20", "site": "S", "task": "T", "team": "A", "is_go": "on"},
    )

    assert response.status_code == 200
    assert "A go needs PPE in order and the emergency arrangements known." in response.text
    assert not LastMinuteRiskAnalysis.objects.exists()


def test_a_toolbox_meeting_needs_attendees(manager_client):
    project = manager_client.project
    data = {"held_on": "2026-11-18", "topic": "Working at height", "presenter": "Sara", "attendees": "  "}

    refused = manager_client.post(f"/quality/projects/{project.pk}/toolbox-meetings/create/", data)
    accepted = manager_client.post(
        f"/quality/projects/{project.pk}/toolbox-meetings/create/", {**data, "attendees": "Tom\nSara\nKoen"}
    )

    assert refused.status_code == 200 and accepted.status_code == 302
    assert ToolboxMeeting.objects.get().attendee_count == 3


def test_an_incident_gets_a_number_and_closes_after_investigation(manager_client):
    project = manager_client.project

    manager_client.post(
        f"/quality/projects/{project.pk}/incidents/create/",
        {
            "kind": "lost_time_accident",
            "occurred_at": (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "place": "Loading dock",
            "description": "A technician twisted an ankle on a cable drum.",
            "lost_days": "3",
        },
    )
    incident = SafetyIncident.objects.get()
    refused = manager_client.post(f"/quality/incidents/{incident.pk}/close/", follow=True)
    action = CorrectiveActionFactory(
        finding=None, incident=incident, project=project, status=ActionStatus.VERIFIED
    )
    form = {
        "kind": "lost_time_accident",
        "occurred_at": timezone.localtime(incident.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "place": "Loading dock",
        "description": incident.description,
        "lost_days": "3",
        "root_cause": "Cable drums stored in the walkway",
    }
    manager_client.post(f"/quality/incidents/{incident.pk}/", form)
    closed = manager_client.post(f"/quality/incidents/{incident.pk}/close/", follow=True)

    incident.refresh_from_db()
    assert incident.number == f"SI-{timezone.localdate().year}-0001"
    assert "Record the root cause before closing the incident." in refused.text
    assert "Incident closed." in closed.text and action.incident_id == incident.pk
    assert incident.status == IncidentStatus.CLOSED


def test_a_lost_time_accident_needs_lost_days(manager_client):
    project = manager_client.project

    response = manager_client.post(
        f"/quality/projects/{project.pk}/incidents/create/",
        {
            "kind": "lost_time_accident",
            "occurred_at": "2026-01-05T10:00",
            "place": "Dock",
            "description": "x",
            "lost_days": "0",
        },
    )

    assert response.status_code == 200 and not SafetyIncident.objects.exists()


def test_the_injury_frequency_uses_lost_time_injuries_per_million_hours():
    project = ProjectFactory(phase=Phase.EXECUTION)
    SafetyIncidentFactory(project=project, kind="lost_time_accident", lost_days=4)
    SafetyIncidentFactory(project=project, kind="near_miss")
    WorkedHours.objects.create(project=project, month=date(2026, 10, 1), hours=Decimal("12000"))
    WorkedHours.objects.create(project=project, month=date(2026, 11, 1), hours=Decimal("8000"))

    kpis = safety_kpis(projects=type(project).objects.filter(pk=project.pk))

    assert kpis.injury_frequency == Decimal("50.00")
    assert kpis.by_kind == {"lost_time_accident": 1, "near_miss": 1}
    assert kpis.lost_days == 4 and kpis.open_incidents == 2


def test_without_hours_there_is_no_injury_frequency():
    SafetyIncidentFactory(kind="lost_time_accident", lost_days=1)

    assert safety_kpis(projects=ProjectFactory._meta.model.objects.all()).injury_frequency is None


@pytest.mark.parametrize("role", [Role.FINANCE, Role.SMO, Role.SALES])
def test_roles_that_do_not_run_the_project_cannot_record_safety(client, role):
    project = ProjectFactory(phase=Phase.CLOSING)
    client.force_login(user_with_role(role))

    response = client.post(
        f"/quality/projects/{project.pk}/incidents/create/",
        {"kind": "near_miss", "occurred_at": "2026-01-05T10:00", "place": "Dock", "description": "x"},
    )

    assert response.status_code in (403, 404)
    assert not SafetyIncident.objects.exists()


def test_the_project_safety_page_flags_subcontractors_without_vca(manager_client):
    project = manager_client.project
    certified = SupplierFactory(name="Safe Cabling BV", kind="subcontractor", is_vca_certified=True)
    lapsed = SupplierFactory(
        name="Quick Install SRL", kind="subcontractor", is_vca_certified=True, vca_expires_on=date(2020, 1, 1)
    )
    PurchaseOrderFactory(project=project, supplier=certified)
    PurchaseOrderFactory(project=project, supplier=lapsed)

    response = manager_client.get(f"/quality/projects/{project.pk}/safety/")

    assert response.status_code == 200
    assert "Quick Install SRL" in response.text and "Safe Cabling BV" not in response.text


def test_the_safety_dashboard_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    client.force_login(user_with_role(Role.HEAD_OF_PM))
    SafetyIncidentFactory()
    with django_assert_max_num_queries(14) as few:
        client.get("/quality/safety/")
    for kind in ["near_miss", "unsafe_act", "unsafe_situation", "accident"] * 5:
        SafetyIncidentFactory(kind=kind)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/quality/safety/?sort=kind")

    assert response.status_code == 200 and len(response.context["page"].object_list) == 21


def test_the_hours_form_is_post_only(manager_client):
    project = manager_client.project

    assert manager_client.get(f"/quality/projects/{project.pk}/hours/").status_code == 405
    manager_client.post(f"/quality/projects/{project.pk}/hours/", {"month": "2026-11-17", "hours": "1520,5"})
    assert WorkedHours.objects.get().month == date(2026, 11, 1)
