"""The plan PostgreSQL chooses for a statement on the small test database, with sequential scans ruled out
(`enable_seqscan = off`): what the indexes allow, whatever the few rows a test creates would favour."""

from django.db import connection


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def plan_nodes(sql: str, params=()) -> list[dict]:
    """Every node of the statement's plan (EXPLAIN FORMAT JSON), top first; inside the test's transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        return list(_nodes(cursor.fetchone()[0][0]["Plan"]))
