"""Dashboards per role: who sees which, what they show, and a constant number of queries."""

import pytest

from pmo.roles import Role
from projects.models import Project
from reporting.selectors import last_week_start
from reporting.services import snapshots_take_for_week
from tests.factories import CustomerFactory, ProgressUpdateFactory, ProjectFactory, user_with_role

pytestmark = pytest.mark.django_db

DASHBOARD_ACCESS = {
    "/reporting/portfolio/": {Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.ADMINISTRATOR},
    "/reporting/finance/": {Role.FINANCE, Role.HEAD_OF_PM, Role.ADMINISTRATOR},
    "/reporting/finance/export/": {Role.FINANCE, Role.HEAD_OF_PM, Role.ADMINISTRATOR},
    "/reporting/mine/": {Role.PROJECT_MANAGER, Role.PM_SUPPORT},
}


def make_portfolio(count: int, manager=None) -> None:
    """Projects in execution, half of them red last week, with their weekly snapshot."""
    manager = manager or user_with_role(Role.PROJECT_MANAGER)
    customer = CustomerFactory()
    projects = [
        ProjectFactory(phase="execution", project_manager=manager, customer=customer) for _ in range(count)
    ]
    for project in projects[::2]:
        ProgressUpdateFactory(project=project, rag_overall="red")
    snapshots_take_for_week(
        week_start=last_week_start(),
        projects=list(Project.objects.select_related("customer", "project_manager")),
    )


@pytest.mark.parametrize("url", DASHBOARD_ACCESS)
@pytest.mark.parametrize("role", Role.values)
def test_each_dashboard_opens_only_for_its_roles(client, url, role):
    client.force_login(user_with_role(role))

    response = client.get(url)

    assert response.status_code == (200 if role in DASHBOARD_ACCESS[url] else 403)


@pytest.mark.parametrize(
    ("role", "target"),
    [
        (Role.PM_SUPPORT, "/reporting/portfolio/"),
        (Role.PROJECT_MANAGER, "/reporting/mine/"),
        (Role.FINANCE, "/reporting/finance/"),
        (Role.SALES, "/projects/intakes/"),
        (Role.ENGINEERING_MANAGER, "/projects/capacity/"),
    ],
)
def test_the_dashboard_entry_sends_each_role_to_its_own(client, role, target):
    client.force_login(user_with_role(role))

    response = client.get("/reporting/")

    assert response.status_code == 302
    assert response["Location"] == target


def test_the_dashboard_entry_refuses_people_without_a_dashboard(client):
    from pmo.models import User

    client.force_login(User.objects.create_user("technician-dashboard", password="x"))

    assert client.get("/reporting/").status_code == 403


def test_the_dashboard_entry_sends_the_smo_to_its_home(client):
    # The SMO's dashboard is its home (issue 19): hand-overs waiting, returned and accepted.
    client.force_login(user_with_role(Role.SMO))

    assert client.get("/reporting/")["Location"] == "/"


def test_the_portfolio_shows_red_projects_and_missing_updates(client):
    red = ProjectFactory(name="Firewall roll-out", phase="execution")
    silent = ProjectFactory(name="Datacenter migration", phase="planning")
    ProgressUpdateFactory(project=red, rag_overall="red")
    client.force_login(user_with_role(Role.PM_SUPPORT))

    response = client.get("/reporting/portfolio/")

    summary = response.context["summary"]
    assert [project.pk for project in summary.exceptions] == [red.pk]
    assert [project.pk for project in summary.missing_reports] == [silent.pk]
    assert summary.totals["red"] == 1
    assert summary.rags == {"red": 1, "none": 1}


def test_the_portfolio_filters_by_rag(client):
    red = ProjectFactory(phase="execution")
    ProjectFactory(phase="execution")
    ProgressUpdateFactory(project=red, rag_overall="red")
    client.force_login(user_with_role(Role.HEAD_OF_PM))

    response = client.get("/reporting/portfolio/?rag=red")

    assert [project.pk for project in response.context["page"].object_list] == [red.pk]
    assert response.context["summary"].totals["count"] == 1


def test_the_portfolio_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    client.force_login(user_with_role(Role.PM_SUPPORT))
    make_portfolio(3)
    with django_assert_max_num_queries(25) as few:
        client.get("/reporting/portfolio/")
    make_portfolio(30)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/reporting/portfolio/?sort=-rag")

    assert len(response.context["page"].object_list) == 25


