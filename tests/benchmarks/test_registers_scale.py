"""Register pages at scale L (20,000 entries): the query count stays pinned, the time is printed."""

import time
from io import StringIO

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from pmo.models import User
from pmo.seeding import run_seed
from projects.models import Action, ChangeRequest, Decision, Issue, Lesson, Project, Risk

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db, pytest.mark.usefixtures("postgres_only")]

# Query counts of each page, pinned: they must not grow with the data.
PAGES = {
    "risks/": 15,
    "risks/?basis=inherent&p=3&i=3": 15,
    "issues/": 7,
    "change-requests/": 6,
    "decisions/": 6,
    "actions/?overdue=true": 7,
    "lessons/": 6,
    "": 16,  # the project page with its registers card (and the plan's)
}
PORTFOLIO = {"/projects/registers/": 8, "/projects/lessons/?q=switch": 5}


def test_register_pages_at_scale_l(client):
    run_seed(scale="L", stdout=StringIO())
    counts = [model.objects.count() for model in (Risk, Issue, ChangeRequest, Decision, Action, Lesson)]
    assert sum(counts) == 20000
    project = Project.objects.annotate(entries=Count("risk")).order_by("-entries").first()
    client.force_login(User.objects.get(username="pmo"))
    urls = {f"/projects/{project.pk}/{page}": limit for page, limit in PAGES.items()} | PORTFOLIO
    measured = {}
    for url, _limit in urls.items():
        client.get(url)  # warm the caches of the first request
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        print(f"{len(queries.captured_queries):3d} queries {elapsed:7.1f} ms  {url}")
        assert response.status_code == 200
        measured[url] = (len(queries.captured_queries), _limit)
    assert all(count <= limit for count, limit in measured.values()), measured
