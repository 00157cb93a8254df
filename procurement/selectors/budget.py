"""Reads of budgets and the P&L: every figure is summed by PostgreSQL, a constant number of queries."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.apps import apps
from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from pmo.lib.listing import narrowed_to
from procurement.models import (
    COMMITTED_STATUSES,
    BudgetLine,
    CostCategory,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise, WithAnnotations

    from projects.models import Project

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))
MONEY = DecimalField(max_digits=16, decimal_places=2)
# Approved changes the customer pays for: change_request_approve (registers) adds their price to the
# contract value, so the revenue is the contract value; this sum says how much of it came from changes.
REVENUE_CHANGE_STATUSES = ("approved", "implemented")


def _money(expression) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=MONEY)


class BudgetLineFigures(TypedDict):
    """What budget_line_figures annotates on each line."""

    committed: Decimal
    received_not_invoiced: Decimal
    actual: Decimal
    spent: Decimal
    available: Decimal
    forecast_variance: Decimal


class RecomputedTotals(TypedDict):
    """What budget_line_totals_recomputed annotates on each line."""

    recomputed_committed: Decimal
    recomputed_received_not_invoiced: Decimal
    recomputed_invoiced: Decimal


class ProjectMoney(TypedDict):
    """What project_money_annotate annotates on each project."""

    money_budget: Decimal
    money_forecast: Decimal
    money_committed: Decimal
    money_received_not_invoiced: Decimal
    money_actual: Decimal
    money_change_revenue: Decimal
    money_spent: Decimal
    money_revenue: Decimal
    money_available: Decimal
    money_margin: Decimal


def budget_line_figures(
    queryset: QuerySet[BudgetLine] | None = None,
) -> "QuerySet[WithAnnotations[BudgetLine, BudgetLineFigures]]":
    """Budget lines with committed, received-not-invoiced, actual and available amounts.

    committed = approved orders not yet received (nor invoiced); received-not-invoiced = receipts
    at the order price not yet invoiced; actual = invoiced amounts. Each cent is in one column only.
    Read from the line's running totals (procurement.services.totals), not summed over its order lines.
    """
    queryset = BudgetLine.objects.all() if queryset is None else queryset
    return queryset.annotate(
        committed=F("committed_amount"),
        received_not_invoiced=F("received_not_invoiced_amount"),
        actual=F("invoiced_amount"),
    ).annotate(
        spent=_money(F("committed") + F("received_not_invoiced") + F("actual")),
        available=_money(F("budget") - F("committed") - F("received_not_invoiced") - F("actual")),
        forecast_variance=_money(F("budget") - F("forecast")),
    )


LIVE = ~Q(order__status=PurchaseOrderStatus.CANCELLED)
# What each running total sums over a budget line's order lines (the one definition of
# procurement.selectors.budget: committed = open amount of approved, sent and partly received orders).
TOTALS = {
    "committed_amount": ("open_amount", Q(order__status__in=COMMITTED_STATUSES)),
    "received_not_invoiced_amount": ("uninvoiced_amount", LIVE),
    "invoiced_amount": ("invoiced_amount", LIVE),
}


def budget_line_sums(outer: str = "pk") -> dict[str, Coalesce]:
    """{column: the sum of its order lines} for the budget line OuterRef(outer), one subquery each."""
    sums = {}
    for column, (source, condition) in TOTALS.items():
        lines = PurchaseOrderLine.objects.filter(condition, budget_line=OuterRef(outer)).order_by()
        total = lines.values("budget_line").annotate(total=Sum(source)).values("total")
        sums[column] = Coalesce(Subquery(total, output_field=MONEY), ZERO)
    return sums


def purchase_order_amount_sum(outer: str = "pk") -> Coalesce:
    """The amount excl. VAT of the order OuterRef(outer), summed over its lines."""
    total = (
        PurchaseOrderLine.objects.filter(order=OuterRef(outer))
        .order_by()
        .values("order")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=MONEY), ZERO)


def budget_lines_drifted() -> QuerySet[BudgetLine]:
    """Budget lines whose running totals differ from their order lines' sums (none, if the services
    kept them)."""
    recomputed = budget_line_totals_recomputed()
    return recomputed.exclude(
        committed_amount=F("recomputed_committed"),
        received_not_invoiced_amount=F("recomputed_received_not_invoiced"),
        invoiced_amount=F("recomputed_invoiced"),
    )


def purchase_orders_drifted() -> QuerySet[PurchaseOrder]:
    """Orders whose stored amount differs from the sum of their lines."""
    return PurchaseOrder.objects.annotate(recomputed_amount=purchase_order_amount_sum()).exclude(
        amount_excl_vat=F("recomputed_amount")
    )


def budget_line_totals_recomputed(
    queryset: QuerySet[BudgetLine] | None = None,
) -> "QuerySet[WithAnnotations[BudgetLine, RecomputedTotals]]":
    """Budget lines with their running totals summed again from scratch over their order lines (the
    reference the stored columns must equal: budget_totals_check, the tests)."""
    queryset = BudgetLine.objects.all() if queryset is None else queryset
    sums = budget_line_sums()
    return queryset.annotate(
        recomputed_committed=sums["committed_amount"],
        recomputed_received_not_invoiced=sums["received_not_invoiced_amount"],
        recomputed_invoiced=sums["invoiced_amount"],
    )


def budget_lines_for_projects(*, project_ids) -> "QuerySet[WithAnnotations[BudgetLine, BudgetLineFigures]]":
    """The budget lines of these projects with their figures and category, in category order."""
    return (
        budget_line_figures(BudgetLine.objects.filter(project__in=project_ids))
        .select_related("category")
        .order_by("project_id", "category__position", "pk")
    )


# Committed + received-not-invoiced + actual of a budget line, in one subquery (cheap to sort on).
SPENT = _money(F("committed_amount") + F("received_not_invoiced_amount") + F("invoiced_amount"))


def _budget_sum(column):
    total = (
        BudgetLine.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum(column))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=MONEY), ZERO)


def _change_revenue():
    try:
        change_request = apps.get_model("projects", "ChangeRequest")
    except LookupError:
        return ZERO
    total = (
        change_request.objects.filter(
            project=OuterRef("pk"), status__in=REVENUE_CHANGE_STATUSES, is_billable=True
        )
        .order_by()
        .values("project")
        .annotate(total=Sum("price_impact"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=MONEY), ZERO)


def project_money_annotate(
    queryset: "QuerySet[Project]",
) -> "QuerySet[WithAnnotations[Project, ProjectMoney]]":
    """Projects with their money figures (one subquery per figure, so one query for any number of rows)."""
    return queryset.annotate(
        money_budget=_budget_sum("budget"),
        money_forecast=_budget_sum("forecast"),
        money_committed=_budget_sum("committed_amount"),
        money_received_not_invoiced=_budget_sum("received_not_invoiced_amount"),
        money_actual=_budget_sum("invoiced_amount"),
        money_change_revenue=_change_revenue(),
        money_spent=_budget_sum(SPENT),
    ).annotate(
        money_revenue=_money(F("contract_value")),
        # Built on the single "spent" subquery so that sorting by them stays cheap at scale.
        money_available=_money(F("money_budget") - F("money_spent")),
        money_margin=_money(F("contract_value") - F("money_forecast")),
    )


@dataclass(frozen=True)
class ExternalFigure:
    """Money another system knows about a project, placed on one of its cost categories.

    Committed and actual count on top of our own orders and invoices; a source must leave out what is
    already one of our orders (`left_out` says how many, so the page can say it was counted once).
    """

    category_code: str
    source: "str | StrPromise"  # shown in the P&L: where the figure comes from
    committed: Decimal = Decimal("0.00")
    actual: Decimal = Decimal("0.00")
    records: int = 0
    left_out: int = 0
    category_name: str = ""  # filled in by project_pnl


# Apps that hold figures from other systems register a source here (procurement imports none of them).
# A source is called as source(project=...) and returns a list of ExternalFigure, in a constant number
# of queries.
PNL_SOURCES: list[Callable] = []


def pnl_source_register(source: Callable) -> None:
    if source not in PNL_SOURCES:
        PNL_SOURCES.append(source)


@dataclass(frozen=True)
class ProjectPnl:
    project: "WithAnnotations[Project, ProjectMoney]"
    lines: "list[WithAnnotations[BudgetLine, BudgetLineFigures]]"
    external: list[ExternalFigure] = field(default_factory=list)

    @property
    def margin_percent(self) -> Decimal | None:
        revenue = self.project.money_revenue
        if not revenue:
            return None
        return (self.project.money_margin * 100 / revenue).quantize(Decimal("0.1"))

    @property
    def external_spent(self) -> Decimal:
        return sum((figure.committed + figure.actual for figure in self.external), Decimal("0.00"))

    @property
    def available_with_external(self) -> Decimal:
        return self.project.money_available - self.external_spent

    @property
    def unplaced(self) -> list[ExternalFigure]:
        """Figures whose category has no budget line on this project (still counted in the totals)."""
        placed = {line.category.code for line in self.lines}
        return [figure for figure in self.external if figure.category_code not in placed]


def project_pnl(*, project) -> ProjectPnl:
    """The P&L of a project: its budget lines with figures, the project totals and other systems' figures."""
    from projects.models import Project

    totals = project_money_annotate(Project.objects.filter(pk=project.pk)).select_related("customer").get()
    lines = list(budget_line_figures(BudgetLine.objects.filter(project=project)).select_related("category"))
    external = [figure for source in PNL_SOURCES for figure in source(project=project)]
    if external:
        wanted = {figure.category_code for figure in external}
        names = {category.code: str(category) for category in CostCategory.objects.filter(code__in=wanted)}
        external = [replace(f, category_name=str(names.get(f.category_code, ""))) for f in external]
    for line in lines:
        mine = [figure for figure in external if figure.category_code == line.category.code]
        line.external = mine
        line.external_spent = sum((f.committed + f.actual for f in mine), Decimal("0.00"))
        line.available_with_external = line.available - line.external_spent
    return ProjectPnl(project=totals, lines=lines, external=external)


