"""The REST API of customers and projects: same object rules as the pages, paging, filters, query counts."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from pmo.roles import Role
from projects.models import Customer, Phase, Project
from tests.factories import CustomerFactory, ProjectFactory, api_key_for, user_with_role

pytestmark = pytest.mark.django_db

# role -> (sees a project they have nothing to do with, may change it); as in test_project_access.
UNRELATED_PROJECT_ACCESS = {
    Role.SALES: (False, False),
    Role.PM_SUPPORT: (True, True),
    Role.PROJECT_MANAGER: (False, False),
    Role.HEAD_OF_PM: (True, True),
    Role.ENGINEERING_MANAGER: (True, False),
    Role.FINANCE: (True, False),
    Role.SMO: (False, False),
    Role.ADMINISTRATOR: (True, True),
}


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


@pytest.fixture
def project():
    return ProjectFactory(name="Campus refresh", budget=Decimal("100000.00"))


def test_it_refuses_anonymous_callers(project):
    for url in ("/api/v1/projects/", f"/api/v1/projects/{project.pk}/", "/api/v1/customers/"):
        assert APIClient().get(url).status_code == 401


def test_it_refuses_a_wrong_token(project):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")

    assert client.get("/api/v1/projects/").status_code == 401


@pytest.mark.parametrize("role", Role.values)
def test_each_role_reads_an_unrelated_project_only_if_the_design_says_so(project, role):
    client = token_client(user_with_role(role))
    may_view, _ = UNRELATED_PROJECT_ACCESS[role]

    detail = client.get(f"/api/v1/projects/{project.pk}/")
    listed = [row["id"] for row in client.get("/api/v1/projects/").json()["results"]]

    assert detail.status_code == (200 if may_view else 404)
    assert (project.pk in listed) is may_view
    if not may_view:
        assert "Campus refresh" not in detail.text


@pytest.mark.parametrize("role", Role.values)
def test_each_role_changes_an_unrelated_project_only_if_the_design_says_so(project, role):
    client = token_client(user_with_role(role))
    may_view, may_change = UNRELATED_PROJECT_ACCESS[role]

    response = client.patch(f"/api/v1/projects/{project.pk}/", {"name": "Renamed"})

    project.refresh_from_db()
    if may_change:
        assert response.status_code == 200
        assert project.name == "Renamed"
    else:
        assert response.status_code == (403 if may_view else 404)
        assert project.name == "Campus refresh"


def test_a_project_manager_reads_and_changes_their_own_project_with_a_token(project):
    client = token_client(project.project_manager)

    assert client.get(f"/api/v1/projects/{project.pk}/").json()["code"] == project.code
    response = client.patch(f"/api/v1/projects/{project.pk}/", {"budget": "90000.00"})

    assert response.status_code == 200
    assert response.json()["budget"] == "90000.00"
    assert Project.objects.get(pk=project.pk).budget == Decimal("90000.00")


def test_the_session_of_the_browser_works_too(client, project):
    client.force_login(project.project_manager)

    assert client.get(f"/api/v1/projects/{project.pk}/").status_code == 200


def test_it_creates_a_project_through_the_service_with_the_next_code():
    officer = user_with_role(Role.PM_SUPPORT)
    customer = CustomerFactory()
    client = token_client(officer)

    response = client.post(
        "/api/v1/projects/",
        {"name": "New wifi", "customer": customer.pk, "budget": "50000.00", "contract_value": "65000.00"},
    )

    assert response.status_code == 201, response.json()
    created = Project.objects.get(pk=response.json()["id"])
    assert created.code.startswith("P-") and created.level == 1 and created.phase == Phase.INITIATION
    assert created.history.first().history_user == officer


def test_it_returns_the_services_message_as_a_400_and_creates_nothing():
    customer = CustomerFactory()
    finance_user = user_with_role(Role.FINANCE)
    client = token_client(user_with_role(Role.PM_SUPPORT))

    response = client.post(
        "/api/v1/projects/",
        {
            "name": "New wifi",
            "customer": customer.pk,
            "budget": "50000.00",
            "contract_value": "65000.00",
            "project_manager": finance_user.pk,
        },
    )

    assert response.status_code == 400
    assert "project_manager" in response.json()
    assert not Project.objects.filter(name="New wifi").exists()


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.FINANCE, Role.SMO, Role.SALES])
def test_it_refuses_project_creation_to_roles_that_may_not_create(role):
    customer = CustomerFactory()
    client = token_client(user_with_role(role))

    response = client.post(
        "/api/v1/projects/",
        {"name": "Sneaky", "customer": customer.pk, "budget": "1.00", "contract_value": "1.00"},
    )

    assert response.status_code == 403
    assert not Project.objects.filter(name="Sneaky").exists()


def test_it_does_not_allow_deleting_a_project(project):
    client = token_client(user_with_role(Role.ADMINISTRATOR))

    assert client.delete(f"/api/v1/projects/{project.pk}/").status_code == 405
    assert Project.objects.filter(pk=project.pk).exists()


def test_the_phase_is_read_only_through_the_api(project):
    client = token_client(user_with_role(Role.HEAD_OF_PM))

    client.patch(f"/api/v1/projects/{project.pk}/", {"phase": Phase.EXECUTION})

    assert Project.objects.get(pk=project.pk).phase == Phase.INITIATION


def test_it_paginates_filters_and_orders(django_assert_max_num_queries):
    client = token_client(user_with_role(Role.FINANCE))
    ProjectFactory.create_batch(7, phase=Phase.EXECUTION)
    ProjectFactory.create_batch(2, phase=Phase.CLOSING)

    first = client.get("/api/v1/projects/", {"page_size": 5, "ordering": "code"}).json()
    second = client.get(first["next"]).json()
    closing = client.get("/api/v1/projects/", {"phase": "closing"}).json()

    assert first["count"] == 9 and len(first["results"]) == 5 and len(second["results"]) == 4
    codes = [row["code"] for row in first["results"] + second["results"]]
    assert codes == sorted(codes)
    assert {row["phase"] for row in closing["results"]} == {"closing"} and closing["count"] == 2


@pytest.mark.parametrize("rows", [3, 30])
def test_the_project_list_runs_a_constant_number_of_queries(rows, django_assert_max_num_queries):
    client = token_client(user_with_role(Role.HEAD_OF_PM))
    ProjectFactory.create_batch(rows)

    # token + user + groups (roles) + count + page
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/projects/", {"page_size": 50})

    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [3, 30])
def test_the_customer_list_runs_a_constant_number_of_queries(rows, django_assert_max_num_queries):
    user = user_with_role(Role.PROJECT_MANAGER)
    client = token_client(user)
    for customer in CustomerFactory.create_batch(rows):
        ProjectFactory(customer=customer, project_manager=user)

    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/customers/", {"page_size": 50})

    assert {row["project_count"] for row in response.json()["results"]} == {1}


def test_customer_counts_only_the_projects_the_caller_sees(project):
    client = token_client(user_with_role(Role.PROJECT_MANAGER))

    row = client.get(f"/api/v1/customers/?q={project.customer.name}").json()["results"][0]

    assert row["project_count"] == 0


def test_sales_creates_and_changes_a_customer_and_finance_may_not():
    sales = token_client(user_with_role(Role.SALES))
    finance = token_client(user_with_role(Role.FINANCE))

    created = sales.post("/api/v1/customers/", {"name": "Acme NV", "vat_number": "BE0417.497.106"})
    refused = finance.patch(f"/api/v1/customers/{created.json()['id']}/", {"name": "Nope"})

    assert created.status_code == 201, created.json()
    assert Customer.objects.get(pk=created.json()["id"]).vat_number == "BE0417497106"
    assert refused.status_code == 403
    assert Customer.objects.get(pk=created.json()["id"]).name == "Acme NV"
    assert finance.post("/api/v1/customers/", {"name": "Other"}).status_code == 403


def test_an_unknown_or_non_numeric_id_is_a_404():
    client = token_client(user_with_role(Role.ADMINISTRATOR))

    assert client.get("/api/v1/projects/999999/").status_code == 404
    assert client.get("/api/v1/projects/abc/").status_code == 404
