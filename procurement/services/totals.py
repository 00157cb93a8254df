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
from typing import Any

from django.db import connection, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce

from procurement.models import COMMITTED_STATUSES, BudgetLine, PurchaseOrder, PurchaseOrderStatus
from procurement.selectors.budget import (
    budget_line_sums,
    budget_lines_drifted,
    purchase_order_amount_sum,
    purchase_orders_drifted,
)

ZERO = Decimal("0.00")
S = PurchaseOrderStatus


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


# The same sums over whole tables (the seed, the check, --repair) as one GROUP BY each on PostgreSQL: the
# selectors' correlated subqueries, one per row, took 4 s for L's 10,000 budget lines and orders.
_LINE_SUMS = """
    SELECT l.budget_line_id AS id,
           sum(l.open_amount) FILTER (WHERE o.status = ANY(%(committed)s)) AS committed,
           sum(l.uninvoiced_amount) FILTER (WHERE o.status <> %(cancelled)s) AS received,
           sum(l.invoiced_amount) FILTER (WHERE o.status <> %(cancelled)s) AS invoiced
    FROM procurement_purchaseorderline l JOIN procurement_purchaseorder o ON o.id = l.order_id
    WHERE l.budget_line_id IS NOT NULL
    GROUP BY l.budget_line_id"""
_LINES_DIFFER = """(b.committed_amount, b.received_not_invoiced_amount, b.invoiced_amount) IS DISTINCT FROM
    (coalesce(s.committed, 0), coalesce(s.received, 0), coalesce(s.invoiced, 0))"""
_LINES_COUNT = f"""SELECT count(*) FROM procurement_budgetline b LEFT JOIN ({_LINE_SUMS}) s ON s.id = b.id
    WHERE {_LINES_DIFFER}"""
_LINES_UPDATE = f"""UPDATE procurement_budgetline b
    SET committed_amount = coalesce(s.committed, 0), received_not_invoiced_amount = coalesce(s.received, 0),
        invoiced_amount = coalesce(s.invoiced, 0)
    FROM procurement_budgetline kept LEFT JOIN ({_LINE_SUMS}) s ON s.id = kept.id
    WHERE b.id = kept.id AND {_LINES_DIFFER}"""
_ORDER_SUMS = """SELECT order_id AS id, sum(amount) AS amount FROM procurement_purchaseorderline
    GROUP BY order_id"""
_ORDERS_DIFFER = "o.amount_excl_vat <> coalesce(s.amount, 0)"
_ORDERS_COUNT = f"""SELECT count(*) FROM procurement_purchaseorder o
    LEFT JOIN ({_ORDER_SUMS}) s ON s.id = o.id WHERE {_ORDERS_DIFFER}"""
_ORDERS_UPDATE = f"""UPDATE procurement_purchaseorder o SET amount_excl_vat = coalesce(s.amount, 0)
    FROM procurement_purchaseorder kept LEFT JOIN ({_ORDER_SUMS}) s ON s.id = kept.id
    WHERE o.id = kept.id AND {_ORDERS_DIFFER}"""


def _execute(statement: str) -> int:
    """Run one of the statements above: the rows it counts, or the rows it changed."""
    params: dict[str, Any] = {
        "committed": [str(status) for status in COMMITTED_STATUSES],
        "cancelled": str(S.CANCELLED),
    }
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()[0] if statement.startswith("SELECT") else cursor.rowcount


def budget_totals_drift() -> dict[str, int]:
    """How many budget lines and orders hold running totals that differ from their lines' sums."""
    if connection.vendor == "postgresql":
        return {"budget_lines": _execute(_LINES_COUNT), "orders": _execute(_ORDERS_COUNT)}
    return {"budget_lines": budget_lines_drifted().count(), "orders": purchase_orders_drifted().count()}


def budget_totals_fill() -> dict[str, int]:
    """Recompute the running totals that differ from their lines' sums (after a bulk load: the seed);
    say how many rows changed."""
    if connection.vendor == "postgresql":
        return {"budget_lines": _execute(_LINES_UPDATE), "orders": _execute(_ORDERS_UPDATE)}
    lines = list(budget_lines_drifted().values_list("pk", flat=True))
    orders = list(purchase_orders_drifted().values_list("pk", flat=True))
    BudgetLine.objects.filter(pk__in=lines).update(**budget_line_sums())
    PurchaseOrder.objects.filter(pk__in=orders).update(amount_excl_vat=purchase_order_amount_sum())
    return {"budget_lines": len(lines), "orders": len(orders)}


@transaction.atomic
def budget_totals_repair() -> dict[str, int]:
    """Recompute the running totals that differ from their lines' sums; say how many rows were wrong.

    Takes the services' locks in their order (orders, then budget lines, each in pk order) so that an
    order changed meanwhile waits for the repair, or the repair for it."""
    list(PurchaseOrder.objects.select_for_update().order_by("pk").values_list("pk"))
    list(BudgetLine.objects.select_for_update().order_by("pk").values_list("pk"))
    return budget_totals_fill()
