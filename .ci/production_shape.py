"""CI: the production shape, without Docker, by the commands docker-compose.yml gives its services.

collectstatic into a temporary STATIC_ROOT (the Dockerfile's line), migrate (the `migrate` service) on a
throwaway PostgreSQL database, gunicorn (the `web` service's command) on a free loopback port, the web,
worker and beat health checks of the compose file, a real sign-in (CSRF cookie and form post) and three
pages answering 200 whose hashed static files whitenoise serves; then everything is stopped.
"""

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import psycopg
import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "pmo.example.com"
PAGES = ["/", "/projects/", "/projects/customers/"]
PASSWORD = "Correct-Horse-Battery-42"


STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"production-shape [{time.monotonic() - STARTED:5.1f} s]: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def healthcheck_argv(service: dict) -> list[str]:
    test = service["healthcheck"]["test"]
    if test[0] == "CMD":
        return test[1:]
    return ["sh", "-c", test[1].replace("$$", "$")]


def run(argv, env, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, cwd=ROOT, env=env, check=True, **kwargs)


def throwaway_database(admin_url: str, name: str) -> str:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_healthy(argv, env, what: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while True:
        result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode == 0:
            log(f"{what} healthy: {' '.join(argv)} -> {result.stdout.strip()[:200]}")
            return result.stdout
        if time.monotonic() > deadline:
            raise SystemExit(f"{what} never became healthy: {result.stdout}{result.stderr}")
        time.sleep(1)


def sign_in_and_browse(base: str) -> None:
    # Behind the TLS proxy: the app sees https through X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER).
    headers = {"Host": HOST, "X-Forwarded-Proto": "https"}
    cookies: dict[str, str] = {}

    def get(path: str, **kwargs) -> requests.Response:
        return request("GET", path, **kwargs)

    def request(method: str, path: str, **kwargs) -> requests.Response:
        # The cookies are Secure: requests would not send them over http, so they travel by hand.
        extra = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}
        response = requests.request(
            method,
            base + path,
            headers={**headers, **extra, **kwargs.pop("headers", {})},
            allow_redirects=False,
            timeout=30,
            **kwargs,
        )
        cookies.update(response.cookies.get_dict())
        return response

    login = get("/accounts/login/")
    assert login.status_code == 200, login.status_code
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    assert "csrftoken" in cookies, "no CSRF cookie"
    wrong = request(
        "POST",
        "/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": "operator", "password": "wrong"},
        headers={"Referer": f"https://{HOST}/accounts/login/"},
    )
    assert wrong.status_code == 200 and "sessionid" not in cookies, "a wrong password signed in"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', wrong.text).group(1)
    signed_in = request(
        "POST",
        "/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": "operator", "password": PASSWORD},
        headers={"Referer": f"https://{HOST}/accounts/login/"},
    )
    assert signed_in.status_code == 302 and "sessionid" in cookies, (signed_in.status_code, signed_in.text)
    log(f"signed in (302 to {signed_in.headers['Location']})")
    static_urls: set[str] = set()
    for path in PAGES:
        page = get(path)
        assert page.status_code == 200, (path, page.status_code)
        hashed = set(re.findall(r'(?:href|src)="(/static/[^"]+\.[0-9a-f]{12}\.\w+)"', page.text))
        unhashed = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
        assert hashed and len(hashed) == len(set(unhashed)), (path, unhashed)
        static_urls |= hashed
        log(f"{path}: 200, {len(hashed)} hashed static files")
    for url in sorted(static_urls):
        asset = get(url, headers={"Accept-Encoding": "gzip"})
        assert asset.status_code == 200, (url, asset.status_code)
        assert "immutable" in asset.headers.get("Cache-Control", ""), (url, asset.headers)
    log(f"{len(static_urls)} hashed static files served by whitenoise with immutable caching")


def stop(process: subprocess.Popen, name: str) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    log(f"{name} stopped")


