"""The resources' loads read the live tasks of the window from task_live_by_end alone: a sequential scan
of every task (40,000 at scale L) was a third of the over-allocation statement of the engineering home
(12.6 -> 10.3 ms at L). With `enable_seqscan = off` the plan shows what the indexes allow on the small
test database (as tests/reporting/test_dashboard_plans.py)."""

from datetime import date, timedelta

import pytest

from projects.selectors.plan import OVER_ALLOCATION_SQL
from tests.factories import ProjectFactory
from tests.plans import plan_nodes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("postgres_only")]


def test_the_over_allocations_read_the_live_tasks_of_the_window_from_their_index():
    from projects.models import Task

    project = ProjectFactory()
    start = date(2026, 11, 30)
    for offset in range(3):
        day = start + timedelta(days=7 * offset)
        Task.objects.create(
            project=project, wbs_code=f"1.{offset}", name="Cabling", planned_start=day, planned_end=day
        )
    params = {"start": start, "end": start + timedelta(weeks=6), "limit": 16}

    nodes = plan_nodes(OVER_ALLOCATION_SQL, params)

    assert "task_live_by_end" in {node.get("Index Name") for node in nodes}
    assert not [
        node for node in nodes if node.get("Relation Name") == "projects_task" and "Seq" in node["Node Type"]
    ]
