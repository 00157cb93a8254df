"""Finance exports of order lines (CSV and XLSX), with the filters of the order list, streamed."""

from django.contrib.auth.decorators import login_required, permission_required
from django.utils import timezone
from django.views.decorators.http import require_GET

from pmo.lib.exports import csv_response, xlsx_response
from pmo.lib.http import AuthenticatedHttpRequest
from procurement.filters import PurchaseOrderFilter
from procurement.models import PurchaseOrder
from procurement.selectors import purchase_order_visibility_q
from procurement.selectors.exports import EXPORT_HEADERS, export_csv_text_available, export_lines


def _filtered_orders(request: AuthenticatedHttpRequest):
    orders = PurchaseOrder.objects.filter(purchase_order_visibility_q(request.user))
    return PurchaseOrderFilter(request.GET, queryset=orders).qs


def _filename() -> str:
    return f"purchase-order-lines-{timezone.localdate():%Y%m%d}"


@login_required
@permission_required("procurement.export_purchaseorder", raise_exception=True)
@require_GET
def purchase_order_export_csv(request: AuthenticatedHttpRequest):
    as_text = export_csv_text_available()
    rows = _rows(_filtered_orders(request), as_csv_text=as_text)
    return csv_response(rows, filename=_filename(), formatted=as_text)


def _rows(orders, *, as_csv_text: bool = False):
    yield EXPORT_HEADERS
    yield from export_lines(orders=orders, as_csv_text=as_csv_text)


@login_required
@permission_required("procurement.export_purchaseorder", raise_exception=True)
@require_GET
def purchase_order_export_xlsx(request: AuthenticatedHttpRequest):
    return xlsx_response(_rows(_filtered_orders(request)), filename=_filename(), title="lines")
