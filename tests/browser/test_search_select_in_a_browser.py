"""A searchable select inside an htmx filter bar: typing in its search box swaps the options in, and the
address bar keeps the list's URL (the box inherited the form's hx-push-url and put the options
endpoint's URL there, so the heat map's links, relative to it, led to the options fragment)."""

import pytest

from pmo.roles import Role
from projects.models import Phase
from tests.browser.conftest import browser_user, sign_in
from tests.factories import ProjectFactory, RiskFactory, user_with_role

pytestmark = pytest.mark.django_db(transaction=True)


def test_typing_an_owner_keeps_the_register_url_and_the_heat_map_links_work(page):
    manager = browser_user(Role.PROJECT_MANAGER, "beheerder")
    manager.preferred_language = "fr"
    manager.save(update_fields=["preferred_language"])
    project = ProjectFactory(project_manager=manager, phase=Phase.EXECUTION)
    RiskFactory(project=project, probability=4, impact=3)
    user_with_role(Role.PROJECT_MANAGER, first_name="Zoë", last_name="Peeters", display_name="Zoë Peeters")
    sign_in(page, "beheerder")

    register = f"/projects/{project.pk}/risks/"
    page.goto(register)
    with page.expect_response(lambda response: "/options/people/" in response.url):
        page.locator('input[name="owner_search"]').fill("Zoë")
    page.wait_for_timeout(300)

    options = page.locator("#id_owner option").all_inner_texts()
    assert any("Zoë Peeters" in option for option in options)
    assert page.url.endswith(register)
    page.locator('table[data-basis="inherent"] td.heat-cell a').first.click()
    page.wait_for_load_state()
    assert f"{register}?basis=inherent&p=4&i=3" in page.url
    assert page.locator("#register-table tbody tr").count() == 1  # the register, filtered on the cell
    assert page.console_errors == []
