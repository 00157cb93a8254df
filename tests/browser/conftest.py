"""Browser tests: Playwright drives Debian's Chromium (`apt install chromium`), never a downloaded one."""

import os
import shutil

import pytest

from tests.conftest import require_or_skip
from tests.factories import user_with_role

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    require_or_skip(bool(CHROMIUM), "needs Debian's chromium (apt install chromium)")
    playwright_sync = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the live server's database work
    # happens in its own thread, so Django's async-safety guard does not apply here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page that records console errors (CSP violations among them)."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()


def browser_user(role: str, username: str):
    """A user with a real, hashed password `demo`, as the demo data has."""
    user = user_with_role(role, username=username)
    user.set_password("demo")
    user.save(update_fields=["password"])
    return user


def sign_in(page, username: str, password: str = "demo") -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
