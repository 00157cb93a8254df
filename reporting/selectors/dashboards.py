"""Reads behind the dashboards: each one a fixed number of queries, whatever the portfolio size."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from pmo.lib.listing import first_with_total, narrowed_to, narrowing_keys
from pmo.models import User
from procurement.choices import InvoiceStatus
from procurement.selectors.budget import money_totals_for_projects, project_money_annotate
from procurement.selectors.orders import (
    purchase_orders_awaiting,
    purchase_orders_submitted,
    supplier_invoice_list,
)
from projects.choices import IntakeStatus
from projects.selectors import intake_list_for_user, project_list_for_user
from projects.selectors.portfolio import milestones_coming
from projects.selectors.registers import my_open_actions_for, portfolio_high_risks, portfolio_overdue_actions
from reporting.models import HighlightReport, ProgressUpdate, ProjectSnapshot, Rag
from reporting.models.reports import week_start_of

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from projects.models import Project

__all__ = [
    "DashboardSummary",
    "Section",
    "attention_sections",
    "dashboard_summary",
    "finance_projects",
    "finance_sections",
    "finance_totals",
    "last_week_start",
    "my_sections",
    "portfolio_projects",
    "rag_over_time",
    "recent_reports",
]

INACTIVE = ("handed_over", "cancelled")
ACTIVE = ~Q(phase__in=INACTIVE)


def last_week_start(today: date | None = None) -> date:
    """The Monday of the week that was last reported on."""
    return week_start_of(today or timezone.localdate()) - timedelta(days=7)


class PortfolioFigures(TypedDict):
    """What portfolio_projects annotates on each project."""

    latest_rag: str | None
    latest_period: date | None
    has_last_update: bool


def portfolio_projects(
    *, user: User, today: date | None = None
) -> QuerySet[WithAnnotations[Project, PortfolioFigures]]:
    """Visible projects with their latest RAG and whether last week's update is in.

    The latest update is joined once through its `is_latest` flag: a subquery per project for the RAG and
    another for the period ran two index lookups for each of the 2,000 projects at L, in every count, sum
    and list of the dashboard.
    """
    last_week = ProgressUpdate.objects.filter(project=OuterRef("pk"), period_start=last_week_start(today))
    return project_list_for_user(user=user).annotate(
        latest_update=FilteredRelation("progress_updates", condition=Q(progress_updates__is_latest=True)),
        latest_rag=F("latest_update__rag_overall"),
        latest_period=F("latest_update__period_start"),
        has_last_update=Exists(last_week),
    )


@dataclass
class DashboardSummary:
    totals: dict
    phases: Sequence[Mapping[str, object]]
    rags: dict[str, int]
    budget_use: dict
    exceptions: Sequence[Project] = field(default_factory=list)
    missing_reports: Sequence[Project] = field(default_factory=list)


def dashboard_summary(
    *, projects: QuerySet[WithAnnotations[Project, PortfolioFigures]], today: date | None = None
) -> DashboardSummary:
    """Counts, funnel, RAG spread, budget use and the lists that need attention, in four queries.

    The counts, the funnel and the RAG spread come from one grouping by phase, latest RAG and whether last
    week is in (a few dozen groups, added up here): three passes over the projects were a query each.
    """
    unordered = projects.order_by()
    groups = list(
        unordered.values("phase", "latest_rag", "has_last_update").annotate(
            count=Count("pk"), budget=Sum("budget"), contract_value=Sum("contract_value")
        )
    )
    active = [group for group in groups if group["phase"] not in INACTIVE]
    totals = {
        "count": sum(group["count"] for group in groups),
        "active": sum(group["count"] for group in active),
        "budget": _sum_or_none(group["budget"] for group in groups),
        "contract_value": _sum_or_none(group["contract_value"] for group in groups),
        "missing": sum(group["count"] for group in active if not group["has_last_update"]),
        "red": sum(group["count"] for group in active if group["latest_rag"] == Rag.RED),
    }
    by_phase: dict[str, dict] = {}
    rags: dict[str, int] = {}
    for group in groups:
        phase = by_phase.setdefault(group["phase"], {"phase": group["phase"], "count": 0, "budget": None})
        phase["count"] += group["count"]
        phase["budget"] = _sum_or_none([phase["budget"], group["budget"]])
        rag = group["latest_rag"] or "none"
        rags[rag] = rags.get(rag, 0) + group["count"]
    phases = [by_phase[phase] for phase in sorted(by_phase)]
    budget_use = narrowed_to(
        ProjectSnapshot.objects.filter(week_start=last_week_start(today)), projects
    ).aggregate(
        budget=Sum("budget"), committed=Sum("committed"), actual=Sum("actual"), forecast=Sum("forecast")
    )
    # The two lists name a project and its manager: the customer and support officer joins of the project
    # list only made the planner's work larger (a third of these statements' time at L was planning).
    listed = projects.select_related(None).select_related("project_manager")
    exceptions = list(listed.filter(ACTIVE, latest_rag=Rag.RED).order_by("-latest_period", "code")[:10])
    missing = list(listed.filter(ACTIVE, has_last_update=False).order_by("end_date", "code")[:10])
    return DashboardSummary(
        totals=totals,
        phases=phases,
        rags=rags,
        budget_use=budget_use,
        exceptions=exceptions,
        missing_reports=missing,
    )


def _sum_or_none(values) -> Decimal | None:
    """SQL's SUM: None over nothing but NULLs."""
    present = [value for value in values if value is not None]
    return sum(present, Decimal(0)) if present else None


