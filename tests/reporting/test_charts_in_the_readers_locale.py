"""Charts as the reader writes numbers and dates, phases in lifecycle order, the finance chart, and the
highlight report's progress in stages."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from pmo.roles import Role
from reporting import charts
from reporting.models import HighlightReport
from reporting.models.reports import report_stages
from reporting.selectors import last_week_start
from reporting.services import snapshot_take
from tests.factories import ProjectFactory, user_with_role

pytestmark = pytest.mark.django_db
Status = HighlightReport.Status


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("nl", 1_357_000, "1,4 M"),
        ("fr", 1_357_000, "1,4 M"),
        ("en", 1_357_000, "1,4 M"),  # the app writes numbers the Belgian way in every language
        ("nl", 679_000, "679 k"),
        ("nl", 30_000_000, "30 M"),
        ("nl", 850, "850"),
        ("nl", 0, "0"),
    ],
)
def test_axis_amounts_are_compact_in_the_readers_format(language, value, expected):
    with translation.override(language):
        assert charts.compact_amount(value) == expected


def test_the_pdf_budget_chart_never_writes_thousands_of_k(project_with_weeks):
    weeks, budget = project_with_weeks
    labels = {"title": "t", "budget": "b", "committed": "c", "actual": "a"}
    with translation.override("nl"):
        svg = charts.budget_burn(
            weeks=weeks,
            budget=budget,
            committed=[Decimal(400_000), Decimal(900_000), Decimal(1_200_000)],
            actual=[Decimal(0), Decimal(300_000), Decimal(600_000)],
            labels=labels,
        )
    assert "1.357 k" not in svg and " M<" in svg
    assert ">5 Dec<" in svg  # week labels: day and short month


@pytest.fixture
def project_with_weeks():
    start = timezone.localdate().replace(day=5, month=12)
    return [start + timedelta(weeks=offset) for offset in range(3)], Decimal(1_357_000)


def test_the_portfolio_chart_lists_phases_in_lifecycle_order_even_empty_ones(client):
    ProjectFactory(phase="execution")
    ProjectFactory(phase="closing")
    ProjectFactory(phase="closing")
    client.force_login(user_with_role(Role.PM_SUPPORT, preferred_language="nl"))

    with translation.override("nl"):
        response = client.get("/reporting/portfolio/", headers={"accept-language": "nl"})

    phases = response.context["charts"]["phases"]
    assert phases["labels"][:4] == ["Initiatie", "Planning", "Uitvoering", "Afsluiting"]
    assert phases["datasets"][0]["data"][:4] == [0, 0, 1, 2]


def test_the_finance_view_draws_budget_committed_and_actual_per_project(client):
    big = ProjectFactory(phase="execution", budget=Decimal("250000.00"))
    small = ProjectFactory(phase="execution", budget=Decimal("1500.00"))
    client.force_login(user_with_role(Role.FINANCE))

    response = client.get("/reporting/finance/?sort=code")

    chart = json.loads(
        response.text.split('id="chart-finance" type="application/json">')[1].split("</script>")[0]
    )
    assert chart["labels"] == sorted([big.code, small.code])
    budgets = dict(zip(chart["labels"], chart["datasets"][0]["data"], strict=True))
    assert budgets == {big.code: 250000.0, small.code: 1500.0}
    assert [dataset["label"] for dataset in chart["datasets"]] == ["Budget", "Committed", "Actual"]
    assert 'data-chart="chart-finance"' in response.text and "reporting-charts.js" in response.text


def _report(status, **times):
    project = ProjectFactory()
    snapshot = snapshot_take(project=project, week_start=last_week_start())
    return HighlightReport.objects.create(
        project=project,
        period_start=snapshot.week_start,
        period_end=snapshot.week_start + timedelta(days=6),
        audience="internal",
        language="fr",
        snapshot=snapshot,
        status=status,
        **times,
    )


def test_a_queued_report_says_how_long_it_has_waited():
    now = timezone.now()
    report = _report(Status.QUEUED, queued_at=now - timedelta(seconds=42))

    with translation.override("fr"):
        stages = report_stages(report, now=now)

    assert [stage.state for stage in stages] == ["current", "todo", "todo"]
    assert stages[0].detail == "en attente depuis 42 secondes"


def test_a_report_in_the_making_shows_its_wait_and_its_start():
    now = timezone.now()
    report = _report(
        Status.RENDERING, queued_at=now - timedelta(minutes=5), started_at=now - timedelta(minutes=2)
    )

    stages = report_stages(report, now=now)

    assert [stage.state for stage in stages] == ["done", "current", "todo"]
    assert stages[0].detail == "waited 3 minutes" and stages[1].at == report.started_at


def test_a_failed_report_marks_the_stage_that_failed():
    now = timezone.now()
    report = _report(
        Status.FAILED,
        queued_at=now - timedelta(seconds=30),
        started_at=now - timedelta(seconds=20),
        finished_at=now,
    )

    stages = report_stages(report, now=now)

    assert [(stage.label, stage.state) for stage in stages] == [
        ("Queued", "done"),
        ("Rendering", "failed"),
        ("Failed", "failed"),
    ]


def test_the_report_page_shows_the_stages_in_dutch(client):
    report = _report(Status.RENDERING, started_at=timezone.now())
    manager = report.project.project_manager
    manager.preferred_language = "nl"
    manager.save(update_fields=["preferred_language"])
    client.force_login(manager)

    with translation.override("nl"):
        response = client.get(report.get_absolute_url(), headers={"accept-language": "nl"})

    assert response.status_code == 200
    assert response.text.count('class="report-stage ') == 3
    assert 'aria-current="step"' in response.text
    assert "In de wachtrij" in response.text and "Wordt aangemaakt" in response.text
