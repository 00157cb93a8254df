"""Who may see and change which project, through the pages and through the selectors."""

from decimal import Decimal

import pytest

from pmo.roles import Role
from projects.models import Phase, Project
from projects.selectors import project_queryset_for_user
from tests.factories import ProjectFactory, user_with_role

pytestmark = pytest.mark.django_db

# role -> (sees a project they have nothing to do with, may change it)
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


@pytest.fixture
def project():
    return ProjectFactory(name="Campus refresh", budget=Decimal("100000.00"))


def edit_payload(project: Project, **changes) -> dict:
    payload = {
        "name": project.name,
        "customer": project.customer_id,
        "description": "",
        "project_manager": project.project_manager_id or "",
        "support_officer": "",
        "account_manager": "",
        "contract_value": "120000,00",
        "budget": "100000,00",
        "start_date": "",
        "end_date": "",
    }
    return {**payload, **changes}


@pytest.mark.parametrize("role", Role.values)
def test_each_role_sees_an_unrelated_project_only_if_the_design_says_so(client, project, role):
    client.force_login(user_with_role(role))
    may_view, _ = UNRELATED_PROJECT_ACCESS[role]

    response = client.get(project.get_absolute_url())

    assert response.status_code == (200 if may_view else 404)
    if not may_view:
        assert project.name not in response.text


@pytest.mark.parametrize("role", Role.values)
def test_each_role_changes_an_unrelated_project_only_if_the_design_says_so(client, project, role):
    client.force_login(user_with_role(role))
    may_view, may_change = UNRELATED_PROJECT_ACCESS[role]

    response = client.post(f"/projects/{project.pk}/update/", edit_payload(project, name="Renamed"))

    project.refresh_from_db()
    if may_change:
        assert response.status_code == 302
        assert project.name == "Renamed"
    else:
        assert response.status_code == (403 if may_view else 404)
        assert project.name == "Campus refresh"


def test_a_project_manager_sees_and_changes_their_own_project(client, project):
    client.force_login(project.project_manager)

    assert client.get(project.get_absolute_url()).status_code == 200
    response = client.post(f"/projects/{project.pk}/update/", edit_payload(project, name="My campus"))

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "My campus"


def test_a_project_manager_lists_only_their_projects(client, project):
    other = ProjectFactory(name="Someone else's")
    client.force_login(project.project_manager)

    page = client.get("/projects/")

    assert project.code in page.text
    assert other.code not in page.text


def test_sales_sees_the_projects_they_sold_read_only(client, project):
    seller = user_with_role(Role.SALES)
    Project.objects.filter(pk=project.pk).update(account_manager=seller)
    client.force_login(seller)

    assert client.get(project.get_absolute_url()).status_code == 200
    assert client.post(f"/projects/{project.pk}/update/", edit_payload(project, name="x")).status_code == 403


def test_smo_sees_projects_in_closing_and_handed_over(client, project):
    client.force_login(user_with_role(Role.SMO))
    Project.objects.filter(pk=project.pk).update(phase=Phase.CLOSING)

    assert client.get(project.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "role", [Role.SALES, Role.PROJECT_MANAGER, Role.FINANCE, Role.SMO, Role.ENGINEERING_MANAGER]
)
def test_roles_without_the_right_cannot_create_projects(client, role):
    client.force_login(user_with_role(role))
    before = Project.objects.count()

    response = client.post("/projects/create/", {"name": "Sneaky", "contract_value": "1", "budget": "1"})

    assert response.status_code == 403
    assert Project.objects.count() == before


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, project):
    response = client.get(project.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", Role.values)
def test_the_rules_and_the_selectors_agree_for_every_role(role):
    user = user_with_role(role)
    projects = [
        ProjectFactory(
            phase=phase,
            project_manager=user if index % 2 else None,
            account_manager=user if index % 3 == 0 else None,
        )
        for index, phase in enumerate(Phase.values)
    ]

    visible = set(project_queryset_for_user(user=user).values_list("pk", flat=True))

    assert visible == {p.pk for p in projects if user.has_perm("projects.view_project", p)}
