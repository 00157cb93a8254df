"""The page figures of issue 14, measured the way users get them: a real gunicorn with production settings.

For each scale (S, L, XL) the harness
1. keeps a seeded database of its own (`<DATABASE_URL's name>_bench_<scale>`), migrated and seeded once with
   `manage.py seed_demo --scale <scale>` and reused afterwards (BENCH_RESEED=1 seeds it again);
2. runs `collectstatic` and starts the compose file's `web` command (gunicorn, DEBUG off, HTTPS through
   X-Forwarded-Proto, whitenoise's manifest) on a free loopback port, with `gunicorn_capture.py` hooks;
3. signs each demo user in through the login form, then for every figure: warms up, times BENCH_REPEAT
   requests (median, p90; the whole body is read), captures the request's SQL once inside gunicorn
   (`X-Bench-Capture`) and replays those statements directly on PostgreSQL (median of 5 replays);
4. prints the table and writes `bench-results/<commit>-<scale>.json` for comparing commits.

Run it with `make bench` (as a test, which also checks that every page's query count is the same at S and
at L) or alone: `python -m tests.benchmarks.harness --scale L`.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psycopg
import requests
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "pmo.example.com"
DEMO_PASSWORD = "demo"
SCALE_PROJECTS = {"S": 25, "M": 400, "L": 2000, "XL": 20000}
RESULTS_DIR = ROOT / "bench-results"


@dataclass
class Figure:
    """One line of the table: a URL that a demo user requests, with the issue's figures beside ours."""

    key: str
    label: str
    user: str
    path: Callable[[psycopg.Connection], str]  # resolved against the seeded database
    target_ms: float | None = None
    repeat: int | None = None  # fewer repeats for the big downloads
    sql_ratio: float | None = None  # "within N x of its own SQL"
    redmine_ms: float | None = None
    before_ms: float | None = None  # the measurement of ours before this work


@dataclass
class Result:
    key: str
    label: str
    url: str
    status: int
    bytes: int
    lines: int
    median_ms: float
    p90_ms: float
    queries: int
    sql_ms: float | None
    sql_errors: int
    target_ms: float | None
    sql_ratio: float | None
    redmine_ms: float | None
    before_ms: float | None
    timings_ms: list[float] = field(default_factory=list)

    @property
    def meets_target(self) -> bool:
        fast = self.target_ms is None or self.median_ms <= self.target_ms
        close = self.sql_ratio is None or not self.sql_ms or self.median_ms <= self.sql_ratio * self.sql_ms
        return fast and close


def _one(conn: psycopg.Connection, sql: str, params: tuple = ()) -> object:
    row = conn.execute(sql, params).fetchone()
    if row is None:
        raise LookupError(f"the seeded database has nothing for: {sql}")
    return row[0]


def _busiest_project(conn: psycopg.Connection, table: str, phase: str | None = None) -> int:
    in_phase = "WHERE project_id IN (SELECT id FROM projects_project WHERE phase = %s)" if phase else ""
    return _one(
        conn,
        f"SELECT project_id FROM {table} {in_phase} GROUP BY project_id "
        "ORDER BY count(*) DESC, project_id LIMIT 1",
        (phase,) if phase else (),
    )


def _search_for_lines(conn: psycopg.Connection, wanted: int = 500) -> str:
    """A supplier name whose search matches close to `wanted` lines: the issue's 500-line CSV."""
    name = _one(
        conn,
        "WITH per_supplier AS (SELECT s.name, count(l.id) AS lines FROM procurement_supplier s"
        " JOIN procurement_purchaseorder o ON o.supplier_id = s.id"
        " JOIN procurement_purchaseorderline l ON l.order_id = o.id GROUP BY s.name)"
        " SELECT a.name FROM per_supplier a JOIN per_supplier b ON b.name ILIKE '%%' || a.name || '%%'"
        " GROUP BY a.name ORDER BY abs(sum(b.lines) - %s), a.name LIMIT 1",
        (wanted,),
    )
    return str(name)


