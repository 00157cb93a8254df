"""Sign-in with Microsoft Entra ID through OpenID Connect, against a local provider the test starts.

The whole authorization-code flow runs over real HTTP: the test client follows our redirect to the
provider's authorize endpoint (requests), comes back to our callback, and our backend fetches the token,
the JWKS and the userinfo from the provider and checks the RS256 signature, nonce, audience and PKCE.
"""

import pytest
import requests
from django.contrib.auth.models import Group

from pmo.models import User
from pmo.roles import Role
from tests.factories import user_with_role
from tests.pmo.oidc_provider import Provider, rsa_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings):
    with Provider() as running:
        found = requests.get(f"{running.url}/v2.0/.well-known/openid-configuration", timeout=5).json()
        settings.OIDC_ENABLED = True
        settings.OIDC_RP_CLIENT_ID = running.client_id
        settings.OIDC_RP_CLIENT_SECRET = running.client_secret
        settings.OIDC_OP_ISSUER = found["issuer"]
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = found["authorization_endpoint"]
        settings.OIDC_OP_TOKEN_ENDPOINT = found["token_endpoint"]
        settings.OIDC_OP_USER_ENDPOINT = found["userinfo_endpoint"]
        settings.OIDC_OP_JWKS_ENDPOINT = found["jwks_uri"]
        settings.OIDC_ROLE_CLAIM = "roles"
        settings.OIDC_ROLE_MAP = {"PMO.Finance": Role.FINANCE, "PMO.ProjectManager": Role.PROJECT_MANAGER}
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "pmo.oidc.EntraIDBackend"]
        yield running


def sign_in_with_microsoft(client, next_url="/projects/"):
    """Our redirect to the provider, the provider's redirect back, our callback: as a browser does."""
    start = client.get("/accounts/oidc/authenticate/", {"next": next_url})
    assert start.status_code == 302
    at_provider = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302
    back = at_provider.headers["Location"]
    assert back.startswith("http://testserver/accounts/oidc/callback/?")
    return client.get(back.removeprefix("http://testserver"))


def signed_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_a_new_colleague_signs_in_and_gets_the_mapped_role(client, provider):
    provider.claims = {
        "email": "Els.Janssens@example.be",
        "name": "Els Janssens",
        "given_name": "Els",
        "family_name": "Janssens",
        "roles": ["PMO.Finance", "Some.Other.App.Role"],
    }

    response = sign_in_with_microsoft(client)

    assert response.status_code == 302 and response["Location"] == "/projects/"
    user = signed_in_user(client)
    assert user.email == "Els.Janssens@example.be" and user.username == "els.janssens@example.be"
    assert user.display_name == "Els Janssens"
    assert sorted(user.roles) == [Role.FINANCE]
    assert not user.has_usable_password()
    (token_request,) = provider.token_requests
    assert token_request["code_verifier"]  # PKCE was used, and the provider checked it


def test_an_existing_user_is_matched_by_email_and_roles_follow_the_claim(client, provider):
    person = user_with_role(Role.FINANCE, email="pieter.maes@example.be")
    person.groups.add(Group.objects.get_or_create(name="newsletter")[0])
    provider.claims = {"email": "PIETER.MAES@example.be", "roles": ["PMO.ProjectManager"]}

    response = sign_in_with_microsoft(client)

    assert response.status_code == 302
    assert signed_in_user(client) == person
    assert User.objects.count() == 1
    person = User.objects.get(pk=person.pk)
    assert person.roles & set(Role.values) == {Role.PROJECT_MANAGER}  # finance removed: the provider said so
    assert person.groups.filter(name="newsletter").exists()  # groups that are not roles are kept


def test_an_id_token_for_another_application_is_refused(client, provider):
    provider.claims = {"email": "intruder@example.be", "roles": ["PMO.Finance"]}
    provider.id_token_overrides = {"aud": "some-other-client"}
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nl"  # a Dutch browser

    response = sign_in_with_microsoft(client)

    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert signed_in_user(client) is None
    assert not User.objects.filter(email="intruder@example.be").exists()
    page = client.get("/accounts/login/")
    assert "Uw Microsoft-account kon u niet aanmelden" in page.text


def test_an_id_token_signed_with_an_unpublished_key_is_refused(client, provider):
    provider.claims = {"email": "forger@example.be"}
    provider.signing_key = rsa_key()

    response = sign_in_with_microsoft(client)

    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert signed_in_user(client) is None
    assert not User.objects.filter(email="forger@example.be").exists()


def test_the_login_page_offers_microsoft_and_keeps_the_password_form(client, provider):
    admin = user_with_role(Role.ADMINISTRATOR, username="breakglass")
    admin.set_password("break-glass-passphrase-2026")
    admin.save()

    page = client.get("/accounts/login/", {"next": "/projects/"}, HTTP_ACCEPT_LANGUAGE="fr")
    local = client.post(
        "/accounts/login/", {"username": "breakglass", "password": "break-glass-passphrase-2026"}
    )

    assert "Se connecter avec Microsoft" in page.text
    assert 'href="/accounts/oidc/authenticate/?next=/projects/"' in page.text
    assert local.status_code == 302 and signed_in_user(client) == admin


def test_without_configuration_the_microsoft_urls_do_not_exist(client):
    assert client.get("/accounts/oidc/authenticate/").status_code == 404
    assert client.get("/accounts/oidc/callback/", {"code": "x", "state": "y"}).status_code == 404
