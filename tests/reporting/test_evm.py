"""Earned value computed by PostgreSQL: a worked example checked figure by figure, the weekly snapshot that
stores it, the card on the project page, the portfolio table sorted by SPI/CPI, and who may see them."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pmo.roles import Role
from projects.models import Phase, TaskKind
from projects.services import plan_baseline_create
from projects.services import timesheets as timesheet_services
from reporting.models import ProjectSnapshot
from reporting.selectors.evm import evm_for_project, evm_rag, planned_value_curve
from reporting.services.reports import snapshot_latest_evm_mark, snapshots_take_for_week
from tests.factories import (
    AssignmentFactory,
    ProjectFactory,
    ResourceFactory,
    TaskFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
D = Decimal
MONDAY = datetime.date(2027, 3, 1)


@pytest.fixture
def example():
    return worked_example()


def worked_example():
    """Budget 10,000; task A (40 h, 1-10 March) and B (60 h, 11-20 March) baselined; A half done;
    20 approved hours at 60 EUR on A in the first week."""
    project = ProjectFactory(
        phase=Phase.EXECUTION,
        budget=D("10000.00"),
        start_date=datetime.date(2027, 3, 1),
        end_date=datetime.date(2027, 3, 20),
    )
    person = ResourceFactory(user=UserFactory())
    task_a = TaskFactory(
        project=project,
        kind=TaskKind.ADMINISTRATION,
        planned_start=datetime.date(2027, 3, 1),
        planned_end=datetime.date(2027, 3, 10),
        progress=50,
    )
    task_b = TaskFactory(
        project=project,
        kind=TaskKind.ADMINISTRATION,
        planned_start=datetime.date(2027, 3, 11),
        planned_end=datetime.date(2027, 3, 20),
    )
    AssignmentFactory(task=task_a, resource=person, hours=D("40"))
    AssignmentFactory(task=task_b, resource=person, hours=D("60"))
    plan_baseline_create(project=project, name="Signed plan", actor=project.project_manager)
    finance = user_with_role(Role.FINANCE)
    timesheet_services.cost_rate_create(
        resource=person,
        hourly_rate=D("60.00"),
        valid_from=datetime.date(2027, 1, 1),
        valid_to=None,
        actor=finance,
    )
    for offset in range(4):
        timesheet_services.time_entry_set(
            resource=person,
            task=task_a,
            day=MONDAY + datetime.timedelta(days=offset),
            hours=D("5"),
            actor=person.user,
        )
    (sheet,) = timesheet_services.timesheet_week_submit(resource=person, week_start=MONDAY, actor=person.user)
    timesheet_services.timesheet_approve(timesheet=sheet, actor=project.project_manager)
    return project


def test_the_worked_example(example):
    evm = evm_for_project(project=example, as_of=datetime.date(2027, 3, 5))

    # BAC per task by planned hours: A = 10,000 x 40/100 = 4,000; B = 6,000.
    assert evm.bac == D("10000.00")
    assert evm.pv == D("2000.00")  # A is 5 of 10 days in: 4,000 x 0.5; B not started
    assert evm.ev == D("2000.00")  # A 50 % x 4,000
    assert evm.ac == D("1200.00")  # 20 approved h x 60
    assert evm.labour == D("1200.00")
    assert evm.spi == D("1.000")
    assert evm.cpi == D("1.667")
    assert evm.eac == D("6000.00")  # BAC x AC / EV = BAC / CPI
    assert evm.etc == D("4800.00")
    assert evm.vac == D("4000.00")
    assert evm.tcpi == D("0.909")  # (10,000 - 2,000) / (10,000 - 1,200)


def test_hours_not_approved_are_not_actual_cost(example):
    person = example.tasks.first().assignments.first().resource
    task_b = example.tasks.order_by("planned_start").last()
    timesheet_services.time_entry_set(
        resource=person, task=task_b, day=datetime.date(2027, 3, 11), hours=D("8"), actor=person.user
    )

    assert evm_for_project(project=example, as_of=datetime.date(2027, 3, 12)).ac == D("1200.00")


def test_the_planned_value_curve_rises_to_the_budget(example):
    curve = planned_value_curve(
        project=example, first_week=datetime.date(2027, 2, 22), last_week=MONDAY + datetime.timedelta(weeks=3)
    )

    values = [pv for _week, pv in curve]
    assert values[0] == D("0.00") and values[-1] == D("10000.00")
    assert values == sorted(values)
    assert curve[1] == (MONDAY, D("2800.00"))  # end of 7 March: A 7/10 x 4,000


def test_the_rag_rule():
    assert evm_rag(index=D("0.96"), tolerance_share=D("0.05")) == "green"
    assert evm_rag(index=D("0.92"), tolerance_share=D("0.05")) == "amber"
    assert evm_rag(index=D("0.89"), tolerance_share=D("0.05")) == "red"
    assert evm_rag(index=None, tolerance_share=D("0.05")) == ""


def test_the_weekly_snapshot_stores_the_evm(example):
    snapshots_take_for_week(week_start=MONDAY, projects=[example])

    snapshot = ProjectSnapshot.objects.get(project=example)
    # At the end of the week (7 March): PV 2,800, EV 2,000, AC 1,200.
    assert (snapshot.planned_value, snapshot.earned_value, snapshot.actual_cost) == (
        D("2800.00"),
        D("2000.00"),
        D("1200.00"),
    )
    assert snapshot.spi == D("0.714") and snapshot.cpi == D("1.667")
    assert snapshot.data["evm"]["eac"] == "6000.00"


def test_the_project_page_loads_the_evm_card_for_the_pm(client, example):
    client.force_login(example.project_manager)

    page = client.get(reverse("projects:project-detail", args=[example.pk])).content.decode()
    card = client.get(reverse("reporting:project-evm", args=[example.pk]))

    assert reverse("reporting:project-evm", args=[example.pk]) in page
    assert card.status_code == 200
    assert 'id="evm-figures"' in card.content.decode() and "<svg" in card.content.decode()


def test_the_evm_card_is_refused_to_who_may_not_read_the_internal_report(client, example):
    client.force_login(user_with_role(Role.PROJECT_MANAGER))
    assert client.get(reverse("reporting:project-evm", args=[example.pk])).status_code == 404
    client.force_login(user_with_role(Role.SALES))
    assert client.get(reverse("reporting:project-evm", args=[example.pk])).status_code in (403, 404)
    client.force_login(example.project_manager)
    assert client.post(reverse("reporting:project-evm", args=[example.pk])).status_code == 405


def test_the_portfolio_table_sorts_by_spi_in_a_constant_number_of_queries(
    client, example, django_assert_num_queries
):
    behind = ProjectFactory(phase=Phase.EXECUTION)
    snapshots_take_for_week(week_start=MONDAY, projects=[example])
    _snapshot(behind, spi="0.400", cpi="0.900")
    client.force_login(user_with_role(Role.HEAD_OF_PM))
    url = reverse("reporting:portfolio-evm")
    client.get(url, {"sort": "spi"})

    with django_assert_num_queries(QUERIES):
        page = client.get(url, {"sort": "spi"}).content.decode()
    assert page.index(behind.code) < page.index(example.code)
    descending = client.get(url, {"sort": "-cpi"}).content.decode()
    assert descending.index(example.code) < descending.index(behind.code)
    for number in range(5):
        _snapshot(ProjectFactory(phase=Phase.EXECUTION), spi=f"0.9{number}", cpi="1.000")
    with django_assert_num_queries(QUERIES):
        assert client.get(url, {"sort": "spi"}).content.decode().count("<tr>") == 8


QUERIES = 5


def _snapshot(project, *, spi: str | None, cpi: str = "1.000", week_start=MONDAY) -> None:
    ProjectSnapshot.objects.create(
        project=project,
        week_start=week_start,
        phase="execution",
        planned_value=D("100"),
        earned_value=None if spi is None else D("10"),
        actual_cost=D("20"),
        spi=None if spi is None else D(spi),
        cpi=D(cpi),
    )
    snapshot_latest_evm_mark(project_ids=[project.pk])


def test_each_project_keeps_one_latest_snapshot_with_an_earned_value():
    project, other = ProjectFactory(phase=Phase.EXECUTION), ProjectFactory(phase=Phase.EXECUTION)
    week = datetime.timedelta(weeks=1)
    _snapshot(project, spi="0.800", week_start=MONDAY - week)
    _snapshot(other, spi="0.700", week_start=MONDAY - week)
    _snapshot(project, spi="0.900")
    _snapshot(project, spi=None, week_start=MONDAY + week)  # no earned value that week: not the latest
    _snapshot(project, spi="0.500", week_start=MONDAY - 2 * week)  # taken late for an older week

    latest = ProjectSnapshot.objects.filter(is_latest_evm=True)
    assert sorted(latest.values_list("project_id", "spi")) == sorted(
        [(project.pk, D("0.900")), (other.pk, D("0.700"))]
    )


def test_the_weekly_snapshots_move_the_flag_to_the_new_week(example):
    snapshots_take_for_week(week_start=MONDAY, projects=[example])
    first = ProjectSnapshot.objects.get(project=example)
    next_week = MONDAY + datetime.timedelta(weeks=1)
    snapshots_take_for_week(week_start=next_week, projects=[example])

    flagged = ProjectSnapshot.objects.get(project=example, is_latest_evm=True)
    assert (flagged.week_start, flagged.earned_value is not None) == (next_week, True)
    first.refresh_from_db()
    assert first.earned_value is not None and not first.is_latest_evm


def test_the_portfolio_table_is_refused_to_a_pm(client):
    client.force_login(user_with_role(Role.PROJECT_MANAGER))
    assert client.get(reverse("reporting:portfolio-evm")).status_code == 403


def test_only_the_internal_highlight_report_shows_the_earned_value(
    example, django_capture_on_commit_callbacks
):
    from reporting import services
    from tests.reporting.test_highlight_reports import pdf_text

    texts = {}
    for audience in ("internal", "customer"):
        with django_capture_on_commit_callbacks(execute=True):
            report = services.highlight_report_request(
                project=example, actor=None, audience=audience, language="fr", period_start=MONDAY
            )
        report.refresh_from_db()
        texts[audience] = pdf_text(report)

    assert "Valeur acquise (interne)" in texts["internal"]
    assert "1,667" in texts["internal"]  # the CPI of the worked example, written the French way
    assert "Valeur acquise" not in texts["customer"] and "CPI" not in texts["customer"]


def test_nothing_planned_or_spent_gives_no_index_rather_than_a_huge_one():
    project = ProjectFactory(phase=Phase.INITIATION, budget=D("5000.00"))
    TaskFactory(project=project, kind=TaskKind.ADMINISTRATION, progress=40)  # no baseline: no PV

    evm = evm_for_project(project=project, as_of=MONDAY)

    assert (evm.pv, evm.ev, evm.ac) == (D("0.00"), D("2000.00"), D("0.00"))
    assert evm.spi is None and evm.cpi is None
    assert evm.eac == D("3000.00")  # nothing spent: AC + BAC - EV


def test_the_weekly_snapshot_runs_the_same_queries_for_one_project_or_many(django_assert_num_queries):
    # At L the batch ran a query per project to learn it had no tolerance row of its own (2,000 of 6,020).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from projects.models import Project
    from reporting.selectors import default_tolerance_for

    own = default_tolerance_for(project=ProjectFactory(phase=Phase.EXECUTION))
    own.time_days = 3
    own.save()

    def take(week):
        projects = list(Project.objects.select_related("customer", "project_manager").order_by("pk"))
        snapshots_take_for_week(week_start=week, projects=projects)

    with CaptureQueriesContext(connection) as one:
        take(MONDAY)
    for _number in range(4):
        ProjectFactory(phase=Phase.EXECUTION)  # no tolerance row: the Level's defaults
    with django_assert_num_queries(len(one.captured_queries)):
        take(MONDAY + datetime.timedelta(days=7))
    assert ProjectSnapshot.objects.filter(week_start=MONDAY + datetime.timedelta(days=7)).count() == 5


@override_settings(PAGINATE_BY=1)
def test_the_portfolio_table_counts_its_projects_only_a_few_pages_ahead(client, example):
    for number in range(12):
        _snapshot(ProjectFactory(phase=Phase.EXECUTION), spi=f"0.{number:02d}", cpi="1.000")
    client.force_login(user_with_role(Role.HEAD_OF_PM))

    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("reporting:portfolio-evm"), {"sort": "spi"}).context["page"]

    assert page.paginator.is_capped and page.paginator.count == 11
    counts = [query["sql"] for query in captured if "COUNT(*)" in query["sql"]]
    assert len(counts) == 1 and counts[0].endswith("LIMIT 12) subquery")
    # The latest snapshot is joined once (is_latest_evm), not looked up in a subquery for every project.
    assert not [query for query in captured if 'FROM "reporting_projectsnapshot"' in query["sql"]]
    assert [row.evm_spi for row in page.object_list] == [D("0.000")]  # the lowest SPI first
