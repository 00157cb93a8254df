"""Changes to budget lines: one transaction each, locked, recorded in history."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save
from pmo.lib.money import money_format
from pmo.models import User
from procurement.models import BudgetLine, CostCategory


def _category(category: CostCategory | str) -> CostCategory:
    if isinstance(category, CostCategory):
        return category
    found = CostCategory.objects.filter(code=category or "contingency").first()
    if found is None:
        raise ValidationError(_("“%(code)s” is not a cost category.") % {"code": category})
    return found


@transaction.atomic
def budget_line_adjust(
    *, project, category: CostCategory | str, amount: Decimal, actor: User | None, reason: str
) -> BudgetLine:
    """Add `amount` (negative to lower) to a project's budget and forecast in a category.

    Creates the line when the project has none in that category. Called when a change request
    is approved; the line is locked so that a concurrent approval of an order sees the new budget.
    """
    category = _category(category)
    BudgetLine.objects.get_or_create(project=project, category=category)
    line = BudgetLine.objects.select_for_update().get(project=project, category=category)
    new_budget = line.budget + amount
    if new_budget < 0:
        raise ValidationError(
            _("The budget of %(category)s cannot go below zero (it is %(budget)s).")
            % {"category": category, "budget": money_format(line.budget)}
        )
    line.budget = new_budget
    line.forecast = max(line.forecast + amount, Decimal("0.00"))
    audited_save(line, actor=actor, reason=reason, update_fields=["budget", "forecast", "updated_at"])
    return line


@transaction.atomic
def budget_line_set(
    *,
    project,
    category: CostCategory | str,
    budget: Decimal,
    forecast: Decimal,
    actor: User,
    reason: str = "",
) -> BudgetLine:
    """Set a line's budget and forecast at completion (created when missing)."""
    category = _category(category)
    BudgetLine.objects.get_or_create(project=project, category=category)
    line = BudgetLine.objects.select_for_update().get(project=project, category=category)
    line.budget, line.forecast = budget, forecast
    audited_save(line, actor=actor, reason=reason, update_fields=["budget", "forecast", "updated_at"])
    return line


# How a sold project's single cost estimate is spread until its PM refines the lines on the P&L page:
# the company's usual mix for integration projects. Rounding lands on contingency so the lines add up.
ESTIMATE_SPLIT = (
    ("equipment", Decimal("0.55")),
    ("subcontracting", Decimal("0.20")),
    ("internal_labour", Decimal("0.15")),
    ("travel", Decimal("0.02")),
)


@transaction.atomic
def budget_lines_from_estimate(
    *, project, estimate: Decimal, actor: User | None, reason: str
) -> list[BudgetLine]:
    """Create a new project's budget lines from its cost estimate (ESTIMATE_SPLIT, rest to contingency)."""
    amounts = [(code, (estimate * share).quantize(Decimal("0.01"))) for code, share in ESTIMATE_SPLIT]
    amounts.append(("contingency", estimate - sum(amount for _code, amount in amounts)))
    return [
        budget_line_adjust(project=project, category=code, amount=amount, actor=actor, reason=reason)
        for code, amount in amounts
    ]
