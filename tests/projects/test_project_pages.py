from decimal import Decimal

import pytest

from pmo.roles import Role
from projects.models import Customer, Project
from tests.factories import CustomerFactory, ProjectFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def pmo_client(client):
    user = user_with_role(Role.PM_SUPPORT)
    client.force_login(user)
    client.user = user
    return client


def test_it_creates_a_project_with_the_next_code_and_its_level(pmo_client):
    customer = CustomerFactory()
    manager = user_with_role(Role.PROJECT_MANAGER)

    response = pmo_client.post(
        "/projects/create/",
        {
            "name": "Firewall roll-out",
            "customer": customer.pk,
            "project_manager": manager.pk,
            "contract_value": "310.000,00",
            "budget": "260.000,00",
            "start_date": "2026-12-01",
            "end_date": "2027-03-31",
        },
    )

    project = Project.objects.get(name="Firewall roll-out")
    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    assert project.code.startswith("P-20") and project.code.endswith("-0001")
    assert project.budget == Decimal("260000.00")
    assert project.level == 2


@pytest.mark.parametrize(
    ("budget", "level"), [("250000.00", 1), ("250000.01", 2), ("1000000.00", 2), ("1000000.01", 3)]
)
def test_the_level_follows_the_budget(budget, level):
    project = ProjectFactory(budget=Decimal(budget))

    project.refresh_from_db()

    assert project.level == level


def test_it_rejects_bad_input_with_messages_on_the_fields_and_creates_nothing(pmo_client):
    response = pmo_client.post(
        "/projects/create/",
        {
            "name": "",
            "customer": "",
            "contract_value": "-5",
            "budget": "abc",
            "start_date": "2026-12-31",
            "end_date": "2026-01-01",
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"name", "customer", "contract_value", "budget", "end_date"}
    assert not Project.objects.exists()


def test_it_refuses_a_project_manager_without_the_role(pmo_client):
    not_a_manager = user_with_role(Role.FINANCE)

    response = pmo_client.post(
        "/projects/create/",
        {
            "name": "X",
            "customer": CustomerFactory().pk,
            "project_manager": not_a_manager.pk,
            "contract_value": "1",
            "budget": "1",
        },
    )

    assert response.status_code == 200
    assert not Project.objects.exists()


def test_it_records_who_changed_what(pmo_client):
    project = ProjectFactory(name="Old name")

    pmo_client.post(
        f"/projects/{project.pk}/update/",
        {
            "name": "New name",
            "customer": project.customer_id,
            "project_manager": project.project_manager_id,
            "contract_value": "120000,00",
            "budget": "100000,00",
        },
    )

    latest = project.history.latest()
    assert latest.name == "New name"
    assert latest.history_user == pmo_client.user
    page = pmo_client.get(project.get_absolute_url())
    assert "Old name → New name" in page.text


def test_it_refuses_a_delete_method_on_the_edit_page(pmo_client):
    project = ProjectFactory()

    assert pmo_client.delete(f"/projects/{project.pk}/update/").status_code == 405


def test_the_project_list_runs_a_constant_number_of_queries(pmo_client, django_assert_max_num_queries):
    for _ in range(3):
        ProjectFactory()
    with django_assert_max_num_queries(8) as few:
        pmo_client.get("/projects/")
    for _ in range(30):
        ProjectFactory()

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = pmo_client.get("/projects/?sort=-budget")

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25


def test_the_project_list_filters_sorts_and_answers_htmx_with_the_table_only(pmo_client):
    ProjectFactory(name="Alpha", budget=Decimal("10.00"))
    ProjectFactory(name="Beta", budget=Decimal("20.00"))

    page = pmo_client.get("/projects/?q=alp")
    fragment = pmo_client.get("/projects/?sort=budget", headers={"HX-Request": "true"})

    assert [p.name for p in page.context["page"].object_list] == ["Alpha"]
    assert [p.name for p in fragment.context["page"].object_list] == ["Alpha", "Beta"]
    assert "<html" not in fragment.text


def test_the_list_shows_an_empty_state(pmo_client):
    page = pmo_client.get("/projects/?q=nothing-like-this")

    assert "No project matches these filters." in page.text


def test_it_creates_a_customer_with_a_valid_vat_number_and_a_contact(pmo_client):
    response = pmo_client.post(
        "/projects/customers/create/",
        {
            "name": "Stad Brugge",
            "vat_number": "BE 0207.528.431",
            "street": "Burg 12",
            "postal_code": "8000",
            "city": "Brugge",
            "country": "BE",
            "language": "nl",
            "is_active": "on",
            "contacts-TOTAL_FORMS": "1",
            "contacts-INITIAL_FORMS": "0",
            "contacts-0-name": "Lien Maes",
            "contacts-0-email": "lien@brugge.example",
            "contacts-0-language": "nl",
        },
    )

    customer = Customer.objects.get(name="Stad Brugge")
    assert response.status_code == 302
    assert customer.vat_number == "BE0207528431"
    assert list(customer.contacts.values_list("name", flat=True)) == ["Lien Maes"]


@pytest.mark.parametrize("vat_number", ["BE0123456789", "BE123", "NL001234567B01", "0207.528.476"])
def test_it_rejects_an_invalid_belgian_vat_number(pmo_client, vat_number):
    response = pmo_client.post(
        "/projects/customers/create/",
        {
            "name": "Bad VAT",
            "vat_number": vat_number,
            "country": "BE",
            "language": "nl",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "vat_number" in response.context["form"].errors
    assert not Customer.objects.filter(name="Bad VAT").exists()


@pytest.mark.parametrize("role", [Role.FINANCE, Role.PROJECT_MANAGER, Role.SMO, Role.ENGINEERING_MANAGER])
def test_roles_that_only_read_customers_cannot_change_them(client, role):
    customer = CustomerFactory(name="Unchanged")
    client.force_login(user_with_role(role))

    response = client.post(
        f"/projects/customers/{customer.pk}/update/",
        {
            "name": "Changed",
            "country": "BE",
            "language": "nl",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.name == "Unchanged"


def test_the_customer_list_runs_a_constant_number_of_queries(pmo_client, django_assert_max_num_queries):
    CustomerFactory.create_batch(3)
    with django_assert_max_num_queries(8) as few:
        pmo_client.get("/projects/customers/")
    CustomerFactory.create_batch(30)

    with django_assert_max_num_queries(len(few.captured_queries)):
        pmo_client.get("/projects/customers/?sort=-projects")
