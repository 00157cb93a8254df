"""Find PostgreSQL and Redis for the test suite; start them if CI needs them.

`python -m pmo.lib.services_probe` exits non-zero when CI=true and a service does not answer.
`python -m pmo.lib.services_probe --export` prints the shell exports the suite should run with.
"""

import os
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/pmo_desk"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def answers(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


def try_start_postgres() -> None:
    versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
    for version in versions:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version.name, "main", "start"],
            check=False,
            capture_output=True,
        )


def try_start_redis() -> None:
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=False,
        capture_output=True,
    )


def ensure_database(url: str) -> None:
    """Create the named database if it is missing, so that test_<name> can be made beside it."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def wait_for(url: str, port: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if answers(url, port):
            return True
        time.sleep(0.5)
    return False


def probe() -> tuple[dict[str, str], list[str]]:
    is_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    exports: dict[str, str] = {}
    problems: list[str] = []
    if database_url.startswith("postgres"):
        if not answers(database_url, 5432) and is_ci:
            try_start_postgres()
            wait_for(database_url, 5432)
        if answers(database_url, 5432):
            ensure_database(database_url)
            exports["DATABASE_URL"] = database_url
        else:
            problems.append(f"PostgreSQL does not answer at {urlparse(database_url).netloc}")
    else:
        exports["DATABASE_URL"] = database_url
        if is_ci:
            problems.append("CI must run on PostgreSQL, but DATABASE_URL is not a PostgreSQL URL")
    if not answers(redis_url, 6379) and is_ci:
        try_start_redis()
        wait_for(redis_url, 6379)
    if answers(redis_url, 6379):
        exports["TEST_REDIS_URL"] = redis_url
    else:
        problems.append(f"Redis does not answer at {urlparse(redis_url).netloc}")
    if is_ci:
        exports["REQUIRE_SERVICES"] = "1"
    return exports, problems


def main() -> int:
    exports, problems = probe()
    is_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    if "--export" in sys.argv:
        for key, value in exports.items():
            print(f"export {key}={shlex.quote(value)}")
        if "DATABASE_URL" not in exports:
            print("unset DATABASE_URL")
        return 0
    for problem in problems:
        print(
            ("ERROR: " if is_ci else "note: ")
            + problem
            + ("" if is_ci else " (tests that need it are skipped)"),
            file=sys.stderr,
        )
    return 1 if (is_ci and problems) else 0


if __name__ == "__main__":
    sys.exit(main())
