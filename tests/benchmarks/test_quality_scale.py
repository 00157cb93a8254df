"""Quality pages at scale L (about 2,200 reviews, 60,000 answers, 3,300 findings): query counts
stay pinned whatever the data size, and the time is printed."""

import time
from io import StringIO

import pytest
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pmo.models import User
from pmo.seeding import run_seed
from projects.models import Project
from quality.models import Finding, Handover, HandoverStatus, Review, ReviewAnswer

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db, pytest.mark.usefixtures("postgres_only")]

PORTFOLIO = {
    "/quality/reviews/": 8,
    "/quality/reviews/?sort=-score&status=completed": 8,
    "/quality/findings/": 5,
    "/quality/actions/?sort=-owner": 5,
    "/quality/safety/?sort=kind": 9,
    "/quality/handovers/": 5,
    "/quality/templates/": 4,
}


def _measure(client: Client, urls: dict[str, int]) -> dict[str, tuple[int, int]]:
    measured = {}
    for url, limit in urls.items():
        client.get(url)  # warm the caches of the first request
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        print(f"{len(queries.captured_queries):3d} queries {elapsed:7.1f} ms  {url}")
        assert response.status_code == 200, url
        measured[url] = (len(queries.captured_queries), limit)
    return measured


def test_quality_pages_at_scale_l(client):
    run_seed(scale="L", stdout=StringIO())
    assert Review.objects.count() > 2000 and ReviewAnswer.objects.count() > 50000
    busiest = (
        Project.objects.filter(phase="execution").annotate(n=Count("safety_incidents")).order_by("-n").first()
    )
    closing = Project.objects.filter(phase="closing", handover__isnull=False).first()
    security = Review.objects.filter(template__kind="security_review").first()
    handover = Handover.objects.filter(status=HandoverStatus.SUBMITTED).first()
    finding = Finding.objects.annotate(n=Count("actions")).order_by("-n").first()
    pages = PORTFOLIO | {
        f"/quality/projects/{busiest.pk}/": 9,
        f"/quality/projects/{busiest.pk}/safety/": 13,
        f"/quality/projects/{closing.pk}/closure/": 28,
        f"/quality/reviews/{security.pk}/": 8,
        f"/quality/handovers/{handover.pk}/": 11,
        f"/quality/findings/{finding.pk}/": 8,  # the finding with the most actions: 8 at scale L
    }
    client.force_login(User.objects.get(username="pmo"))
    measured = _measure(client, pages)
    smo = Client()
    smo.force_login(handover.smo_owner)
    measured |= _measure(smo, {"/quality/handovers/?status=submitted": 5})
    assert all(count <= limit for count, limit in measured.values()), measured
