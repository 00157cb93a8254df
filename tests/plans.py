"""The plan PostgreSQL chooses for a statement on the small test database, with sequential scans ruled out
(`enable_seqscan = off`) and sorts too (`enable_sort = off`: a sort still shows when no index gives the
order): what the indexes allow, whatever the few rows a test creates, or the statistics other tests left
behind, would favour (a merge join's sort of its outer side once failed a "no sort" test in CI)."""

from django.db import connection


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def plan_nodes(sql: str, params=()) -> list[dict]:
    """Every node of the statement's plan (EXPLAIN FORMAT JSON), top first; inside the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        return list(_nodes(cursor.fetchone()[0][0]["Plan"]))
