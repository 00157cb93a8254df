"""The API's schema, its viewers, `me`, and the token page of the profile."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from pmo.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_describes_the_endpoints(client):
    client.force_login(user_with_role(Role.FINANCE))

    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/projects/", "/api/v1/projects/{id}/", "/api/v1/customers/"} <= set(schema["paths"])
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_the_schema_and_its_viewers_need_a_login(client):
    for url in ("/api/schema/", "/api/schema/swagger/", "/api/schema/redoc/"):
        assert client.get(url).status_code in (401, 403)


@pytest.mark.parametrize("url", ["/api/schema/swagger/", "/api/schema/redoc/"])
def test_the_viewers_load_their_assets_from_our_own_static_files(client, url):
    client.force_login(user_with_role(Role.FINANCE))

    response = client.get(url)

    assert response.status_code == 200
    assert "https://" not in response.text
    assert "<script>" not in response.text and "<style>" not in response.text


def test_me_tells_who_the_token_belongs_to():
    user = user_with_role(Role.FINANCE)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")

    response = client.get("/api/v1/me/")

    assert response.json()["username"] == user.username
    assert response.json()["roles"] == ["finance"]


def test_a_user_creates_replaces_and_revokes_their_token(client):
    user = user_with_role(Role.PROJECT_MANAGER)
    client.force_login(user)

    first = client.post("/api/token/create/")
    first_key = Token.objects.get(user=user).key
    client.post("/api/token/create/")
    second_key = Token.objects.get(user=user).key
    revoked = client.post("/api/token/revoke/")

    assert first.status_code == 200 and first_key in first.text
    assert first_key != second_key
    assert revoked.status_code == 302
    assert not Token.objects.filter(user=user).exists()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {second_key}")
    assert api.get("/api/v1/me/").status_code == 401


def test_the_token_page_never_shows_the_key_again(client):
    user = user_with_role(Role.PROJECT_MANAGER)
    token = Token.objects.create(user=user)
    client.force_login(user)

    response = client.get("/api/token/")

    assert response.status_code == 200
    assert token.key not in response.text


def test_the_token_actions_are_post_only_and_need_a_login(client):
    assert client.post("/api/token/create/").status_code == 302
    assert not Token.objects.exists()
    client.force_login(user_with_role(Role.SALES))
    assert client.get("/api/token/create/").status_code == 405
    assert client.get("/api/token/revoke/").status_code == 405