def _risk_entry(conn: psycopg.Connection) -> str:
    project = _busiest_project(conn, "projects_risk")
    risk = _one(conn, "SELECT id FROM projects_risk WHERE project_id = %s ORDER BY id LIMIT 1", (project,))
    return f"/projects/{project}/risks/{risk}/"


def _project(table: str, suffix: str = "", phase: str | None = None) -> Callable[[psycopg.Connection], str]:
    return lambda conn: f"/projects/{_busiest_project(conn, table, phase)}/{suffix}"


def _fixed(path: str) -> Callable[[psycopg.Connection], str]:
    return lambda conn: path


def _booked_week(username: str) -> Callable[[psycopg.Connection], str]:
    """The grid of the user's most recent week with booked hours (this week is still empty in the seed)."""

    def path(conn: psycopg.Connection) -> str:
        week = _one(
            conn,
            "SELECT max(s.week_start) FROM projects_timesheet s"
            " JOIN projects_resource r ON r.id = s.resource_id"
            " JOIN pmo_user u ON u.id = r.user_id WHERE u.username = %s",
            (username,),
        )
        year, number, _day = week.isocalendar()
        return f"/projects/timesheets/?week={year}-W{number:02d}"

    return path


def _pnl_of_most_booked_project(conn: psycopg.Connection) -> str:
    """The P&L of the project with the most approved hours: the labour line sums the most entries."""
    project = _one(
        conn,
        "SELECT s.project_id FROM projects_timesheet s"
        " JOIN projects_timesheetentry e ON e.timesheet_id = s.id WHERE s.status = 'approved'"
        " GROUP BY s.project_id ORDER BY count(*) DESC, s.project_id LIMIT 1",
    )
    return f"/procurement/projects/{project}/pnl/"


def _csv_500(conn: psycopg.Connection) -> str:
    return "/procurement/orders/export.csv?" + urllib.parse.urlencode({"q": _search_for_lines(conn)})


