import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': s.CELERY_BROKER_URL, 'tz': s.TIME_ZONE, 'languages': [c for c, _ in s.LANGUAGES], "
    "'hsts': s.SECURE_HSTS_SECONDS, 'secure_cookie': s.SESSION_COOKIE_SECURE}))"
)


def settings_with(**env: str) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS")
    }
    clean["DJANGO_SETTINGS_MODULE"] = "pmo.settings"
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_defaults_to_sqlite_and_in_process_tasks():
    result = settings_with(DEBUG="1")

    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["eager"] is True
    assert values["tz"] == "Europe/Brussels"
    assert values["languages"] == ["en", "fr", "nl"]


def test_it_uses_postgresql_and_redis_when_the_environment_says_so():
    result = settings_with(
        DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/x",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )

    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/0"


def test_it_refuses_to_start_without_a_secret_key_in_production():
    result = settings_with(DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_turns_on_transport_security_in_production():
    result = settings_with(DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="pmo.example.com")

    values = json.loads(result.stdout)
    assert values["hsts"] >= 31536000
    assert values["secure_cookie"] is True


def manage_py_with(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "DEBUG")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manage_py_works_in_a_checkout_without_a_secret_key():
    result = manage_py_with("makemigrations", "--check", "--dry-run")

    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_manage_py_still_refuses_production_without_a_secret_key():
    result = manage_py_with("check", DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


MAIL_PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps(s.MAILERS['default']))"
)


def mailer_with(email_url: str) -> dict:
    clean = {key: value for key, value in os.environ.items() if key not in ("EMAIL_URL", "DEBUG")}
    result = subprocess.run(
        [sys.executable, "-c", MAIL_PROBE],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "pmo.settings", "DEBUG": "1", "EMAIL_URL": email_url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return json.loads(result.stdout)


def test_a_file_mailer_keeps_an_absolute_directory_absolute(tmp_path):
    mailer = mailer_with(f"filemail://{tmp_path}/outbox")

    assert str(tmp_path).startswith("/")
    assert mailer["BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert mailer["OPTIONS"]["file_path"] == f"{tmp_path}/outbox"


def test_a_file_mailer_with_a_relative_directory_stays_relative():
    assert mailer_with("filemail://var/mail")["OPTIONS"]["file_path"] == "var/mail"
