"""The API's schema, its viewers, `me`, and the token page of the profile."""

import datetime
import hashlib
import importlib
import io
import re

import pytest
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from pmo.roles import Role
from tests.factories import api_key_for, user_with_role

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_describes_the_endpoints(client):
    client.force_login(user_with_role(Role.FINANCE))

    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/projects/", "/api/v1/projects/{id}/", "/api/v1/customers/"} <= set(schema["paths"])
    assert "knoxApiToken" in schema["components"]["securitySchemes"]


def test_the_schema_is_generated_without_a_warning(tmp_path):
    """A warning fails `manage.py check --deploy` in production (an enum name collision did once)."""
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))

    assert "RfqStatusEnum:" in (tmp_path / "schema.yaml").read_text()


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
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")

    response = client.get("/api/v1/me/")

    assert response.json()["username"] == user.username
    assert response.json()["roles"] == ["finance"]


def api_status(key: str) -> int:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get("/api/v1/me/").status_code


def test_a_token_is_stored_as_a_hash_never_in_clear(client):
    user = user_with_role(Role.PROJECT_MANAGER)
    client.force_login(user)

    response = client.post("/api/token/create/")

    key = re.search(r'data-testid="api-token-key">([0-9a-f]{64})<', response.text).group(1)
    (stored,) = AuthToken.objects.filter(user=user)
    assert key not in {stored.digest, stored.token_key}
    assert stored.digest == hashlib.sha512(key.encode()).hexdigest()
    assert stored.expiry - stored.created > datetime.timedelta(days=89)
    assert api_status(key) == 200


def test_a_user_creates_and_revokes_tokens_one_by_one_or_all(client):
    user = user_with_role(Role.PROJECT_MANAGER)
    client.force_login(user)
    first = re.search(r'api-token-key">(\w+)<', client.post("/api/token/create/").text).group(1)
    second = re.search(r'api-token-key">(\w+)<', client.post("/api/token/create/").text).group(1)
    first_digest = hashlib.sha512(first.encode()).hexdigest()

    one = client.post("/api/token/revoke/", {"token": first_digest})

    assert one.status_code == 302
    assert (api_status(first), api_status(second)) == (401, 200)
    client.post("/api/token/revoke/")
    assert api_status(second) == 401
    assert not AuthToken.objects.filter(user=user).exists()


def test_nobody_revokes_someone_elses_token(client):
    owner = user_with_role(Role.FINANCE)
    key = api_key_for(owner)
    client.force_login(user_with_role(Role.PROJECT_MANAGER))

    client.post("/api/token/revoke/", {"token": hashlib.sha512(key.encode()).hexdigest()})
    client.post("/api/token/revoke/")

    assert api_status(key) == 200


def test_an_expired_token_is_refused(settings):
    user = user_with_role(Role.FINANCE)
    key = api_key_for(user)
    AuthToken.objects.filter(user=user).update(expiry=timezone.now() - datetime.timedelta(seconds=1))

    assert api_status(key) == 401
    assert not AuthToken.objects.filter(user=user).exists()  # knox removes it


def test_the_token_page_never_shows_a_key_again(client):
    user = user_with_role(Role.PROJECT_MANAGER)
    key = api_key_for(user)
    client.force_login(user)

    response = client.get("/api/token/")

    assert response.status_code == 200
    assert key not in response.text
    assert response.text.count('data-testid="api-token-row"') == 1


def test_the_token_actions_are_post_only_and_need_a_login(client):
    assert client.post("/api/token/create/").status_code == 302
    assert not AuthToken.objects.exists()
    client.force_login(user_with_role(Role.SALES))
    assert client.get("/api/token/create/").status_code == 405
    assert client.get("/api/token/revoke/").status_code == 405


def test_the_command_prints_a_working_key():
    user = user_with_role(Role.FINANCE, username="nightly-export")
    out = io.StringIO()

    call_command("api_token_create", "nightly-export", stdout=out, stderr=io.StringIO())

    assert api_status(out.getvalue().strip()) == 200
    assert AuthToken.objects.filter(user=user).count() == 1


def test_existing_clear_text_tokens_are_moved_to_knox_and_keep_working(django_db_blocker):
    migration = importlib.import_module("pmo.migrations.0004_api_tokens_hashed_with_knox")
    user = user_with_role(Role.FINANCE)
    key = "0123456789abcdef0123456789abcdef01234567"  # a DRF key: 40 hex characters
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS authtoken_token"
            " (key varchar(40) PRIMARY KEY, created timestamptz, user_id bigint)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, now(), %s)", [key, user.pk])

    with connection.schema_editor() as editor:
        migration.move_tokens_to_knox(django_apps, editor)

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone() == (0,)  # no key left in clear
    assert api_status(key) == 200
    assert AuthToken.objects.get(user=user).expiry is not None


def test_a_user_over_the_rate_gets_429_as_json(monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "rate", "3/minute", raising=False)
    cache.clear()
    key = api_key_for(user_with_role(Role.FINANCE))
    other = api_key_for(user_with_role(Role.FINANCE))

    statuses = [api_status(key) for _call in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert api_status(other) == 200  # the rate is per user
    cache.clear()


def test_errors_under_api_are_json(client):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user_with_role(Role.FINANCE))}")

    for url in ("/api/v1/nothing-here/", "/api/v1/projects/1.5/", "/api/v1/projects/999999/", "/api/v9/"):
        response = api.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json", url
        assert "detail" in response.json()
    assert APIClient().get("/api/v1/projects/").json() == {
        "detail": "Authentication credentials were not provided."
    }


def test_page_zero_and_strings_for_booleans_are_refused(client):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user_with_role(Role.PM_SUPPORT))}")

    customer = api.post("/api/v1/customers/", {"name": "Acme", "country": "BE", "is_active": "yes"})

    assert customer.status_code == 400 and "is_active" in customer.json()
    assert api.get("/api/v1/customers/", {"page": 0}).status_code == 404
    assert api.get("/api/v1/customers/", {"page": 0})["Content-Type"] == "application/json"


def test_the_500_and_404_handlers_answer_json_under_api_and_html_elsewhere(rf):
    from pmo import views

    api_error = views.server_error(rf.get("/api/v1/projects/"))
    api_missing = views.page_not_found(rf.get("/api/v1/projects/"), Exception())
    page_error = views.server_error(rf.get("/projects/"))

    assert (api_error.status_code, api_error["Content-Type"]) == (500, "application/json")
    assert api_missing.status_code == 404 and api_missing["Content-Type"] == "application/json"
    assert page_error.status_code == 500 and page_error["Content-Type"].startswith("text/html")
