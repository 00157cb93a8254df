"""The Gantt page in a real browser: frappe-gantt draws every bar and arrow without breaking the CSP."""

import datetime
import itertools
import shutil

import pytest

from projects import services
from projects.models import TaskDependency
from tests.conftest import require_or_skip
from tests.factories import ProjectFactory, TaskFactory

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def browser_page(monkeypatch):
    require_or_skip(CHROMIUM is not None, "needs Chromium")
    from playwright.sync_api import sync_playwright

    # Playwright runs its own event loop; Django must not refuse the ORM calls of the live server thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.console_errors = []
        page.on(
            "console", lambda message: message.type == "error" and page.console_errors.append(message.text)
        )
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        yield page
        browser.close()


@pytest.fixture
def server_url(transactional_db, settings):
    """A live server on this test's database (pytest-django's live_server breaks on MEDIA_URL = None)."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    settings.MEDIA_URL = "/test-media/"  # the live server wraps a media handler that needs a string
    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


def test_the_gantt_draws_tasks_and_dependencies(server_url, browser_page):
    project = ProjectFactory()
    manager = project.project_manager
    manager.set_password("browser-pass")
    manager.save()
    start = datetime.date(2027, 3, 1)
    tasks = [
        TaskFactory(
            project=project,
            wbs_code=str(number),
            planned_start=start + datetime.timedelta(days=7 * number),
            planned_end=start + datetime.timedelta(days=7 * number + 4),
        )
        for number in range(1, 6)
    ]
    for before, after in itertools.pairwise(tasks):
        TaskDependency.objects.create(predecessor=before, successor=after)
    services.plan_baseline_create(project=project, name="Initial", actor=manager)

    page = browser_page
    page.goto(f"{server_url}/accounts/login/")
    page.fill("input[name=username]", manager.username)
    page.fill("input[name=password]", "browser-pass")
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    page.goto(f"{server_url}/projects/{project.pk}/plan/gantt/")
    page.wait_for_selector(".bar-wrapper")

    assert page.locator(".bar-wrapper").count() == 5
    assert page.locator(".arrow path").count() == 4
    # frappe-gantt still sets one decorative inline style (blocked by the CSP, nothing visible is lost);
    # every other error, a script error above all, fails the test.
    errors = [
        error
        for error in page.console_errors
        if "404" not in error and not error.startswith("Applying inline style violates")
    ]
    assert errors == []
