"""`make bench`: the weekly snapshot (EVM included) of all 2,000 projects of scale L within 30 seconds.

It runs in a process of its own with production settings against the harness's seeded L database
(`<DATABASE_URL's name>_bench_l`, seeded once by `ensure_seeded`), as the weekly Celery task would, inside
a transaction that is rolled back: the database stays as seeded. The week taken is this one, which the
seed has no snapshot of yet, so every project's figures are computed and inserted.
"""

import tempfile
from pathlib import Path

import pytest

from tests.benchmarks.harness import ensure_seeded, manage_json, production_env

pytestmark = pytest.mark.benchmark

LIMIT_S = 30
SCRIPT = """
import json, time
from django.db import connection, transaction
from django.utils import timezone
from projects.models import Project
from reporting.models import ProjectSnapshot
from reporting.selectors.dashboards import week_start_of
from reporting.services import snapshots_take_for_week

week = week_start_of(timezone.localdate())
with transaction.atomic():
    ProjectSnapshot.objects.filter(week_start=week).delete()
    started = time.perf_counter()
    # as weekly_batch_run loads them: with the customer and manager the frozen header names
    projects = list(Project.objects.select_related("customer", "project_manager").order_by("pk"))
    snapshots_take_for_week(week_start=week, projects=projects)
    elapsed = time.perf_counter() - started
    taken = ProjectSnapshot.objects.filter(week_start=week).count()
    with_labour = ProjectSnapshot.objects.filter(week_start=week, actual_cost__gt=0).count()
    transaction.set_rollback(True)
result = {"seconds": elapsed, "projects": len(projects), "snapshots": taken, "with_cost": with_labour}
print(json.dumps(result))
"""


def test_the_weekly_snapshot_of_every_l_project_takes_at_most_30_seconds():
    env = production_env("L", Path(tempfile.mkdtemp(prefix="pmo-bench-evm-")))
    ensure_seeded("L", env)
    result = manage_json(["shell", "-c", SCRIPT], env)
    print(f"bench: weekly EVM snapshot of {result['projects']} projects: {result['seconds']:.1f} s")

    assert result["projects"] >= 2000 and result["snapshots"] == result["projects"]
    assert result["with_cost"] > 0  # the approved labour of the seeded timesheets is in the figures
    assert result["seconds"] <= LIMIT_S
