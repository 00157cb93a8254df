"""Every list, dashboard and download of `make bench` runs an exact, pinned number of queries.

The pages are those of the benchmark (tests/benchmarks/harness.py FIGURES), on the demo data (scale S);
`make bench` checks that the same pages run the same number of queries at scale L. A page whose count
changes fails here first: fix the N+1, or pin the new number with the reason in the commit.
"""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.models import User
from pmo.seeding import run_seed
from tests.benchmarks.harness import FIGURES

# figure key -> queries (session, user, roles included)
PINNED = {
    "project_list": 7,
    "project_list_pm": 9,
    "customer_list": 5,
    "register_portfolio": 8,
    "issues_register": 7,
    "risks_register": 13,  # the bands once, both heat maps in one query, both top lists in one (17)
    "actions_by_due": 7,
    "entry_page": 11,
    "project_page": 21,  # in execution; register counts, blockers, missing documents: one each (37, 30)
    "rest_100": 5,
    "order_list": 9,
    "home_head": 7,
    "home_smo": 10,
    "home_engineering": 14,  # over-allocations summed and filtered in SQL (no query for every resource)
    "home_sales": 10,
    "home_finance": 10,
    "my_dashboard": 14,  # counts, funnel and RAG spread in one grouping (was 16)
    "portfolio": 19,  # counts, funnel and RAG spread in one grouping (was 21)
    "finance_dashboard": 11,
    "portfolio_money": 5,
    "timesheet_week": 9,  # issue 15: the grid of a technician's last booked week
    "timesheet_approvals": 5,  # the same whether sheets wait or not (none wait for pm at S)
    "project_pnl": 10,
    "portfolio_evm": 5,
    "csv_500": 5,
    "csv_all": 5,
    "xlsx_all": 5,
}


class _DjangoConnection:
    """The harness's path resolvers expect psycopg's `conn.execute(...)`; inside the test's transaction."""

    def execute(self, sql, params=()):
        cursor = connection.cursor()
        cursor.execute(sql, params)
        return cursor


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        run_seed(scale="S", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.mark.django_db
@pytest.mark.parametrize("figure", FIGURES, ids=[figure.key for figure in FIGURES])
def test_the_page_runs_its_pinned_number_of_queries(client, demo_data, figure):
    path = figure.path(_DjangoConnection())
    client.force_login(User.objects.get(username=figure.user))
    client.get(path, secure=True)  # a first request fills the per-process caches (content types, ...)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, secure=True)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, path
    print(f"PIN {figure.key}: {len(queries)}")
    assert len(queries) == PINNED[figure.key], "\n".join(query["sql"][:200] for query in queries)