LIST = {"target_ms": 40, "sql_ratio": 3}  # every list and dashboard page
REGISTER = {"target_ms": 30, "sql_ratio": 3}
FIGURES: list[Figure] = [
    Figure(
        "project_list",
        "project list, first page",
        "pmo",
        _fixed("/projects/"),
        **LIST,
        redmine_ms=701,
        before_ms=74,
    ),
    Figure("project_list_pm", "project list of a project manager", "pm", _fixed("/projects/"), **LIST),
    Figure("customer_list", "customer list", "pmo", _fixed("/projects/customers/"), **LIST),
    Figure(
        "register_portfolio",
        "register list over all projects, 25/page",
        "pmo",
        _fixed("/projects/registers/"),
        **REGISTER,
        redmine_ms=140,
        before_ms=43,
    ),
    Figure(
        "issues_register",
        "one project's issues register",
        "pmo",
        _project("projects_issue", "issues/"),
        **REGISTER,
        redmine_ms=166,
        before_ms=73,
    ),
    Figure(
        "risks_register",
        "one project's risks register (heat map)",
        "pmo",
        _project("projects_risk", "risks/"),
        **REGISTER,
        redmine_ms=125,
        before_ms=77,
    ),
    Figure(
        "actions_by_due",
        "actions register sorted by due date",
        "pmo",
        _project("projects_action", "actions/?sort=due"),
        **REGISTER,
        redmine_ms=262,
        before_ms=68,
    ),
    Figure("entry_page", "an entry's page", "pmo", _risk_entry, target_ms=40, redmine_ms=277, before_ms=32),
    Figure(
        "project_page",
        "project page",
        "pmo",
        # In execution at every scale: the cockpit checks the gate to the next phase, and each gate has
        # its own checks (a project in closing reads the closure validation and hand-over instead).
        _project("projects_risk", phase="execution"),
        target_ms=40,
        redmine_ms=249,
        before_ms=36,
    ),
    Figure(
        "rest_100",
        "REST, 100 entries",
        "pmo",
        _fixed("/api/v1/risks/?page_size=100"),
        target_ms=40,
        redmine_ms=748,
        before_ms=29,
    ),
    Figure("order_list", "purchase order list", "finance", _fixed("/procurement/orders/"), **LIST),
    Figure("home_head", "home of the head of PM", "head", _fixed("/"), **LIST),
    Figure("home_smo", "home of the SMO", "smo", _fixed("/"), **LIST),
    Figure("home_engineering", "home of an engineering manager", "engineering", _fixed("/"), **LIST),
    Figure("home_sales", "home of a seller", "sales", _fixed("/"), **LIST),
    Figure("home_finance", "home of finance", "finance", _fixed("/"), **LIST),
    Figure("my_dashboard", "dashboard of a project manager", "pm", _fixed("/reporting/mine/"), **LIST),
    Figure("portfolio", "portfolio dashboard", "head", _fixed("/reporting/portfolio/"), **LIST),
    Figure("finance_dashboard", "finance dashboard", "finance", _fixed("/reporting/finance/"), **LIST),
    Figure("portfolio_money", "portfolio money", "finance", _fixed("/procurement/portfolio/"), **LIST),
    # Timesheets and earned value (issue 15): ~300,000 time entries at L.
    Figure(
        "timesheet_week", "weekly timesheet grid of a technician", "tech", _booked_week("tech"), target_ms=60
    ),
    Figure(
        "timesheet_approvals",
        "timesheets a project manager approves",
        "pm",
        _fixed("/projects/timesheets/approvals/"),
        target_ms=60,
    ),
    Figure(
        "project_pnl", "P&L of the most booked project", "finance", _pnl_of_most_booked_project, target_ms=60
    ),
    Figure(
        "portfolio_evm", "portfolio earned value (SPI, CPI)", "head", _fixed("/reporting/evm/"), target_ms=60
    ),
    Figure(
        "csv_500",
        "CSV of ~500 PO lines (filtered)",
        "finance",
        _csv_500,
        target_ms=40,
        redmine_ms=174,
        before_ms=328,
    ),
    Figure(
        "csv_all",
        "CSV of every PO line",
        "finance",
        _fixed("/procurement/orders/export.csv"),
        target_ms=700,
        repeat=7,
        redmine_ms=4456,
        before_ms=2004,
    ),
    Figure(
        "xlsx_all",
        "XLSX of every PO line",
        "finance",
        _fixed("/procurement/orders/export.xlsx"),
        target_ms=3000,
        repeat=3,
    ),
]
LIGHT = [figure.key for figure in FIGURES if not figure.key.endswith("_all")]


def database_url(scale: str) -> str:
    explicit = os.environ.get(f"BENCH_DATABASE_URL_{scale}")
    if explicit:
        return explicit
    base = urllib.parse.urlsplit(
        os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pmo_desk")
    )
    name = base.path.lstrip("/") or "pmo_desk"
    return urllib.parse.urlunsplit(base._replace(path=f"/{name}_bench_{scale.lower()}"))


def _admin_url(url: str) -> str:
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/postgres"))


def _log(message: str) -> None:
    print(f"bench: {message}", flush=True)


def _manage(args: list[str], env: dict) -> None:
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True)


