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


def test_the_seed_command_creates_one_user_per_role_and_plausible_earned_value(db):
    from django.core.management import call_command

    from pmo.models import User
    from projects.models import Project

    call_command("seed_demo", "--scale", "S")

    for username in ["sales", "pmo", "pm", "head", "engineering", "finance", "smo", "admin"]:
        user = User.objects.get(username=username)
        assert user.check_password("demo")
    assert Project.objects.count() == 25
    assert User.objects.get(username="pm").has_role(Role.PROJECT_MANAGER)
    _assert_demo_earned_value_is_plausible()


def _assert_demo_earned_value_is_plausible():
    """Orders are received and hours booked in step with progress: CPI and SPI near 1, a few off."""
    from decimal import Decimal

    from django.utils import timezone

    from projects.models import Project
    from reporting.models import ProjectSnapshot
    from reporting.selectors import INACTIVE_PHASES, last_week_start
    from reporting.selectors.evm import evm_for_projects
    from reporting.services import snapshots_take_for_week

    active = list(Project.objects.exclude(phase__in=INACTIVE_PHASES).order_by("code"))
    week = last_week_start(timezone.localdate())
    snapshots_take_for_week(week_start=week, projects=active)  # the weekly batch's snapshot
    snapshots = ProjectSnapshot.objects.filter(week_start=week, project__in=active, earned_value__gt=0)
    frozen = {snapshot.project.code: (snapshot.spi, snapshot.cpi) for snapshot in snapshots}
    live = evm_for_projects(project_ids=[project.pk for project in active], as_of=timezone.localdate())
    with_progress = {
        project.code: (figures.spi, figures.cpi) for project in active if (figures := live[project.pk]).ev
    }

    assert len(frozen) >= 8 and len(with_progress) >= 8
    band = (Decimal("0.5"), Decimal("2"))
    for code, (spi, cpi) in [*frozen.items(), *with_progress.items()]:
        assert spi is not None and band[0] <= spi <= band[1], (code, spi)
        assert cpi is not None and band[0] <= cpi <= band[1], (code, cpi)
    # A few are deliberately over budget or late, so the portfolio sorts and the RAG have something to show.
    assert sum(1 for _spi, cpi in with_progress.values() if cpi < Decimal("0.9")) >= 2
    assert sum(1 for spi, _cpi in with_progress.values() if spi < Decimal("0.9")) >= 2
    on_track = [code for code, (spi, cpi) in with_progress.items() if min(spi, cpi) >= Decimal("0.9")]
    assert len(on_track) >= 4
