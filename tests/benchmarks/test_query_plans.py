"""`make bench`: the plans PostgreSQL chooses for the main lists' filter and sort queries at scale L.

Each page below is requested through the production gunicorn with its SQL captured (as the HTTP table
does); every captured SELECT is then EXPLAINed on the seeded L database. A query must not read a big
table sequentially where an index should serve it: a sequential scan that keeps only a small part of the
table (a filter), or one feeding a sort that keeps only a page (a Limit over a Sort). Reading a whole
table to count or sum all of it is fine. Every query's estimated cost stays under a bound as well.
"""

import os
import tempfile
from pathlib import Path

import psycopg
import pytest

from tests.benchmarks.harness import (
    Browser,
    Gunicorn,
    _busiest_project,
    _captured,
    _manage,
    _one,
    _search_for_lines,
    ensure_seeded,
    production_env,
)

pytestmark = pytest.mark.benchmark

BIG_TABLE_ROWS = 1000  # below this a sequential scan is as good as an index
KEPT_FRACTION = 0.2  # a filtered scan keeping less than this share of the table wants an index
MAX_COST = 5000  # the planner's estimate for one statement of a list page
JOINS = {"Hash", "Hash Join", "Nested Loop", "Merge Join", "Memoize"}


def _pages(conn: psycopg.Connection) -> list[tuple[str, str]]:
    """(user, URL) of the list pages whose filters and sorts must be served by indexes."""
    manager = _one(
        conn,
        "SELECT project_manager_id FROM projects_project WHERE project_manager_id IS NOT NULL"
        " GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
    )
    customer = _one(
        conn, "SELECT customer_id FROM projects_project GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
    )
    risks = _busiest_project(conn, "projects_risk")
    issues = _busiest_project(conn, "projects_issue")
    actions = _busiest_project(conn, "projects_action")
    code = _one(conn, "SELECT code FROM projects_project WHERE id = %s", (actions,))
    return [
        ("pmo", "/projects/"),
        ("pmo", "/projects/?phase=execution&sort=-budget"),
        ("pmo", f"/projects/?project_manager={manager}&sort=end"),
        ("pmo", f"/projects/?customer={customer}&sort=name"),
        ("pmo", "/projects/?sort=customer"),
        ("pm", "/projects/?sort=-start"),
        ("pmo", "/projects/registers/"),
        ("pmo", f"/projects/{risks}/risks/"),
        ("pmo", f"/projects/{risks}/risks/?sort=review"),
        ("pmo", f"/projects/{issues}/issues/"),
        ("pmo", f"/projects/{issues}/issues/?status=open&sort=priority"),
        ("pmo", f"/projects/{actions}/actions/?sort=due"),
        ("pmo", f"/projects/{actions}/actions/?overdue=true"),
        ("finance", "/procurement/orders/"),
        ("finance", "/procurement/orders/?status=approved"),
        ("finance", "/procurement/orders/?status=approved&sort=created"),
        ("finance", f"/procurement/orders/export.csv?project={code}"),
        ("finance", f"/procurement/orders/?project={code.lower()}"),
        ("finance", "/procurement/orders/export.csv?status=approved&created_after=2026-06-01"),
        ("finance", "/procurement/orders/export.csv?q=" + _search_for_lines(conn)),
    ]


def _nodes(plan: dict, ancestors: tuple[str, ...] = ()):
    yield plan, ancestors
    for child in plan.get("Plans", []):
        yield from _nodes(child, (*ancestors, plan["Node Type"]))


def _sorted_for_a_page(ancestors: tuple[str, ...]) -> bool:
    """The scan is what a top-N sort reads directly (not the other side of a join, not an aggregate)."""
    if "Limit" not in ancestors or "Sort" not in ancestors:
        return False
    below_sort = ancestors[len(ancestors) - ancestors[::-1].index("Sort") :]
    return not any(kind in JOINS or "Aggregate" in kind for kind in below_sort)


def plan_problems(plan: dict, sizes: dict[str, float]) -> list[str]:
    """What is wrong with one statement's plan: sequential scans an index should replace, the cost."""
    problems = []
    if plan["Total Cost"] > MAX_COST:
        problems.append(f"estimated cost {plan['Total Cost']:.0f} > {MAX_COST}")
    for node, ancestors in _nodes(plan):
        table = node.get("Relation Name")
        if node["Node Type"] != "Seq Scan" or sizes.get(table, 0) < BIG_TABLE_ROWS:
            continue
        kept = node["Plan Rows"] / max(sizes[table], 1)
        if "Filter" in node and kept < KEPT_FRACTION:
            problems.append(f"seq scan of {table} keeping {kept:.0%} ({node['Filter']})")
        elif _sorted_for_a_page(ancestors):
            problems.append(f"seq scan of {table} sorted for one page")
    return problems


def _explain(conn: psycopg.Connection, sql: str, params) -> dict:
    with conn.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        return cursor.fetchone()[0][0]["Plan"]


def test_list_filters_and_sorts_are_served_by_indexes_at_scale_l():
    scale = "L"
    tmp = Path(tempfile.mkdtemp(prefix="pmo-plans-"))
    (tmp / "capture").mkdir()
    env = production_env(scale, tmp)
    ensure_seeded(scale, env)
    url = env["DATABASE_URL"]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")
        pages = _pages(conn)
        sizes = dict(
            conn.execute(
                "SELECT relname, reltuples FROM pg_class"
                " WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
            ).fetchall()
        )
    _manage(["collectstatic", "--noinput", "-v", "0"], env)
    server = Gunicorn(env, tmp)
    problems: dict[str, list[str]] = {}
    try:
        browsers: dict[str, Browser] = {}
        with psycopg.connect(url, cursor_factory=psycopg.ClientCursor) as conn:
            conn.execute("SET TIME ZONE 'UTC'")
            for number, (user, path) in enumerate(pages):
                browser = browsers.get(user) or browsers.setdefault(user, Browser(server.base, user))
                name = f"plan-{number}-{os.getpid()}"
                response = browser.timed_get(path, **{"X-Bench-Capture": name})
                assert response[1] == 200, path
                for sql, params, many in _captured(tmp / "capture" / f"{name}.pickle"):
                    if many or not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                        continue
                    found = plan_problems(_explain(conn, sql, params), sizes)
                    if found:
                        problems.setdefault(path, []).extend(f"{p}\n      {sql[:400]}" for p in found)
                conn.rollback()
    finally:
        server.stop()
    for path, found in problems.items():
        print(f"\n{path}:\n  " + "\n  ".join(found))
    assert not problems, f"{len(problems)} pages have plans an index should serve: see above"