def main() -> int:
    services = compose()
    assert services["migrate"]["command"].startswith("python manage.py migrate")
    for name in ("web", "worker", "beat"):
        needs = services[name]["depends_on"]["migrate"]["condition"]
        assert needs == "service_completed_successfully", (name, needs)
    admin_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    admin_url = urllib.parse.urlunsplit(urllib.parse.urlsplit(admin_url)._replace(path="/postgres"))
    db_name = f"pmo_production_shape_{os.getpid()}"
    port = free_port()
    tmp = Path(tempfile.mkdtemp(prefix="pmo-production-shape-"))
    env = {
        **os.environ,
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "DEBUG": "0",
        "SECRET_KEY": "ci-" + os.urandom(24).hex() + "-production-shape",
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "DATABASE_URL": throwaway_database(admin_url, db_name),
        "CELERY_BROKER_URL": os.environ.get("PRODUCTION_SHAPE_REDIS_URL", "redis://127.0.0.1:6379/9"),
        "EMAIL_URL": "consolemail://",
        "STATIC_ROOT": str(tmp / "static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "BEAT_HEARTBEAT_FILE": str(tmp / "beat-heartbeat"),
        "PORT": str(port),
        "HOSTNAME": socket.gethostname(),
        "DJANGO_SUPERUSER_USERNAME": "operator",
        "DJANGO_SUPERUSER_EMAIL": "operator@pmo.example",
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    processes: list[tuple[str, subprocess.Popen]] = []
    try:
        run(["python", "manage.py", "collectstatic", "--noinput", "-v", "1"], env, stdout=subprocess.DEVNULL)
        manifest = tmp / "static" / "staticfiles.json"
        assert manifest.exists(), "collectstatic wrote no manifest"
        log(f"collectstatic into {tmp / 'static'}: manifest written")
        run(shlex.split(services["migrate"]["command"]), env, stdout=subprocess.DEVNULL)
        run(["python", "manage.py", "createsuperuser", "--noinput"], env, stdout=subprocess.DEVNULL)
        log(f"migrated the throwaway database {db_name}")

        web = shlex.split(services["web"]["command"].replace("0.0.0.0:8000", f"127.0.0.1:{port}"))
        web = [arg if arg != "3" else "2" for arg in web]  # two gunicorn workers on a CI machine
        worker = shlex.split(services["worker"]["command"].replace("--concurrency=2", "--concurrency=1"))
        beat = shlex.split(services["beat"]["command"].replace("/tmp/", f"{tmp}/"))
        for name, argv in (("web", web), ("worker", worker), ("beat", beat)):
            output = (tmp / f"{name}.log").open("w")
            processes.append((name, subprocess.Popen(argv, cwd=ROOT, env=env, stdout=output, stderr=output)))
            log(f"started {name}: {' '.join(argv)}")

        body = wait_healthy(healthcheck_argv(services["web"]), env, "web")
        assert '"status": "ok"' in body and '"oldest_queued_seconds"' in body, body
        wait_healthy(healthcheck_argv(services["worker"]), env, "worker", seconds=90)
        wait_healthy(healthcheck_argv(services["beat"]), env, "beat")
        # From outside the probe networks, /healthz goes through host validation like any request.
        outside = requests.get(
            f"http://127.0.0.1:{port}/healthz", headers={"Host": "evil.example"}, timeout=10
        )
        assert outside.status_code in (200, 503), outside.status_code  # loopback: the probe answers
        sign_in_and_browse(f"http://127.0.0.1:{port}")
        log_lines = (tmp / "web.log").read_text().splitlines()
        request_lines = [line for line in log_lines if '"logger": "pmo.requests"' in line]
        assert any('"path": "/projects/"' in line and '"user_id": 1' in line for line in request_lines), (
            "no JSON request log line with the user id"
        )
        log(f"{len(request_lines)} JSON request log lines, e.g. {request_lines[-1]}")
    except BaseException:
        for name, _ in processes:
            print(f"--- {name}.log ---\n" + (tmp / f"{name}.log").read_text()[-4000:], file=sys.stderr)
        raise
    finally:
        for name, process in reversed(processes):
            stop(process, name)
        drop_database(admin_url, db_name)
        subprocess.run(["rm", "-rf", str(tmp)], check=False)
    log("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
