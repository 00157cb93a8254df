"""The dashboards' projects missing last week's update, soonest end first, are read from
project_end_code_idx in its order: they were joined and sorted, 15,000 of them at scale XL, to keep ten
(17 to 24 ms; 0.4 ms walking the index). With `enable_seqscan = off` the plan shows what the indexes allow
on the small test database (tests/procurement/test_order_search_plan.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.roles import Role
from projects.models import Phase
from reporting.selectors.dashboards import dashboard_summary, portfolio_projects
from tests.factories import ProjectFactory, user_with_role
from tests.plans import plan_nodes

pytestmark = pytest.mark.django_db


def test_the_projects_missing_their_update_are_walked_in_end_date_order_from_the_index():
    ProjectFactory.create_batch(3, phase=Phase.EXECUTION)
    projects = portfolio_projects(user=user_with_role(Role.HEAD_OF_PM))
    with CaptureQueriesContext(connection) as captured:
        dashboard_summary(projects=projects)
    [missing] = [
        query["sql"] for query in captured if 'ORDER BY "projects_project"."end_date" ASC' in query["sql"]
    ]

    nodes = plan_nodes(missing)

    assert "project_end_code_idx" in {node.get("Index Name") for node in nodes}
    assert not [node for node in nodes if node["Node Type"] in ("Sort", "Incremental Sort")]
