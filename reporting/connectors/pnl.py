"""Dynamics 365 figures in the project P&L: pulled actuals and purchase orders on the project's budget lines.

Procurement owns the P&L and imports nothing from reporting: this module registers itself as a P&L source
(reporting.apps). Cost categories come from settings.DYNAMICS365["COST_CATEGORIES"]
("actual:<msdyn_transactionclassification value>" and "purchase_order" → our cost category code).
A pulled order that is also one of our own orders (its name carries our order number) is left out: our
order already counts, with its receipts and invoices. When the pull imports approved time entries
(settings.DYNAMICS365["TIME_ENTRIES"]), the Time actuals (msdyn_transactionclassification 192350000) are
left out too: they are the cost of those same hours, which count as our approved hours at our cost rates.
"""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from procurement.selectors import ExternalFigure, project_order_numbers
from reporting.models import D365Actual, D365PurchaseOrder

DEFAULT_COST_CATEGORIES = {
    "actual:192350000": "internal_labour",
    "actual:192350001": "travel",
    "actual:192350002": "equipment",
    "purchase_order": "equipment",
}
TIME_CLASSIFICATION = "192350000"
DEFAULT_IGNORED_STATUSES = ("690970000", "690970002")  # Field Service: Draft, Canceled
ZERO = Decimal("0.00")


def _config() -> tuple[dict[str, str], set[str]]:
    config = settings.DYNAMICS365
    categories = config.get("COST_CATEGORIES") or DEFAULT_COST_CATEGORIES
    ignored = set(config.get("PO_IGNORED_STATUSES", DEFAULT_IGNORED_STATUSES))
    return categories, ignored


def d365_pnl_figures(*, project) -> list[ExternalFigure]:
    """The project's Dynamics 365 actuals and purchase orders per cost category (three queries)."""
    categories, ignored = _config()
    return [*_actual_figures(project, categories), *_order_figures(project, categories, ignored)]


def _actual_figures(project, categories: dict[str, str]) -> list[ExternalFigure]:
    totals: dict[str, list] = defaultdict(lambda: [ZERO, 0, 0])
    rows = (
        D365Actual.objects.filter(project=project)
        .order_by()
        .values("classification_code")
        .annotate(total=Sum("amount"), count=Count("pk"))
    )
    hours_imported = bool(settings.DYNAMICS365.get("TIME_ENTRIES"))
    for row in rows:
        category = categories.get(f"actual:{row['classification_code']}", "")
        if hours_imported and row["classification_code"] == TIME_CLASSIFICATION:
            totals[category][2] += row["count"]
            continue
        totals[category][0] += row["total"] or ZERO
        totals[category][1] += row["count"]
    return [
        ExternalFigure(
            category_code=code,
            source=_("Dynamics 365 actuals"),
            actual=total,
            records=count,
            left_out=left_out,
        )
        for code, (total, count, left_out) in sorted(totals.items())
    ]


def _order_figures(project, categories: dict[str, str], ignored: set[str]) -> list[ExternalFigure]:
    orders = list(
        D365PurchaseOrder.objects.filter(project=project, amount__isnull=False)
        .exclude(status_code__in=ignored)
        .values_list("number", "amount")
    )
    if not orders:
        return []
    ours = project_order_numbers(project=project)
    counted = [
        amount for number, amount in orders if amount is not None and not ours.intersection(number.split())
    ]
    return [
        ExternalFigure(
            category_code=categories.get("purchase_order", ""),
            source=_("Dynamics 365 purchase orders"),
            committed=sum(counted, ZERO),
            records=len(counted),
            left_out=len(orders) - len(counted),
        )
    ]
