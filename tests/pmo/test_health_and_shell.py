import pytest

from pmo.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_healthz_reports_the_database_and_the_broker(client):
    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["database"]["state"] == "ok"
    assert body["broker"]["state"] == "in-process"


def test_healthz_reports_a_broker_that_does_not_answer(client, settings):
    from pmo.celery import app

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app._pool = None
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = None
        app._pool = None

    assert response.status_code == 503
    assert response.json()["broker"]["state"] == "down"


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        (Role.SALES, ["/projects/"], ["/admin/"]),
        (Role.FINANCE, ["/projects/customers/"], ["/admin/"]),
    ],
)
def test_the_navigation_shows_each_role_its_entries(client, role, visible, hidden):
    client.force_login(user_with_role(role))

    page = client.get("/")

    for url in visible:
        assert f'href="{url}"' in page.text
    for url in hidden:
        assert f'href="{url}"' not in page.text


def test_an_unknown_page_is_a_friendly_404(client):
    client.force_login(user_with_role(Role.SALES))

    response = client.get("/projects/999999/")

    assert response.status_code == 404
    assert "Page not found" in response.text


def test_pages_carry_a_content_security_policy_without_inline_scripts(client):
    client.force_login(user_with_role(Role.PM_SUPPORT))

    response = client.get("/projects/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in response.text
    assert response["X-Frame-Options"] == "DENY"


def test_search_finds_only_visible_projects(client):
    from tests.factories import ProjectFactory

    mine = ProjectFactory(name="Gantt alpha")
    ProjectFactory(name="Gantt beta")
    client.force_login(mine.project_manager)

    page = client.get("/search/?q=gantt")

    assert [p.name for p in page.context["projects"]] == ["Gantt alpha"]


def test_the_seed_command_creates_one_user_per_role(db):
    from django.core.management import call_command

    from pmo.models import User
    from projects.models import Project

    call_command("seed_demo", "--scale", "S")

    for username in ["sales", "pmo", "pm", "head", "engineering", "finance", "smo", "admin"]:
        user = User.objects.get(username=username)
        assert user.check_password("demo")
    assert Project.objects.count() == 25
    assert User.objects.get(username="pm").has_role(Role.PROJECT_MANAGER)
