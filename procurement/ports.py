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


def register() -> None:
    from procurement.services.budget import budget_line_adjust, budget_lines_from_estimate
    from projects import hooks

    hooks.budget.register(
        adjust=budget_line_adjust,
        lines_from_estimate=budget_lines_from_estimate,
        contingency_budget=_contingency_budget,
        category_name=_category_name,
        category_choices=_category_choices,
    )
