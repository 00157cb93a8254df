"""`make run` on a fresh machine: SQLite, in-process tasks, the demo seeded, every demo role's menus open.

The suite runs on PostgreSQL; this is the one test that takes the path of the README's first command
(migrate, seed_demo --scale S, serve) on the SQLite file `make run` uses, so that a PostgreSQL-only
query in a page or in the seed fails here instead of on a newcomer's first try.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VISIT = r"""
import json, re, django
django.setup()
from django.test import Client
from pmo.seed import DEMO_USERS
from pmo.models import User
from projects.models import Project

failures, visited = [], 0
project = Project.objects.order_by("pk").first().get_absolute_url()
for username, *_rest in DEMO_USERS:
    client = Client(HTTP_HOST="127.0.0.1:8000")  # where make run serves
    client.force_login(User.objects.get(username=username))
    home = client.get("/")
    nav = home.text.split('id="main-nav"', 1)[1].split("</nav>", 1)[0]
    # The project's pages whose reads are written in SQL (the cockpit's counts, the risks' top lists).
    paths = ["/", project, f"{project}risks/", *dict.fromkeys(re.findall(r'href="(/[^"?#]*)"', nav))]
    for path in paths:
        if "/accounts/logout" in path or "/admin/" in path:
            continue
        status = client.get(path, follow=True).status_code
        visited += 1
        if status != 200 and not (path.startswith(project) and status in (403, 404)):
            failures.append(f"{username} {path}: {status}")
print(json.dumps({"visited": visited, "failures": failures}))
"""


def _manage(env: dict, *arguments: str, script: str | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", script] if script else [sys.executable, "manage.py", *arguments]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_the_demo_seeds_and_every_menu_page_answers_on_sqlite(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS")
    }
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env.update(DEBUG="1", DATABASE_URL=database, DJANGO_SETTINGS_MODULE="pmo.settings")

    _manage(env, "migrate", "--noinput")
    _manage(env, "seed_demo", "--scale", "S")
    outcome = json.loads(_manage(env, script=VISIT).stdout.strip().splitlines()[-1])

    assert outcome["failures"] == []
    assert outcome["visited"] > 40  # eight roles, each with its home, a project and its menus
