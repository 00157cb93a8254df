"""Portfolio money totals from the base tables agree with the per-project figures of the P&L."""

from io import StringIO

import pytest
from django.db.models import F, Sum

from pmo.seeding import run_seed
from procurement.selectors import money_totals_for_projects, project_money_annotate
from procurement.services.totals import budget_totals_drift
from projects.models import Project

pytestmark = pytest.mark.django_db


def _summed_per_project(projects) -> dict:
    """The P&L's per-project figures, added up."""
    return (
        project_money_annotate(projects)
        .order_by()
        .aggregate(
            contract_value=Sum("contract_value"),
            budget=Sum("money_budget"),
            committed=Sum("money_committed"),
            actual=Sum(F("money_actual") + F("money_received_not_invoiced")),
            forecast=Sum("money_forecast"),
            margin=Sum("money_margin"),
        )
    )


def test_the_totals_are_the_sum_of_each_projects_money(postgres_only):
    run_seed(scale="S", stdout=StringIO())  # orders in every state, invoices, receipts, cancellations
    projects = Project.objects.filter(phase__in=["planning", "execution", "closing"])
    per_project = _summed_per_project(projects)

    totals = money_totals_for_projects(projects=projects)
    every_project = money_totals_for_projects(projects=Project.objects.all())  # summed with no key to match

    assert per_project["committed"] > 0 and per_project["actual"] > 0
    assert totals == per_project
    assert every_project == _summed_per_project(Project.objects.all())
    assert every_project["budget"] > totals["budget"]
    # The seed wrote its rows in bulk and then filled the running totals both read (issue 14).
    assert budget_totals_drift() == {"budget_lines": 0, "orders": 0}