def test_my_dashboard_runs_a_constant_number_of_queries_and_shows_only_mine(
    client, django_assert_max_num_queries
):
    manager = user_with_role(Role.PROJECT_MANAGER)
    client.force_login(manager)
    ProjectFactory(phase="execution")  # someone else's
    make_portfolio(2, manager=manager)
    with django_assert_max_num_queries(20) as few:
        client.get("/reporting/mine/")
    make_portfolio(30, manager=manager)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/reporting/mine/")

    assert response.context["summary"].totals["count"] == 32


def test_the_finance_view_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    client.force_login(user_with_role(Role.FINANCE))
    make_portfolio(3)
    with django_assert_max_num_queries(20) as few:
        client.get("/reporting/finance/")
    make_portfolio(30)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/reporting/finance/")

    assert response.status_code == 200


def test_the_finance_export_streams_every_visible_project(client):
    make_portfolio(3)
    client.force_login(user_with_role(Role.FINANCE))

    response = client.get("/reporting/finance/export/")

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert len(lines) == 4
    assert lines[0].lstrip("\ufeff").startswith("Code;Project;Customer")


def test_dashboards_refuse_post(client):
    client.force_login(user_with_role(Role.HEAD_OF_PM))

    assert client.post("/reporting/portfolio/").status_code == 405
    assert client.post("/reporting/finance/").status_code == 405


def test_the_summary_adds_up_its_one_grouping_as_separate_counts_would(client):
    """Counts, funnel and RAG spread from one grouping, checked against a query for each figure."""
    from datetime import timedelta
    from decimal import Decimal

    from django.db.models import Count, Q, Sum

    from reporting.selectors import dashboard_summary, portfolio_projects

    last_week = last_week_start()
    for number, (phase, rag, reported) in enumerate(
        [
            ("execution", "red", True),
            ("execution", "red", False),
            ("execution", "green", True),
            ("planning", "amber", False),
            ("planning", None, False),
            ("closing", "green", True),
            ("handed_over", "red", True),
            ("cancelled", None, False),
        ]
    ):
        project = ProjectFactory(phase=phase, budget=Decimal("1000.50") * (number + 1))
        if rag:
            week = last_week if reported else last_week - timedelta(weeks=2)
            ProgressUpdateFactory(project=project, period_start=week, rag_overall=rag)
    user = user_with_role(Role.HEAD_OF_PM)
    projects = portfolio_projects(user=user)

    summary = dashboard_summary(projects=projects)

    active = ~Q(phase__in=("handed_over", "cancelled"))
    expected = projects.order_by().aggregate(
        count=Count("pk"),
        active=Count("pk", filter=active),
        budget=Sum("budget"),
        contract_value=Sum("contract_value"),
        missing=Count("pk", filter=active & Q(has_last_update=False)),
        red=Count("pk", filter=active & Q(latest_rag="red")),
    )
    assert summary.totals == expected
    assert (expected["active"], expected["missing"], expected["red"]) == (6, 3, 2)
    phases = projects.order_by().values("phase").annotate(count=Count("pk"), budget=Sum("budget"))
    assert summary.phases == list(phases.order_by("phase"))
    assert summary.rags == {"red": 3, "green": 2, "amber": 1, "none": 2}


def test_the_portfolio_lists_the_orders_waiting_on_its_projects_only(client):
    """Unfiltered, the attention lists cover every project (and no order outside a project); a filter
    narrows them to its projects."""
    from django.utils import timezone

    from tests.factories import PurchaseOrderFactory

    submitted = {"status": "submitted", "submitted_at": timezone.now()}
    chosen = PurchaseOrderFactory(**submitted)
    other = PurchaseOrderFactory(**submitted)
    PurchaseOrderFactory(project=None, **submitted)
    client.force_login(user_with_role(Role.HEAD_OF_PM))

    def orders(query=""):
        sections = client.get(f"/reporting/portfolio/{query}").context["sections"]
        section = next(section for section in sections if section.key == "orders")
        return {order.pk for order in section.items}, section.count

    assert orders() == ({chosen.pk, other.pk}, 2)
    assert orders(f"?customer={chosen.project.customer_id}") == ({chosen.pk}, 1)
