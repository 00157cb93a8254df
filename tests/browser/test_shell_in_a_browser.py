"""The shell in a real browser: sign-in, navigation, a project page, language switch, no CSP errors."""

import pytest

from pmo.roles import Role
from tests.browser.conftest import browser_user, sign_in
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_support_officer_signs_in_opens_a_project_and_switches_to_french(page):
    browser_user(Role.PM_SUPPORT, "pmo")
    project = ProjectFactory(name="Campus network renewal")

    sign_in(page, "pmo")
    page.get_by_role("button", name="Projects").click()  # the Projects menu of the top bar
    page.get_by_role("link", name="Projects").first.click()
    page.get_by_role("link", name=project.code).click()
    assert page.locator("h1").inner_text().startswith(project.code)

    page.get_by_role("button", name="Language: EN").click()
    page.get_by_role("button", name="Français").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Projets").is_visible()
    assert page.console_errors == []


def test_a_visitor_who_signs_in_lands_on_the_page_they_asked_for(page):
    browser_user(Role.PM_SUPPORT, "pmo")
    project = ProjectFactory()

    page.goto(project.get_absolute_url())
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "pmo")
    page.fill("input[name=password]", "demo")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith(project.get_absolute_url())
    assert page.console_errors == []