def ensure_seeded(scale: str, env: dict) -> float | None:
    """Create, migrate and seed the scale's database unless it already holds that scale's projects.

    Returns the seed's wall-clock seconds, or None when an already seeded database was reused.
    """
    url = env["DATABASE_URL"]
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    reseed = os.environ.get("BENCH_RESEED") == "1"
    with psycopg.connect(_admin_url(url), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and reseed:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    _manage(["migrate", "--noinput", "-v", "0"], env)
    with psycopg.connect(url) as conn:
        projects = _one(conn, "SELECT count(*) FROM projects_project")
    if projects == 0:
        started = time.monotonic()
        _manage(["seed_demo", "--scale", scale], env)
        seconds = time.monotonic() - started
        _log(f"seeded {name} at scale {scale} in {seconds:.0f} s")
        return seconds
    if projects < SCALE_PROJECTS[scale]:
        raise SystemExit(f"{name} holds {projects} projects, not scale {scale}: rerun with BENCH_RESEED=1")
    _log(f"reusing {name} ({projects} projects)")
    return None


def production_env(scale: str, tmp: Path) -> dict:
    env = {
        **os.environ,
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + os.urandom(24).hex() + "-production-settings",
        "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "DATABASE_URL": database_url(scale),
        "CELERY_BROKER_URL": "",  # a PDF figure runs in a warm process of its own, below
        "EMAIL_URL": "consolemail://",
        "STATIC_ROOT": str(ROOT / ".bench-static"),
        "MEDIA_ROOT": str(tmp / "media"),
        "BENCH_CAPTURE_DIR": str(tmp / "capture"),
        "REQUEST_LOG_LEVEL": "WARNING",
        "AXES_ENABLED": "0",  # thousands of sign-ins from one address in a row are the harness, not an attack
    }
    for name in ("DJANGO_SETTINGS_MODULE", "TEST_DATABASE_NAME", "RUN_BENCHMARKS", "PYTEST_CURRENT_TEST"):
        env.pop(name, None)
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """The compose file's `web` command on a loopback port, plus the capture hooks."""

    def __init__(self, env: dict, tmp: Path):
        self.port = _free_port()
        command = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]["command"]
        argv = shlex.split(command.replace("0.0.0.0:8000", f"127.0.0.1:{self.port}"))
        argv = [arg for arg in argv if arg not in ("--access-logfile", "-")]
        if os.environ.get("BENCH_GUNICORN_ARGS"):
            argv += shlex.split(os.environ["BENCH_GUNICORN_ARGS"])
        self.argv = [*argv, "--no-control-socket", "-c", str(ROOT / "tests/benchmarks/gunicorn_capture.py")]
        self.log = (tmp / "gunicorn.log").open("w")
        self.process = subprocess.Popen(self.argv, cwd=ROOT, env=env, stdout=self.log, stderr=self.log)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 180
        while True:
            try:
                if requests.get(self.base + "/healthz", timeout=5).status_code in (200, 503):
                    break
            except requests.RequestException:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start: see {self.log.name}")
            time.sleep(0.3)
        _log(f"gunicorn up: {' '.join(self.argv)}")

    def workers_rss_mib(self) -> tuple[float, float]:
        """The largest worker's resident memory now and its peak (VmHWM), in MiB."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        now, peak = 0.0, 0.0
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            now = max(now, int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
            peak = max(peak, int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024)
        return now, peak

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class Browser:
    """One signed-in user: the session cookie travels by hand (it is Secure; we speak http behind 'TLS')."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.cookies: dict[str, str] = {}
        self.session = requests.Session()
        login = self.request("GET", "/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        signed_in = self.request(
            "POST",
            "/accounts/login/",
            data={"csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD},
            headers={"Referer": f"https://{HOST}/accounts/login/"},
        )
        if signed_in.status_code != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"could not sign {username} in: {signed_in.status_code}")

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", **kwargs.pop("headers", {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.session.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=120, **kwargs
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def timed_get(self, path: str, **headers) -> tuple[float, int, int, int]:
        """Milliseconds until the last byte of the body, the status, the body's size and its lines."""
        started = time.perf_counter()
        response = self.request("GET", path, headers=headers, stream=True)
        size = lines = 0
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            lines += chunk.count(b"\n")
        return (time.perf_counter() - started) * 1000, response.status_code, size, lines


