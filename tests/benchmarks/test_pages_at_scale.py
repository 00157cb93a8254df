"""Pages at scale L: each must answer within its budget of queries and time, whatever the data size.

`make bench` prints one line per page (queries, milliseconds) — the numbers quoted in issue notes.
"""

import io
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pmo.models import User
from pmo.seeding import run_seed

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]

# (demo login, url name, query string, max queries, max milliseconds)
PAGES = [
    ("pmo", "projects:project-list", "", 10, 1500),
    ("pmo", "projects:project-list", "sort=-budget&page=40", 10, 1500),
    ("pmo", "projects:project-list", "q=network&phase=execution", 10, 1500),
    ("pm", "projects:project-list", "", 10, 1500),
    ("pmo", "projects:customer-list", "", 10, 1500),
    ("head", "pmo:home", "", 15, 1500),
]


def test_foundation_pages_at_scale_l(client):
    # Inside the test's transaction: rolled back afterwards, so every benchmark seeds its own data.
    started = time.perf_counter()
    run_seed(scale="L", stdout=io.StringIO())
    print(f"\nseed_demo --scale L (every app): {time.perf_counter() - started:.1f} s")
    for username, url_name, query, max_queries, max_ms in PAGES:
        client.force_login(User.objects.get(username=username))
        url = reverse(url_name) + (f"?{query}" if query else "")
        client.get(url)  # warm caches (templates, translations) before measuring
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed_ms = (time.perf_counter() - started) * 1000
        print(f"{username:<6} {url:<60} {len(queries):>3} queries {elapsed_ms:>7.1f} ms")
        assert response.status_code == 200, url
        assert len(queries) <= max_queries, url
        assert elapsed_ms <= max_ms, url
