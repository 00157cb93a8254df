"""Money at scale L: the finance export of 50,000 order lines, the P&L and portfolio pages.

Run with `make bench` (or the command in procurement/README.md); prints the measurements.
"""

import io
import time
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.models import User
from pmo.seeding import run_seed
from procurement.models import PurchaseOrderLine
from procurement.seed import analyze_tables as analyze_procurement_tables
from projects.models import Project

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]


@pytest.fixture
def orders_at_scale_l(db):
    # Inside the test's transaction, like every benchmark: nothing stays behind for the next one.
    run_seed(scale="L", stdout=io.StringIO())
    analyze_procurement_tables()


def _download(client, url: str) -> tuple[int, float]:
    """Request and read a (streamed) response; return its size and the seconds it took."""
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200
    size = sum(len(chunk) for chunk in response.streaming_content)
    return size, time.perf_counter() - started


def _peak_memory(client, url: str) -> float:
    """The peak of Python allocations in MB while the export is produced (tracemalloc slows it down)."""
    tracemalloc.start()
    _download(client, url)
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    return peak


def test_it_exports_50000_lines_in_seconds_with_flat_memory(client, orders_at_scale_l):
    assert PurchaseOrderLine.objects.count() >= 50_000
    client.force_login(User.objects.get(username="finance"))
    for extension, limit in (("csv", 8), ("xlsx", 30)):
        url = f"/procurement/orders/export.{extension}"
        size, seconds = _download(client, url)
        peak = _peak_memory(client, url)
        megabytes = size / 1024 / 1024
        print(
            f"\nexport {extension}: {megabytes:.1f} MB in {seconds:.2f} s, peak Python memory {peak:.1f} MB"
        )
        assert seconds < limit
        assert peak < 64  # flat: rows stream from a server-side cursor, never a list of 50,000


def test_the_pnl_and_portfolio_pages_keep_their_query_count_at_scale_l(client, orders_at_scale_l):
    client.force_login(User.objects.get(username="finance"))
    project = Project.objects.order_by("-pk").filter(purchase_orders__isnull=False).first()
    for url, limit in (
        (f"/procurement/projects/{project.pk}/pnl/", 7),
        ("/procurement/portfolio/", 6),
        ("/procurement/orders/", 9),
    ):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        print(f"\n{url}: {len(queries.captured_queries)} queries, {elapsed:.0f} ms")
        assert response.status_code == 200
        assert len(queries.captured_queries) <= limit
