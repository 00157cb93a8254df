"""Reads of budgets and the P&L: every figure is summed by PostgreSQL, a constant number of queries."""

from dataclasses import dataclass
from decimal import Decimal

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

from procurement.models import COMMITTED_STATUSES, BudgetLine, PurchaseOrderLine, PurchaseOrderStatus

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))
MONEY = DecimalField(max_digits=16, decimal_places=2)
# Approved changes that the customer pays for raise the revenue (when the registers are installed).
REVENUE_CHANGE_STATUSES = ("approved", "implemented")


def _money(expression) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=MONEY)


def budget_line_figures(queryset: QuerySet[BudgetLine] | None = None) -> QuerySet[BudgetLine]:
    """Budget lines with committed, received-not-invoiced, actual and available amounts.

    committed = approved orders not yet received (nor invoiced); received-not-invoiced = receipts
    at the order price not yet invoiced; actual = invoiced amounts. Each cent is in one column only.
    """
    queryset = BudgetLine.objects.all() if queryset is None else queryset
    live = ~Q(order_lines__order__status=PurchaseOrderStatus.CANCELLED)
    return queryset.annotate(
        committed=Coalesce(
            Sum("order_lines__open_amount", filter=Q(order_lines__order__status__in=COMMITTED_STATUSES)), ZERO
        ),
        received_not_invoiced=Coalesce(Sum("order_lines__uninvoiced_amount", filter=live), ZERO),
        actual=Coalesce(Sum("order_lines__invoiced_amount", filter=live), ZERO),
    ).annotate(
        spent=_money(F("committed") + F("received_not_invoiced") + F("actual")),
        available=_money(F("budget") - F("committed") - F("received_not_invoiced") - F("actual")),
        forecast_variance=_money(F("budget") - F("forecast")),
    )


def _line_sum(column: str, statuses=None):
    lines = PurchaseOrderLine.objects.filter(budget_line__project=OuterRef("pk"))
    if statuses is None:
        lines = lines.exclude(order__status=PurchaseOrderStatus.CANCELLED)
    else:
        lines = lines.filter(order__status__in=statuses)
    total = lines.order_by().values("budget_line__project").annotate(total=Sum(column)).values("total")
    return Coalesce(Subquery(total, output_field=MONEY), ZERO)


def _budget_sum(column: str):
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


def project_money_annotate(queryset: QuerySet) -> QuerySet:
    """Projects with their money figures (one subquery per figure, so one query for any number of rows)."""
    return queryset.annotate(
        money_budget=_budget_sum("budget"),
        money_forecast=_budget_sum("forecast"),
        money_committed=_line_sum("open_amount", COMMITTED_STATUSES),
        money_received_not_invoiced=_line_sum("uninvoiced_amount"),
        money_actual=_line_sum("invoiced_amount"),
        money_change_revenue=_change_revenue(),
    ).annotate(
        money_revenue=_money(F("contract_value") + F("money_change_revenue")),
        money_spent=_money(F("money_committed") + F("money_received_not_invoiced") + F("money_actual")),
        money_available=_money(
            F("money_budget") - F("money_committed") - F("money_received_not_invoiced") - F("money_actual")
        ),
        money_margin=_money(F("contract_value") + F("money_change_revenue") - F("money_forecast")),
    )


@dataclass(frozen=True)
class ProjectPnl:
    project: object
    lines: list[BudgetLine]

    @property
    def margin_percent(self) -> Decimal | None:
        revenue = self.project.money_revenue
        if not revenue:
            return None
        return (self.project.money_margin * 100 / revenue).quantize(Decimal("0.1"))


def project_pnl(*, project) -> ProjectPnl:
    """The P&L of a project: its budget lines with figures and the project totals (two queries)."""
    from projects.models import Project

    totals = project_money_annotate(Project.objects.filter(pk=project.pk)).select_related("customer").get()
    lines = list(budget_line_figures(BudgetLine.objects.filter(project=project)).select_related("category"))
    return ProjectPnl(project=totals, lines=lines)


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