def rag_over_time(*, projects: QuerySet[Project], weeks: int = 12, today: date | None = None) -> dict:
    """Overall RAG counts per reported week, for the trend chart (one query).

    The window ends with last week; updates written ahead (this week or later) are left out of the trend
    rather than indexed past its end.
    """
    since = last_week_start(today) - timedelta(weeks=weeks - 1)
    until = since + timedelta(weeks=weeks)
    rows = (
        narrowed_to(ProgressUpdate.objects.filter(period_start__gte=since, period_start__lt=until), projects)
        .values("period_start", "rag_overall")
        .annotate(count=Count("pk"))
        .order_by("period_start")
    )
    labels = [since + timedelta(weeks=offset) for offset in range(weeks)]
    series = {rag: [0] * weeks for rag in Rag.values}
    for row in rows:
        series[row["rag_overall"]][(row["period_start"] - since).days // 7] = row["count"]
    return {"weeks": labels, "series": series}


def recent_reports(
    *, projects: QuerySet[Project], audiences: list[str], limit: int = 8
) -> list[HighlightReport]:
    """The latest highlight reports of these projects, in the versions the reader may see."""
    return list(
        narrowed_to(HighlightReport.objects.filter(audience__in=audiences), projects)
        .select_related("project")
        .order_by("-created_at", "-pk")[:limit]
    )


def finance_projects(*, user: User, today: date | None = None) -> QuerySet[Project]:
    """Visible projects with their live money figures (one subquery per figure)."""
    return project_money_annotate(portfolio_projects(user=user, today=today))


def finance_totals(*, projects: QuerySet[Project]) -> dict:
    """Budget, committed, actual (received or invoiced) and forecast over the projects (three queries)."""
    return money_totals_for_projects(projects=projects)


@dataclass
class Section:
    """A dashboard list that needs attention: how many, and the first few."""

    key: str
    count: int
    items: list


def _section(key: str, queryset: QuerySet, limit: int = 5) -> Section:
    """One query whatever the data: the window counts every matching row before the LIMIT keeps five
    (a separate COUNT when there are more made a dashboard's queries grow with the portfolio)."""
    items, count = first_with_total(queryset, limit)
    return Section(key=key, count=count, items=items)


def attention_sections(
    *, user: User, projects: QuerySet[Project], today: date | None = None
) -> list[Section]:
    """What waits on the portfolio: intakes, orders, overdue actions, high risks, coming milestones."""

    today = today or timezone.localdate()
    scope = narrowing_keys(projects)
    milestones = milestones_coming(since=today, until=today + timedelta(weeks=4), projects=scope)
    orders = purchase_orders_submitted(projects=scope)
    return [
        _section(
            "intakes", intake_list_for_user(user=user).filter(status=IntakeStatus.SUBMITTED).order_by("pk")
        ),
        _section("orders", orders),
        _section("actions", narrowed_to(portfolio_overdue_actions(user=user), projects)),
        _section("risks", narrowed_to(portfolio_high_risks(user=user), projects)),
        _section("milestones", milestones),
    ]


def my_sections(*, user: User, today: date | None = None) -> list[Section]:
    """A project manager's own queue: orders to approve, actions they own, milestones coming."""

    today = today or timezone.localdate()
    actions = my_open_actions_for(user=user)
    milestones = milestones_coming(since=today, until=today + timedelta(weeks=4), manager=user)
    return [
        _section("approvals", purchase_orders_awaiting(user=user)),
        _section("my_actions", actions),
        _section("milestones", milestones),
    ]


def finance_sections(*, user: User) -> list[Section]:
    """Finance's queue: supplier invoices that do not match their order and receipt."""

    invoices = supplier_invoice_list(status=InvoiceStatus.MISMATCH).order_by("pk")
    return [_section("invoices", invoices)]