def replay_ms(url: str, statements: list, rounds: int = 5) -> tuple[float | None, int]:
    """PostgreSQL's own time for the statements: executed (and fetched) directly, median of `rounds`."""
    if not statements:
        return None, 0
    totals, errors = [], 0
    with psycopg.connect(url, cursor_factory=psycopg.ClientCursor) as conn:
        conn.execute("SET TIME ZONE 'UTC'")  # what Django sets on its connections
        conn.commit()
        for _round in range(rounds):
            errors, total = 0, 0.0
            for sql, params, many in statements:
                if params is None and "%s" in sql:
                    errors += 1
                    continue
                started = time.perf_counter()
                try:
                    with conn.cursor() as cursor:
                        if many:
                            cursor.executemany(sql, params)
                        else:
                            cursor.execute(sql, params)
                        if cursor.description is not None:
                            cursor.fetchall()
                except psycopg.Error:
                    errors += 1
                    conn.rollback()
                    continue
                total += time.perf_counter() - started
            conn.rollback()  # the session's own writes (last activity, ...) are not kept
            totals.append(total * 1000)
    return statistics.median(totals), errors


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _captured(path: Path) -> list:
    """The statements gunicorn wrote once the response was sent (its post_request hook runs after)."""
    deadline = time.monotonic() + 30
    while not path.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"gunicorn captured nothing into {path}")
        time.sleep(0.02)
    with path.open("rb") as handle:
        return pickle.load(handle)


def measure(figure: Figure, browser: Browser, path: str, capture_dir: Path, url: str, repeat: int) -> Result:
    for _warm in range(3):  # every gunicorn worker compiles its templates once
        browser.timed_get(path)
    name = f"{figure.key}-{os.getpid()}"
    browser.timed_get(path, **{"X-Bench-Capture": name})
    statements = _captured(capture_dir / f"{name}.pickle")
    timings, status, size, lines = [], 0, 0, 0
    for _round in range(figure.repeat or repeat):
        elapsed, status, size, lines = browser.timed_get(path)
        timings.append(elapsed)
    sql_ms, sql_errors = replay_ms(url, statements)
    return Result(
        key=figure.key,
        label=figure.label,
        url=path,
        status=status,
        bytes=size,
        lines=lines,
        median_ms=statistics.median(timings),
        p90_ms=_percentile(timings, 0.9),
        queries=len(statements),
        sql_ms=sql_ms,
        sql_errors=sql_errors,
        target_ms=figure.target_ms,
        sql_ratio=figure.sql_ratio,
        redmine_ms=figure.redmine_ms,
        before_ms=figure.before_ms,
        timings_ms=[round(value, 2) for value in timings],
    )


def pdf_figure(env: dict, repeat: int) -> dict:
    """The highlight-report PDF rendered again and again in one warm process, as the worker does."""
    return manage_json(["bench_highlight_pdf", "--repeat", str(repeat)], env)


def manage_json(args: list[str], env: dict) -> dict:
    """Run a manage.py command in the benchmark's environment; its last line of output is JSON."""
    output = subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
    return result.stdout.strip() + ("-dirty" if dirty.strip() else "")


