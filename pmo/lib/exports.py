"""One way to export rows as CSV or XLSX, whatever the page.

CSV is what Excel opens correctly in Belgium: UTF-8 with a BOM, `;` between fields, a decimal comma,
ISO dates; it is streamed, so memory stays flat for any number of rows. XLSX is written by openpyxl in
write-only mode to a temporary file and streamed from there. In both, a text that a spreadsheet would run
as a formula (it starts with = + - @ or a tab/carriage return) is prefixed with an apostrophe.
"""

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BATCH = 500  # rows joined per chunk of the streamed CSV


def formula_safe(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_cell(value: Any) -> str:
    """The text of one CSV cell: the same formatting in every export."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).isoformat(timespec="seconds")
            if timezone.is_aware(value)
            else (value.isoformat(timespec="seconds"))
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | float | int):
        return str(value).replace(".", ",")
    return formula_safe(str(value))


def xlsx_cell(value: Any) -> Any:
    """The value of one XLSX cell: numbers and dates stay typed, texts are made formula-safe."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str | Promise):
        return formula_safe(str(value))
    return value


def _cell_formats() -> dict[type, Callable[[Any], str]]:
    """csv_cell by the exact type of a value, with the time zone looked up once per export, not per cell."""
    zone = timezone.get_current_timezone()

    def local_datetime(value: datetime) -> str:
        if value.tzinfo is not None:
            value = value.astimezone(zone)
        return value.isoformat(timespec="seconds")

    def number(value: Any) -> str:
        return str(value).replace(".", ",")

    def text(value: str) -> str:
        return f"'{value}" if value.startswith(FORMULA_STARTS) else value

    return {
        type(None): lambda value: "",
        str: text,
        bool: lambda value: "1" if value else "0",
        int: number,
        Decimal: number,
        float: number,
        datetime: local_datetime,
        date: date.isoformat,
    }


def csv_lines(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The CSV text, BOM first, in chunks of BATCH rows (the same cells as csv_cell, in a tight loop)."""
    formats = _cell_formats()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    yield "\ufeff"
    batch: list[list[str]] = []
    for row in rows:
        batch.append([formats.get(type(value), csv_cell)(value) for value in row])
        if len(batch) == BATCH:
            writer.writerows(batch)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            batch = []
    writer.writerows(batch)
    yield buffer.getvalue()


def csv_response(rows: Iterable[Iterable[Any]], *, filename: str) -> StreamingHttpResponse:
    """Stream `rows` (the header first) as `filename`.csv."""
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(rows: Iterable[Iterable[Any]], *, filename: str, title: str) -> FileResponse:
    """Write `rows` (the header first) to one sheet and stream the workbook as `filename`.xlsx."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    for row in rows:
        sheet.append([xlsx_cell(value) for value in row])
    handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed by FileResponse)
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE
    )
