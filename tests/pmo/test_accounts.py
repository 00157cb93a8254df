"""Sign-in hardening (issue 20): lockout per user and per address, password reset by email, session age."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

from pmo.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"


@pytest.fixture
def person():
    user = user_with_role(Role.PROJECT_MANAGER, preferred_language="nl", email="an.peeters@example.be")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, username, password, address="10.1.1.1", language="fr"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_the_right_password_signs_in(client, person):
    response = sign_in(client, person.username, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)


def test_a_user_is_locked_after_five_failures_even_from_new_addresses(client, person, settings):
    answers = [
        sign_in(client, person.username, "wrong", address=f"10.2.0.{attempt}").status_code
        for attempt in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the fifth failure locks
    response = sign_in(client, person.username, PASSWORD, address="10.9.9.9")

    assert response.status_code == 429
    assert "Trop de tentatives de connexion" in response.text
    assert "15 minutes" in response.text
    assert "_auth_user_id" not in client.session


def test_an_address_is_locked_after_five_failures_on_any_user_names(client, person, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{attempt}", "wrong", address="10.3.3.3")

    locked = sign_in(client, person.username, PASSWORD, address="10.3.3.3", language="nl")
    elsewhere = sign_in(client, person.username, PASSWORD, address="10.4.4.4")

    assert locked.status_code == 429
    assert "Te veel mislukte aanmeldingen" in locked.text
    assert elsewhere.status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(client, person, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, person.username, "wrong")
    assert sign_in(client, person.username, PASSWORD).status_code == 302
    client.logout()

    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, person.username, "wrong")

    assert sign_in(client, person.username, PASSWORD).status_code == 302


def test_an_administrator_lifts_the_lock_with_the_reset_command(client, person, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, person.username, "wrong", address="10.5.5.5")
    assert sign_in(client, person.username, PASSWORD, address="10.6.6.6").status_code == 429

    call_command("axes_reset_username", person.username)
    call_command("axes_reset_ip", "10.5.5.5")

    assert sign_in(client, person.username, PASSWORD, address="10.6.6.6").status_code == 302


def test_the_login_page_offers_the_password_reset(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="nl")

    assert 'href="/accounts/password/reset/"' in response.text
    assert "Wachtwoord vergeten?" in response.text
    assert "Microsoft" not in response.text  # OpenID Connect is not configured here


def reset_link(message) -> str:
    return re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)


def test_a_password_reset_by_email_in_the_users_language(client, person):
    response = client.post(
        "/accounts/password/reset/", {"email": "AN.PEETERS@example.be"}, HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    (message,) = mail.outbox
    assert message.to == ["an.peeters@example.be"]
    assert message.subject == "Uw PMO Desk-wachtwoord"  # the user's Dutch, not the requester's French
    assert person.username in message.body

    form = client.get(reset_link(message), follow=True)
    assert form.status_code == 200 and "new_password1" in form.text
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "N3w-passw0rd-2026", "new_password2": "N3w-passw0rd-2026"},
    )

    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/complete/"
    person.refresh_from_db()
    assert person.check_password("N3w-passw0rd-2026")
    assert client.get(reset_link(message), follow=True).context["validlink"] is False  # used once


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, person):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.be"})

    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_a_forged_reset_link_changes_nothing(client, person):
    response = client.get("/accounts/password/reset/MQ/forged-token/", follow=True)

    assert response.context["validlink"] is False
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_the_session_lasts_as_configured(client, person, settings):
    settings.SESSION_COOKIE_AGE = 1800

    response = sign_in(client, person.username, PASSWORD)

    assert response.cookies["sessionid"]["max-age"] == 1800
    assert client.session.get_expiry_age() == 1800


def test_session_age_lockout_and_token_ttl_come_from_the_environment():
    probe = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_AGE, s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), "
        "s.REST_KNOX['TOKEN_TTL'].days, s.OIDC_ENABLED]))"
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith("OIDC_")}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "pmo.settings",
        "DEBUG": "1",
        "SESSION_COOKIE_AGE": "600",
        "AXES_FAILURE_LIMIT": "3",
        "AXES_COOLOFF_MINUTES": "30",
        "API_TOKEN_TTL_DAYS": "7",
    }

    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )

    assert json.loads(result.stdout.strip().splitlines()[-1]) == [600, 3, 1800.0, 7, False]


@pytest.mark.parametrize(
    ("language", "title"), [("fr", "Le formulaire a expiré"), ("nl", "Het formulier is verlopen")]
)
def test_a_form_sent_without_its_csrf_token_gets_our_page_in_the_users_language(person, language, title):
    """Django's own CSRF page styles itself inline, which the production CSP blocks (seen with DEBUG off)."""
    from django.test import Client
    from django.urls import reverse

    from pmo.models import User

    User.objects.filter(pk=person.pk).update(preferred_language=language)
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "n3w-Passw0rd!", "new_password2": "n3w-Passw0rd!"},
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert title in page and "<style" not in page and 'style="' not in page
    person.refresh_from_db()
    assert person.check_password(PASSWORD)  # nothing changed
