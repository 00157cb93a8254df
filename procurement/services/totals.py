"""Running totals of the order lines, kept on their budget lines and orders (issue 14, scale XL).

The portfolio pages (finance home and dashboard, P&L, portfolio money) read a budget line's committed,
received-not-invoiced and invoiced amounts from its columns instead of summing every order line.
Every service that changes an order's lines or its status calls purchase_order_totals_refresh in its
own transaction. A refresh recomputes the touched budget lines from their order lines (a handful of
rows through the (budget_line, order) index) rather than adding deltas: after the row locks are taken,
a new statement sees every order committed before, so two orders on one budget line cannot lose an
update, and no service has to know how its change moves each figure.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce

from procurement.models import BudgetLine, PurchaseOrder
from procurement.selectors.budget import (
    budget_line_sums,
    budget_lines_drifted,
    purchase_order_amount_sum,
    purchase_orders_drifted,
)

ZERO = Decimal("0.00")


def budget_line_totals_refresh(*, budget_line_ids: Iterable[int | None]) -> None:
    """Recompute these budget lines' running totals from their order lines, under their row locks."""
    ids = sorted({pk for pk in budget_line_ids if pk is not None})
    if not ids:
        return
    # Locked in pk order (as purchase_order_approve does) and only then summed, in a later statement:
    # under READ COMMITTED that statement sees whatever another order committed while we waited.
    list(BudgetLine.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    BudgetLine.objects.filter(pk__in=ids).update(**budget_line_sums())


@transaction.atomic
def purchase_order_totals_refresh(
    *, order: PurchaseOrder, budget_line_ids: Iterable[int | None] = ()
) -> None:
    """Refresh the order's total and the running totals of its budget lines (and of `budget_line_ids`,
    the lines it left), after a change to its lines or its status; the caller holds the order's lock."""
    touched = set(order.lines.values_list("budget_line_id", flat=True)) | set(budget_line_ids)
    budget_line_totals_refresh(budget_line_ids=touched)
    # The order's lines change only under its lock, which the caller holds: summing first is safe.
    order.amount_excl_vat = order.lines.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
    PurchaseOrder.objects.filter(pk=order.pk).update(amount_excl_vat=order.amount_excl_vat)


def budget_totals_drift() -> dict[str, int]:
    """How many budget lines and orders hold running totals that differ from their lines' sums."""
    return {
        "budget_lines": budget_lines_drifted().count(),
        "orders": purchase_orders_drifted().count(),
    }


@transaction.atomic
def budget_totals_repair() -> dict[str, int]:
    """Recompute the running totals that differ from their lines' sums; say how many rows were wrong.

    Takes the services' locks in their order (orders, then budget lines, each in pk order) so that an
    order changed meanwhile waits for the repair, or the repair for it."""
    list(PurchaseOrder.objects.select_for_update().order_by("pk").values_list("pk"))
    list(BudgetLine.objects.select_for_update().order_by("pk").values_list("pk"))
    lines = list(budget_lines_drifted().values_list("pk", flat=True))
    orders = list(purchase_orders_drifted().values_list("pk", flat=True))
    BudgetLine.objects.filter(pk__in=lines).update(**budget_line_sums())
    PurchaseOrder.objects.filter(pk__in=orders).update(amount_excl_vat=purchase_order_amount_sum())
    return {"budget_lines": len(lines), "orders": len(orders)}


def budget_totals_fill() -> None:
    """Compute every budget line's and order's running totals (after a bulk load: the seed)."""
    BudgetLine.objects.update(**budget_line_sums())
    PurchaseOrder.objects.update(amount_excl_vat=purchase_order_amount_sum())