def run_scale(scale: str, *, repeat: int, only: set[str] | None = None, pdf: bool = True) -> dict:
    """Measure every figure at `scale`; return (and write) the JSON document."""
    tmp = Path(tempfile.mkdtemp(prefix=f"pmo-bench-{scale.lower()}-"))
    (tmp / "capture").mkdir()
    env = production_env(scale, tmp)
    seed_seconds = ensure_seeded(scale, env)
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        # The planner's statistics and the visibility map as autovacuum keeps them in production (CI's
        # PostgreSQL runs with autovacuum off, so a bulk-loaded table would never be vacuumed here).
        conn.execute("VACUUM (ANALYZE)")
        paths = {figure.key: figure.path(conn) for figure in FIGURES if not only or figure.key in only}
    _manage(["collectstatic", "--noinput", "-v", "0"], env)
    server = Gunicorn(env, tmp)
    results: list[Result] = []
    memory: dict[str, float] = {}
    try:
        browsers: dict[str, Browser] = {}
        for figure in FIGURES:
            if figure.key not in paths:
                continue
            if figure.key not in LIGHT and "after_light_mib" not in memory:
                memory["after_light_mib"] = server.workers_rss_mib()[0]
            browser = browsers.get(figure.user) or browsers.setdefault(
                figure.user, Browser(server.base, figure.user)
            )
            result = measure(figure, browser, paths[figure.key], tmp / "capture", env["DATABASE_URL"], repeat)
            results.append(result)
            _log(
                f"{scale} {figure.key}: {result.status} {result.median_ms:.1f} ms "
                f"(p90 {result.p90_ms:.1f}), {result.queries} queries, SQL {result.sql_ms or 0:.1f} ms"
            )
        memory.setdefault("after_light_mib", server.workers_rss_mib()[0])
        memory["peak_mib"] = server.workers_rss_mib()[1]
    finally:
        server.stop()
    document = {
        "scale": scale,
        "commit": _commit(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "gunicorn": server.argv,
        "repeat": repeat,
        "figures": [asdict(result) for result in results],
        "memory": memory,
        "seed_seconds": seed_seconds,
        "only": sorted(only) if only else None,
    }
    if pdf and not only:
        document["pdf"] = pdf_figure(env, repeat=max(5, repeat // 2))
    RESULTS_DIR.mkdir(exist_ok=True)
    target = RESULTS_DIR / f"{document['commit']}-{scale}.json"
    target.write_text(json.dumps(document, indent=2, default=str))
    print(table(document))
    _log(f"wrote {target.relative_to(ROOT)}")
    return document


def _cell(value: float | None, digits: int = 0) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def table(document: dict) -> str:
    """The issue's table for one run (markdown)."""
    load = ", ".join(f"{value:.2f}" for value in document["load_average"])
    lines = [
        f"\nScale {document['scale']} — commit {document['commit']} — {document['measured_at']} — "
        f"load average {load} on {document['cpus']} CPUs — {document['repeat']} requests a figure",
        "",
        "| figure | Redmine | ours before | ours median | p90 | queries | SQL (PostgreSQL) | ours/SQL "
        "| target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|:--|",
    ]
    for figure in document["figures"]:
        result = Result(**figure)
        ratio = result.median_ms / result.sql_ms if result.sql_ms else None
        target = f"≤ {result.target_ms:,.0f} ms" if result.target_ms else ""
        if result.sql_ratio:
            target += f", ≤ {result.sql_ratio:.0f}x SQL"
        verdict = "ok" if result.meets_target else "MISSED"
        status = "" if result.status == 200 else f" (HTTP {result.status})"
        lines.append(
            f"| {result.label}{status} | {_cell(result.redmine_ms)} | {_cell(result.before_ms)} "
            f"| {_cell(result.median_ms, 1)} | {_cell(result.p90_ms, 1)} | {result.queries} "
            f"| {_cell(result.sql_ms, 1)} | {_cell(ratio, 1)}x | {target} {verdict if target else ''} |"
        )
    if "pdf" in document:
        pdf = document["pdf"]
        lines.append(
            f"| highlight report PDF, warm process | 2,461 | 550 | {pdf['median_ms']:.1f} "
            f"| {pdf['p90_ms']:.1f} "
            f"| {pdf['queries']} | | | ≤ 300 ms {'ok' if pdf['median_ms'] <= 300 else 'MISSED'} |"
        )
    memory = document["memory"]
    lines.append(
        f"| memory of the largest worker after the light figures / peak (MiB) | 764 / 1,427 | 271 / 335 "
        f"| {memory.get('after_light_mib', 0):.0f} / {memory.get('peak_mib', 0):.0f} | | | | | |"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="append", choices=sorted(SCALE_PROJECTS), help="repeatable")
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "20")))
    parser.add_argument("--only", action="append", help="figure keys (repeatable)")
    arguments = parser.parse_args()
    for scale in arguments.scale or ["L"]:
        run_scale(scale, repeat=arguments.repeat, only=set(arguments.only or []) or None)


if __name__ == "__main__":
    main()