def project_order_numbers(*, project) -> set[str]:
    """Our order numbers of a project (for other systems' figures not to count an order twice)."""
    from procurement.models import PurchaseOrder

    return set(PurchaseOrder.objects.filter(project=project).values_list("number", flat=True))


def project_spend(*, project) -> Decimal:
    """What a project has committed, received and been invoiced, in one query."""
    from projects.models import Project

    return (
        project_money_annotate(Project.objects.filter(pk=project.pk))
        .values_list("money_spent", flat=True)
        .get()
    )


def portfolio_money_for_user(*, user) -> QuerySet:
    """The money view of the projects a user may read, one row per project, in one query."""
    from projects.selectors import project_list_for_user

    return project_money_annotate(project_list_for_user(user=user))


def money_totals_for_projects(*, projects: QuerySet) -> dict:
    """Contract value, budget, committed, actual, forecast and margin summed over these projects.

    Three queries over the base tables: summing project_money_annotate's per-project subqueries
    instead costs a subquery per project (0.3 to 0.8 s for a portfolio of 2,000).
    """
    every_project = apps.get_model("projects", "Project").objects.all()
    contract = narrowed_to(every_project, projects, "pk").aggregate(
        total=Coalesce(Sum("contract_value"), ZERO)
    )["total"]
    budget = narrowed_to(BudgetLine.objects.all(), projects).aggregate(
        budget=Coalesce(Sum("budget"), ZERO), forecast=Coalesce(Sum("forecast"), ZERO)
    )
    orders = order_line_totals(projects=projects)
    return {
        "contract_value": contract,
        "budget": budget["budget"],
        "committed": orders["committed"],
        "actual": orders["received_not_invoiced"] + orders["invoiced"],
        "forecast": budget["forecast"],
        "margin": contract - budget["forecast"],
    }


