"""The project cockpit: the project home shows its gate, status, progress, money and what needs attention."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from pmo.roles import Role
from projects.models import Phase, TaskKind
from tests.factories import (
    ActionFactory,
    BudgetLineFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    PurchaseOrderFactory,
    PurchaseOrderLineFactory,
    RiskFactory,
    TaskFactory,
    cost_category,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def _project_with(size: int, **fields):
    project = ProjectFactory(phase=Phase.PLANNING, **fields)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for index in range(size):
        TaskFactory(
            project=project,
            name=f"Milestone {index}",
            kind=TaskKind.MILESTONE,
            planned_end=datetime.date(2027, 3, 1),
        )
        TaskFactory(project=project, planned_start=yesterday, planned_end=yesterday)
        RiskFactory(project=project, probability=4, impact=5, residual_probability=2, residual_impact=3)
        ActionFactory(project=project, due_date=yesterday)
        order = PurchaseOrderFactory(project=project, status="submitted")
        PurchaseOrderLineFactory(order=order)
    ProgressUpdateFactory(project=project, rag_cost="red", override_comment="Switch prices rose 12 %.")
    return project


def test_it_shows_the_next_gate_status_progress_risks_and_what_is_overdue(client):
    project = _project_with(2)
    BudgetLineFactory(project=project, category=cost_category(), budget=Decimal("50000.00"))
    client.force_login(user_with_role(Role.PM_SUPPORT))

    page = client.get(project.get_absolute_url()).text

    assert "Phase and next gate" in page and "gate-check" in page  # the planning → execution checks
    assert "Switch prices rose 12 %." in page  # the last update's comment, beside its RAG
    assert "rag-red" in page
    assert "Milestone 0" in page
    # factory numbers run on across tests: read them from the rows
    risk, action = project.risk_set.order_by("number").first(), project.action_set.order_by("number").first()
    assert f"{risk.reference} · " in page
    assert ">20<" in page and ">6<" in page  # inherent 4 x 5, residual 2 x 3
    assert "Orders awaiting approval" in page and "PO-1999-" in page
    assert "Overdue actions" in page and f"{action.reference} · " in page
    assert 'data-chart="chart-cockpit-budget"' in page and "Equipment" in page


def test_a_role_without_the_money_right_sees_no_budget_nor_orders(client):
    sales = user_with_role(Role.SALES)
    project = _project_with(1, account_manager=sales)
    client.force_login(sales)

    response = client.get(project.get_absolute_url())

    assert response.status_code == 200
    assert "chart-cockpit-budget" not in response.text
    assert "Orders awaiting approval" not in response.text


def test_the_cockpit_costs_the_same_queries_for_a_small_and_a_large_project(
    client, django_assert_num_queries
):
    small, large = _project_with(1), _project_with(12)
    client.force_login(user_with_role(Role.HEAD_OF_PM))
    client.get(small.get_absolute_url())  # warm the per-process caches (content types, risk bands)

    with django_assert_num_queries(QUERIES):
        client.get(small.get_absolute_url())
    with django_assert_num_queries(QUERIES):
        client.get(large.get_absolute_url())


# The whole page: session, user, project, cockpit, status card, history; the registers card reuses the
# cockpit's counts, which are one statement; the missing documents in one (was 36, 28, 22).
QUERIES = 21


def test_every_project_page_shows_the_one_tab_bar_with_its_tab_active(client):
    project = ProjectFactory()
    client.force_login(user_with_role(Role.PM_SUPPORT))

    for url, tab in [
        (project.get_absolute_url(), "Overview"),
        (f"/projects/{project.pk}/plan/", "Plan"),
        (f"/projects/{project.pk}/plan/gantt/", "Gantt"),
        (f"/projects/{project.pk}/risks/", "Registers"),
        (f"/procurement/projects/{project.pk}/pnl/", "Money"),
    ]:
        page = client.get(url).text
        assert 'aria-label="Project pages"' in page, url
        assert page.count('aria-current="page"><i class="bi') >= 1
        active = page.split('class="nav-link text-nowrap active"', 1)[1].split("</a>", 1)[0]
        assert tab in active, url


def test_the_register_counts_in_one_query_are_those_of_a_query_per_register():
    from datetime import timedelta

    from django.db.models import Q, Sum

    from projects.models import Action, ChangeRequest, Issue, Lesson, Risk
    from projects.selectors.registers import high_score_threshold, register_summary
    from tests.factories import (
        ActionFactory,
        ChangeRequestFactory,
        IssueFactory,
        LessonFactory,
        RiskFactory,
    )

    project, elsewhere = ProjectFactory(), ProjectFactory()
    for owner in (project, elsewhere, project):
        money = {"inherent_emv": Decimal("9000.00"), "residual_emv": Decimal("4500.00")}
        RiskFactory(project=owner, probability=5, impact=5, **money)
        RiskFactory(project=owner, kind=Risk.Kind.OPPORTUNITY, residual_emv=Decimal("1200.00"))
        RiskFactory(project=owner, status=Risk.Status.CLOSED)
        IssueFactory(project=owner)
        ChangeRequestFactory(project=owner)
        ActionFactory(project=owner, due_date=timezone.localdate() - timedelta(days=3))
        ActionFactory(project=owner, status=Action.Status.DONE)
        LessonFactory(project=owner)

    summary = register_summary(project=project)

    risks = Risk.objects.filter(project=project)
    open_risks = risks.filter(status__in=Risk.OPEN_STATUSES)
    sums = open_risks.aggregate(
        threats_inherent=Sum("inherent_emv", filter=Q(kind=Risk.Kind.THREAT)),
        threats_residual=Sum("residual_emv", filter=Q(kind=Risk.Kind.THREAT)),
        opportunities_residual=Sum("residual_emv", filter=Q(kind=Risk.Kind.OPPORTUNITY)),
    )
    actions = Action.objects.filter(project=project)
    assert (summary.open_risks, summary.open_high_risks) == (
        open_risks.count(),
        open_risks.filter(residual_score__gte=high_score_threshold()).count(),
    )
    assert (
        summary.open_issues == Issue.objects.filter(project=project, status__in=Issue.OPEN_STATUSES).count()
    )
    assert (
        summary.open_change_requests
        == ChangeRequest.objects.filter(project=project, status__in=ChangeRequest.OPEN_STATUSES).count()
    )
    assert (summary.open_actions, summary.overdue_actions) == (
        actions.filter(status__in=Action.OPEN_STATUSES).count(),
        actions.filter(status__in=Action.OPEN_STATUSES, due_date__lt=timezone.localdate()).count(),
    )
    assert summary.lessons == Lesson.objects.filter(project=project).count() == 2
    contingency = summary.contingency
    assert (
        contingency.threats_inherent,
        contingency.threats_residual,
        contingency.opportunities_residual,
    ) == (
        sums["threats_inherent"],
        sums["threats_residual"],
        sums["opportunities_residual"],
    )
    assert contingency.threats_inherent == Decimal("18000.00") and contingency.opportunities_residual > 0
    assert summary.open_high_risks == 2 and summary.overdue_actions == 2


def test_the_register_counts_of_an_empty_project_are_zero_and_nothing_is_high_without_a_high_band():
    from projects.models import Risk, RiskBand
    from projects.selectors.registers import register_summary
    from tests.factories import RiskFactory

    empty = register_summary(project=ProjectFactory())
    assert (empty.open_risks, empty.open_high_risks, empty.open_actions, empty.lessons) == (0, 0, 0, 0)
    assert empty.contingency.recommended == Decimal("0.00") and empty.contingency.threats_inherent == 0

    project = ProjectFactory()
    RiskFactory(project=project, probability=5, impact=5, kind=Risk.Kind.THREAT)
    RiskBand.objects.update(is_high=False)
    assert register_summary(project=project).open_high_risks == 0
    assert RiskBand.objects.filter(code="very_high", min_score__lte=25).update(is_high=True) == 1
    assert register_summary(project=project).open_high_risks == 1


def test_the_cockpit_lists_the_required_documents_of_which_the_project_has_none_in_phase_order():
    from projects.models import Document, RequiredDocument
    from projects.selectors.documents import required_documents_missing, required_documents_status

    project, other = ProjectFactory(), ProjectFactory()
    project.required_documents.all().delete()
    for category, phase, title in [
        ("handover", Phase.HANDED_OVER, "Hand-over file"),
        ("contract", Phase.PLANNING, "Signed contract"),
        ("design", Phase.EXECUTION, "Technical design"),
        ("test_report", Phase.CLOSING, "Test report"),
    ]:
        RequiredDocument.objects.create(project=project, category=category, phase=phase, title=title)
    Document.objects.create(
        project=project, category="design", title="HLD v2", uploaded_by=project.project_manager
    )
    Document.objects.create(
        project=other, category="contract", title="Theirs", uploaded_by=other.project_manager
    )

    missing = required_documents_missing(project=project)

    assert [line.title for line in missing] == ["Signed contract", "Test report", "Hand-over file"]
    by_status = [
        status.required.title
        for status in required_documents_status(project=project)
        if not status.is_present
    ]
    assert [line.title for line in missing] == by_status
