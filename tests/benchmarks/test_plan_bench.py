"""Plan and capacity at scale: run with `make bench` (seeds scale L inside the test's transaction)."""

import datetime
import io
import time
from itertools import pairwise

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.models import User
from pmo.seeding import run_seed
from projects import services
from projects.models import Assignment, Project, Resource, Task, TaskDependency

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]


def measure(client, url: str, repeat: int = 5) -> tuple[int, float]:
    client.get(url)  # warm the caches (templates, permissions)
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return len(queries.captured_queries), sorted(timings)[len(timings) // 2]


@pytest.fixture
def scale_l(db):
    # Inside the test's transaction: the data is rolled back and never pollutes the reused test DB.
    run_seed(scale="L", stdout=io.StringIO())


def test_capacity_view_and_plan_pages_at_scale_l(client, scale_l):
    client.force_login(User.objects.get(username="engineering"))
    rows = []
    for url in (
        "/projects/capacity/",
        "/projects/capacity/?department=Networks",
        "/projects/capacity/?page=3",
    ):
        queries, median = measure(client, url)
        rows.append((url, queries, median))
        assert queries <= 10

    project = Project.objects.filter(phase="execution").first()
    start = project.start_date or datetime.date.today()
    tasks = Task.objects.bulk_create(
        Task(
            project=project,
            wbs_code=f"9.{number}",
            name=f"Bench task {number}",
            planned_start=start + datetime.timedelta(days=number // 3),
            planned_end=start + datetime.timedelta(days=number // 3 + 4),
            sort_order=1000 + number,
        )
        for number in range(280)
    )
    TaskDependency.objects.bulk_create(TaskDependency(predecessor=a, successor=b) for a, b in pairwise(tasks))
    resources = list(Resource.objects.all()[:20])
    Assignment.objects.bulk_create(
        Assignment(task=task, resource=resources[index % len(resources)], hours=16)
        for index, task in enumerate(tasks)
    )
    services.plan_baseline_create(project=project, name="Bench", actor=User.objects.get(username="pmo"))
    assert project.tasks.count() == 300
    client.force_login(User.objects.get(username="pmo"))
    for path in ("plan/", "plan/gantt/", "plan/milestones/", "documents/"):
        queries, median = measure(client, f"/projects/{project.pk}/{path}")
        rows.append((f"/projects/<pk>/{path} (300 tasks)", queries, median))
        assert queries <= 12

    print()
    for url, queries, median in rows:
        print(f"  {url:<45} {queries:3d} queries  {median:7.1f} ms (median of 5)")
