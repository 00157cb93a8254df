"""Procurement's side of the ports other apps declare (projects.hooks), registered at start-up."""

from decimal import Decimal


def _contingency_budget(*, project) -> Decimal | None:
    from procurement.models import BudgetLine

    return (
        BudgetLine.objects.filter(project=project, category__code="contingency")
        .values_list("budget", flat=True)
        .first()
    )


def _category_name(*, code: str) -> str:
    from procurement.models import CostCategory

    category = CostCategory.objects.filter(code=code).first()
    return str(category) if category else code


def _category_choices() -> list[tuple[str, str]]:
    from procurement.models import CostCategory

    categories = CostCategory.objects.filter(is_active=True).order_by("position")
    return [(category.code, str(category)) for category in categories]


def _budget_by_category(*, project) -> list[dict]:
    """Budget, committed (not yet invoiced), actual (invoiced) and forecast per budget line, one query."""
    from procurement.models import BudgetLine
    from procurement.selectors.budget import budget_line_figures

    lines = budget_line_figures(BudgetLine.objects.filter(project=project)).select_related("category")
    return [
        {
            "category": str(line.category),
            "budget": line.budget,
            "committed": line.committed + line.received_not_invoiced,
            "actual": line.actual,
            "forecast": line.forecast,
        }
        for line in lines.order_by("category__position", "pk")
    ]


def _orders_awaiting_approval(*, project, limit: int = 5) -> list[dict]:
    """The project's submitted orders, largest first, with their amount excl. VAT, one query."""
    from django.db.models import Sum

    from procurement.models import PurchaseOrder, PurchaseOrderStatus

    orders = (
        PurchaseOrder.objects.filter(project=project, status=PurchaseOrderStatus.SUBMITTED)
        .select_related("supplier")
        .annotate(total=Sum("lines__amount"))
        .order_by("-total", "pk")[:limit]
    )
    return [
        {
            "number": order.number,
            "supplier": str(order.supplier),
            "amount": order.total,
            "url": order.get_absolute_url(),
        }
        for order in orders
    ]


def register() -> None:
    from procurement.services.budget import budget_line_adjust, budget_lines_from_estimate
    from projects import hooks

    hooks.budget.register(
        adjust=budget_line_adjust,
        lines_from_estimate=budget_lines_from_estimate,
        contingency_budget=_contingency_budget,
        category_name=_category_name,
        category_choices=_category_choices,
        budget_by_category=_budget_by_category,
        orders_awaiting_approval=_orders_awaiting_approval,
    )
