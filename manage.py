#!/usr/bin/env python
import os
import sys
from pathlib import Path


def development_by_default() -> None:
    """Run manage.py in DEBUG unless DEBUG or SECRET_KEY is configured (environment or .env).

    A checkout is a development machine: `manage.py makemigrations` must work there without a key.
    Production configures both (docker-compose.yml) and serves through gunicorn (pmo/wsgi.py), which
    never comes here, so the settings still refuse to start without a SECRET_KEY when DEBUG is off.
    """
    env_file = Path(__file__).resolve().parent / ".env"
    if env_file.exists():
        import environ

        environ.Env.read_env(env_file, overwrite=False)
    if "DEBUG" not in os.environ and "SECRET_KEY" not in os.environ:
        os.environ["DEBUG"] = "1"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.settings")
    development_by_default()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
