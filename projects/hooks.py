"""What `projects` needs from the apps built on it, without importing them (no projects → procurement
import: procurement depends on projects, ARCHITECTURE.md).

A port is a set of functions the owning app registers at start-up, in its `AppConfig.ready`. The budget
port is registered by procurement (`procurement.ports`), which owns budget lines and their locks.
"""

from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import ImproperlyConfigured


def _missing(*args: Any, **kwargs: Any) -> Any:
    raise ImproperlyConfigured("No app registered the budget port (procurement.ports.register).")


@dataclass
class BudgetPort:
    """Budget lines of a project, as a change request, an intake conversion or a register page needs them."""

    # adjust(*, project, category, amount, actor, reason): add (or remove) an amount on one budget line.
    adjust: Callable[..., Any] = _missing
    # lines_from_estimate(*, project, estimate, actor, reason): a new project's budget lines.
    lines_from_estimate: Callable[..., Any] = _missing
    # contingency_budget(*, project) -> Decimal | None: the project's contingency line.
    contingency_budget: Callable[..., Any] = _missing
    # category_name(*, code) -> str: the translated name of a cost category.
    category_name: Callable[..., str] = _missing
    # category_choices() -> [(code, name)]: the active cost categories, in their order.
    category_choices: Callable[[], list[tuple[str, str]]] = _missing
    # budget_by_category(*, project) -> [{category, budget, committed, actual, forecast}] (cockpit chart).
    budget_by_category: Callable[..., list[dict]] = _missing
    # orders_awaiting_approval(*, project, limit) -> [{number, supplier, amount, url}], largest first.
    orders_awaiting_approval: Callable[..., list[dict]] = _missing

    def register(self, **implementations: Callable[..., Any]) -> None:
        known = {field.name for field in fields(self)}
        unknown = set(implementations) - known
        if unknown:
            raise TypeError(f"unknown budget port functions: {sorted(unknown)}")
        for name, implementation in implementations.items():
            setattr(self, name, implementation)


budget = BudgetPort()
