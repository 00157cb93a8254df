"""Finance exports of order lines (CSV and XLSX), with the filters of the order list, streamed."""

from django.contrib.auth.decorators import login_required, permission_required
from django.utils import timezone
from django.views.decorators.http import require_GET

from pmo.lib.exports import csv_response, xlsx_response
from pmo.lib.http import AuthenticatedHttpRequest
from procurement.filters import PurchaseOrderFilter
from procurement.models import PurchaseOrder
from procurement.selectors import purchase_order_visibility_q
from procurement.selectors.exports import EXPORT_HEADERS, export_cells_in_sql, export_lines


def _filtered_orders(request: AuthenticatedHttpRequest):
    orders = PurchaseOrder.objects.filter(purchase_order_visibility_q(request.user))
    return PurchaseOrderFilter(request.GET, queryset=orders).qs


def _filename() -> str:
    return f"purchase-order-lines-{timezone.localdate():%Y%m%d}"


@login_required
@permission_required("procurement.export_purchaseorder", raise_exception=True)
@require_GET
def purchase_order_export_csv(request: AuthenticatedHttpRequest):
    in_sql = export_cells_in_sql()
    rows = _rows(_filtered_orders(request), cells="csv" if in_sql else "")
    return csv_response(rows, filename=_filename(), formatted=in_sql)


def _rows(orders, *, cells: str):
    yield EXPORT_HEADERS
    yield from export_lines(orders=orders, cells=cells)


@login_required
@permission_required("procurement.export_purchaseorder", raise_exception=True)
@require_GET
def purchase_order_export_xlsx(request: AuthenticatedHttpRequest):
    rows = _rows(_filtered_orders(request), cells="xlsx" if export_cells_in_sql() else "")
    return xlsx_response(rows, filename=_filename(), title="lines")
