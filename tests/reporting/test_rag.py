"""The suggested RAG against the tolerances: green inside, amber from 75 %, red beyond."""

from datetime import date
from decimal import Decimal

import pytest

from reporting.models import DEFAULT_TOLERANCES, Tolerance
from reporting.selectors import tolerance_for, tolerance_values, working_days_between
from reporting.services import rag_suggest
from tests.factories import ProjectFactory

TOLERANCE = {
    "time_days": 10,
    "cost_percent": "5.00",
    "cost_amount": "10000.00",
    "scope_percent": "5.00",
    "quality_findings": 4,
    "risk_score": 12,
}


def figures(**changes) -> dict:
    base = {
        "planned_end": date(2026, 12, 1),
        "forecast_end": date(2026, 12, 1),
        "budget": Decimal("100000.00"),
        "contract_value": Decimal("130000.00"),
        "forecast": None,
        "approved_changes": None,
        "open_findings": None,
        "highest_risk_score": None,
    }
    return {**base, **changes}


def test_working_days_skip_weekends():
    assert working_days_between(date(2026, 11, 20), date(2026, 11, 23)) == 1  # Friday to Monday
    assert working_days_between(date(2026, 11, 23), date(2026, 12, 7)) == 10
    assert working_days_between(date(2026, 12, 7), date(2026, 11, 23)) == -10


@pytest.mark.parametrize(
    ("forecast_end", "rag"),
    [
        (date(2026, 12, 1), "green"),
        (date(2026, 12, 10), "green"),
        (date(2026, 12, 11), "amber"),
        (date(2026, 12, 15), "amber"),
        (date(2026, 12, 16), "red"),
    ],
)
def test_the_schedule_follows_the_slip_in_working_days(forecast_end, rag):
    assert rag_suggest(figures=figures(forecast_end=forecast_end), tolerance=TOLERANCE)["schedule"] == rag


@pytest.mark.parametrize(
    ("forecast", "rag"),
    [
        ("100000.00", "green"),
        ("103749.99", "green"),
        ("103750.00", "amber"),
        ("105000.00", "amber"),
        ("105000.01", "red"),
    ],
)
def test_the_cost_uses_the_smaller_of_the_percentage_and_the_amount(forecast, rag):
    suggestion = rag_suggest(figures=figures(forecast=Decimal(forecast)), tolerance=TOLERANCE)

    assert suggestion["cost"] == rag


def test_without_data_there_is_no_suggestion_and_overall_is_the_worst_rated():
    suggestion = rag_suggest(
        figures=figures(forecast_end=date(2026, 12, 11), highest_risk_score=16), tolerance=TOLERANCE
    )

    assert suggestion["quality"] is None
    assert suggestion["safety"] is None
    assert suggestion["schedule"] == "amber"
    assert suggestion["risk"] == "red"
    assert suggestion["overall"] == "red"


@pytest.mark.django_db
def test_a_project_gets_the_tolerances_of_its_level_until_they_are_edited():
    project = ProjectFactory(budget=Decimal("600000.00"))
    project.refresh_from_db()

    tolerance = tolerance_for(project=project)

    assert tolerance.pk is None
    assert tolerance.time_days == DEFAULT_TOLERANCES[2]["time_days"]
    assert tolerance_values(tolerance)["cost_amount"] == "50000.00"
    assert not Tolerance.objects.exists()
