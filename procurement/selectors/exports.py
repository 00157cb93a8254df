"""The finance export of order lines: one row per line; large exports stream from a server-side cursor.

The column layout is documented in procurement/README.md (Dynamics 365 import).
"""

from collections.abc import Iterator
from datetime import date, datetime

from django.db import connection
from django.db.models import DateField, DateTimeField, QuerySet
from django.utils.translation import gettext_lazy as _

from pmo.lib.exports import xlsx_value
from procurement.models import PurchaseOrder, PurchaseOrderLine

# (header, value path) in export order; headers are fixed English keys so imports do not depend on language.
EXPORT_COLUMNS: list[tuple[str, str]] = [
    ("order_number", "order__number"),
    ("order_status", "order__status"),
    ("order_date", "order__created_at"),
    ("approved_at", "order__approved_at"),
    ("project_code", "order__project__code"),
    ("supplier_name", "order__supplier__name"),
    ("supplier_vat", "order__supplier__vat_number"),
    ("supplier_peppol_id", "order__supplier__peppol_id"),
    ("line_number", "position"),
    ("description", "description"),
    ("cost_category", "budget_line__category__code"),
    ("quantity", "quantity"),
    ("unit", "unit"),
    ("unit_price", "unit_price"),
    ("vat_code", "vat_rate"),
    ("amount_excl_vat", "amount"),
    ("vat_amount", "vat_amount"),
    ("received_quantity", "received_quantity"),
    ("invoiced_quantity", "invoiced_quantity"),
    ("invoiced_amount", "invoiced_amount"),
    ("delivery_date", "order__delivery_date"),
    ("requester", "order__requester__email"),
]
EXPORT_HEADERS = [header for header, _path in EXPORT_COLUMNS]
EXPORT_TITLE = _("Purchase order lines")
CHUNK = 2000
# Up to this many orders (~5 lines each) the lines are read in one go by their order ids; beyond, they are
# streamed from a server-side cursor so that memory stays flat for any number of lines.
SMALL_EXPORT_ORDERS = 400


def export_lines_query(*, orders: QuerySet[PurchaseOrder], cells: str = "") -> tuple[QuerySet, bool]:
    """The export rows of the lines of `orders` (filtered and scoped to the user), and whether they are many.

    On PostgreSQL (export_cells_in_sql), cells="xlsx" selects the spreadsheet values (local times,
    floats); otherwise the values are the fields'.
    """
    # Filter first: with the order ids in hand the planner reads only their lines through the order_id
    # index, instead of joining all 50,000 lines before the semi-join that a subquery makes it plan.
    order_ids = list(orders.order_by().values_list("pk", flat=True)[: SMALL_EXPORT_ORDERS + 1])
    small = len(order_ids) <= SMALL_EXPORT_ORDERS
    paths = [path for _header, path in EXPORT_COLUMNS]
    lines = (
        PurchaseOrderLine.objects.filter(
            order__in=order_ids if small else orders.order_by().values_list("pk", flat=True)
        )
        .order_by("order__number", "position", "pk")
        .values_list(*_selected(paths, cells))
    )
    return lines, not small


def export_lines(*, orders: QuerySet[PurchaseOrder], cells: str = "") -> Iterator[tuple]:
    """Yield the export rows of the lines of `orders` (export_lines_query), streamed when they are many."""
    lines, many = export_lines_query(orders=orders, cells=cells)
    if many:
        # The cursor reads every row: cursor_tuple_fraction=1 (settings) keeps PostgreSQL from planning
        # for the first 10 % of them.
        yield from lines.iterator(chunk_size=CHUNK)
    else:
        yield from lines


def export_cells_in_sql() -> bool:
    """Whether the database writes the cells itself (csv_query_lines, xlsx_value): PostgreSQL does."""
    return connection.vendor == "postgresql"


def export_temporal_columns() -> dict[str, type[date]]:
    """The export's columns of dates and of times, by header: their cells keep the right format in XLSX."""
    fields = {header: _field(PurchaseOrderLine, path) for header, path in EXPORT_COLUMNS}
    return {
        header: datetime if isinstance(field, DateTimeField) else date
        for header, field in fields.items()
        if isinstance(field, DateField)  # a DateTimeField is one too
    }


def _selected(paths: list[str], cells: str) -> list:
    if cells == "xlsx":
        return [xlsx_value(path, _field(PurchaseOrderLine, path)) for path in paths]
    return paths


def _field(model, path: str):
    *relations, name = path.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(name)