def order_actuals_by_project(*, project_ids: list[int]) -> dict[int, Decimal]:
    """Received (not yet invoiced) plus invoiced on each project's order lines, cancelled orders left out."""
    rows = (
        BudgetLine.objects.filter(project_id__in=project_ids)
        .order_by()
        .values("project_id")
        .annotate(total=Sum(F("invoiced_amount") + F("received_not_invoiced_amount"), output_field=MONEY))
    )
    return {row["project_id"]: row["total"] for row in rows}


def order_line_totals(*, projects: QuerySet) -> dict:
    """Committed, received-not-invoiced and invoiced over these projects' order lines (one query).

    The one definition of "committed" that every page shows (the finance dashboard, the finance home,
    the P&L through budget_line_figures): the open amount of approved, sent and partly received orders.
    Received-not-invoiced and invoiced leave cancelled orders out; each cent is in one figure only.
    Summed over the budget lines' running totals (one row per line, not per order line).
    """
    return narrowed_to(BudgetLine.objects.all(), projects).aggregate(
        committed=Coalesce(Sum("committed_amount"), ZERO),
        received_not_invoiced=Coalesce(Sum("received_not_invoiced_amount"), ZERO),
        invoiced=Coalesce(Sum("invoiced_amount"), ZERO),
    )


def order_commitment_totals(*, projects: QuerySet) -> dict:
    """order_line_totals with what is still to invoice (committed or received) and the invoiced share."""
    totals = order_line_totals(projects=projects)
    totals["to_invoice"] = totals["committed"] + totals["received_not_invoiced"]
    ordered = totals["to_invoice"] + totals["invoiced"]
    totals["invoiced_percent"] = int(totals["invoiced"] * 100 / ordered) if ordered else 0
    return totals
