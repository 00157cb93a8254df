"""Finance exports of order lines (CSV and XLSX), with the filters of the order list, streamed."""

import csv
import tempfile
from collections.abc import Iterator
from datetime import date, datetime

from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from procurement.filters import PurchaseOrderFilter
from procurement.models import PurchaseOrder
from procurement.selectors import purchase_order_visibility_q
from procurement.selectors.exports import EXPORT_HEADERS, export_lines


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _filtered_orders(request):
    orders = PurchaseOrder.objects.filter(purchase_order_visibility_q(request.user))
    return PurchaseOrderFilter(request.GET, queryset=orders).qs


def _filename(extension: str) -> str:
    return f"purchase-order-lines-{timezone.localdate():%Y%m%d}.{extension}"


def csv_rows(orders) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(EXPORT_HEADERS)  # BOM: Excel opens UTF-8 correctly
    batch = []
    for row in export_lines(orders=orders):
        batch.append(writer.writerow([_iso(value) for value in row]))
        if len(batch) == 500:
            yield "".join(batch)
            batch = []
    yield "".join(batch)


def _iso(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


@login_required
@permission_required("procurement.export_purchaseorder", raise_exception=True)
@require_GET
def purchase_order_export_csv(request):
    response = StreamingHttpResponse(
        csv_rows(_filtered_orders(request)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def xlsx_file(orders):
    """Write the rows with openpyxl in write-only mode (flat memory) to a temporary file, rewound."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("lines")
    sheet.append(EXPORT_HEADERS)
    for row in export_lines(orders=orders):
        sheet.append([_cell(value) for value in row])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed by FileResponse)
    workbook.save(handle)
    handle.seek(0)
    return handle


@login_required
@permission_required("procurement.export_purchaseorder", raise_exception=True)
@require_GET
def purchase_order_export_xlsx(request):
    return FileResponse(
        xlsx_file(_filtered_orders(request)),
        as_attachment=True,
        filename=_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
