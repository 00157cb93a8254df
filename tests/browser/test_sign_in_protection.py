"""What a person sees at sign-in (issue 20): the lockout after repeated failures and the password reset,
in Dutch and French, clicked through in Chromium."""

import re

import pytest
from django.core import mail

from pmo.roles import Role
from tests.browser.conftest import browser_user


@pytest.fixture
def dutch_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="nl-BE")
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    yield page
    context.close()


def test_five_wrong_passwords_show_the_translated_lockout_page(dutch_page, settings):
    user = browser_user(Role.PROJECT_MANAGER, "jan.claes")
    page = dutch_page
    page.goto("/accounts/login/")

    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        page.fill("input[name=username]", "jan.claes")
        page.fill("input[name=password]", "geraden")
        page.click("main button[type=submit]")
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="Te veel mislukte aanmeldingen").is_visible()
    assert page.get_by_text("Probeer het over 15 minuten opnieuw.").is_visible()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "jan.claes")
    page.fill("input[name=password]", "demo")  # the right password does not help while locked
    page.click("main button[type=submit]")
    assert page.get_by_role("heading", name="Te veel mislukte aanmeldingen").is_visible()
    user.refresh_from_db()
    assert user.last_login is None
    # The 429 status itself is reported by Chromium; nothing else (no CSP violation) may be.
    assert [error for error in page.console_errors if "429" not in error] == []


def test_a_forgotten_password_is_reset_from_the_login_page(browser, live_server):
    user = browser_user(Role.FINANCE, "marie.dubois")
    user.email, user.preferred_language = "marie.dubois@example.be", "fr"
    user.save(update_fields=["email", "preferred_language"])
    context = browser.new_context(base_url=live_server.url, locale="fr-BE")
    page = context.new_page()

    page.goto("/accounts/login/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.fill("input[name=email]", "marie.dubois@example.be")
    page.get_by_role("button", name="Envoyer le lien").click()
    page.get_by_role("heading", name="Consultez vos e-mails").wait_for()
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body).group(0)
    page.goto(link)
    page.fill("input[name=new_password1]", "Nouveau-mot-de-passe-2026")
    page.fill("input[name=new_password2]", "Nouveau-mot-de-passe-2026")
    page.get_by_role("button", name="Changer mon mot de passe").click()
    page.get_by_role("heading", name="Mot de passe modifié").wait_for()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "marie.dubois")
    page.fill("input[name=password]", "Nouveau-mot-de-passe-2026")
    page.click("main button[type=submit]")
    page.wait_for_load_state()

    assert "/accounts/login/" not in page.url
    assert message.subject == "Votre mot de passe PMO Desk"
    context.close()
