"""Finance exports of order lines (CSV and XLSX), with the filters of the order list, streamed."""

from django.contrib.auth.decorators import login_required, permission_required
from django.utils import timezone
from django.views.decorators.http import require_GET

from pmo.lib.exports import csv_query_response, csv_response, xlsx_response
from pmo.lib.http import AuthenticatedHttpRequest
from procurement.filters import PurchaseOrderFilter
from procurement.models import PurchaseOrder
from procurement.selectors import purchase_order_visibility_q
from procurement.selectors.exports import (
    EXPORT_HEADERS,
    export_cells_in_sql,
    export_lines,
    export_lines_query,
    export_temporal_columns,
)


def _filtered_orders(request: AuthenticatedHttpRequest):
    orders = PurchaseOrder.objects.filter(purchase_order_visibility_q(request.user))
    return PurchaseOrderFilter(request.GET, queryset=orders).qs


def _filename() -> str:
    return f"purchase-order-lines-{timezone.localdate():%Y%m%d}"


@login_required
@permission_required("procurement.export_purchaseorder", raise_exception=True)
@require_GET
def purchase_order_export_csv(request: AuthenticatedHttpRequest):
    orders = _filtered_orders(request)
    if not export_cells_in_sql():
        return csv_response(_rows(orders, cells=""), filename=_filename())
    lines, many = export_lines_query(orders=orders)
    return csv_query_response(lines, header=EXPORT_HEADERS, filename=_filename(), server_side=many)


def _rows(orders, *, cells: str):
    yield EXPORT_HEADERS
    yield from export_lines(orders=orders, cells=cells)


@login_required
@permission_required("procurement.export_purchaseorder", raise_exception=True)
@require_GET
def purchase_order_export_xlsx(request: AuthenticatedHttpRequest):
    rows = _rows(_filtered_orders(request), cells="xlsx" if export_cells_in_sql() else "")
    return xlsx_response(
        rows, filename=_filename(), title="lines", temporal_columns=export_temporal_columns()
    )
