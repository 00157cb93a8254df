"""One way to export rows as CSV or XLSX, whatever the page.

CSV is what Excel opens correctly in Belgium: UTF-8 with a BOM, `;` between fields, a decimal comma,
ISO dates; it is streamed, so memory stays flat for any number of rows. On PostgreSQL a large export can
have its lines written by the query (`csv_query_lines`, the same bytes as `csv_lines`), and Python only
joins them. XLSX is written by xlsxwriter in constant-memory mode to a temporary file and streamed from
there. In both, a text that a spreadsheet would run as a formula (it starts with = + - @ or a tab or
carriage return) is prefixed with an apostrophe.
"""

import csv
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any

from django.conf import settings
from django.db.models import DateTimeField, F, Field, FloatField, Func
from django.db.models.functions import Cast
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
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
    remaining = ([formats.get(type(value), csv_cell)(value) for value in row] for row in rows)
    while batch := list(islice(remaining, BATCH)):
        writer.writerows(batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def csv_response(rows: Iterable[Iterable[Any]], *, filename: str) -> StreamingHttpResponse:
    """Stream `rows` (the header first) as `filename`.csv."""
    return _csv_attachment(StreamingHttpResponse(csv_lines(rows), content_type=CSV_CONTENT_TYPE), filename)


def csv_query_response(
    queryset: Any, *, header: list[str], filename: str, server_side: bool
) -> StreamingHttpResponse:
    """Stream the rows of `queryset` (a values_list() of fields) under `header`, written by PostgreSQL.

    The same bytes as csv_response: see csv_query_lines.
    """
    lines = csv_query_lines(queryset, header=header, server_side=server_side)
    return _csv_attachment(StreamingHttpResponse(lines, content_type=CSV_CONTENT_TYPE), filename)


def _csv_attachment(response: StreamingHttpResponse, filename: str) -> StreamingHttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(rows: Iterable[Iterable[Any]], *, filename: str, title: str) -> FileResponse:
    """Write `rows` (the header first) to one sheet and stream the workbook as `filename`.xlsx.

    xlsxwriter in constant_memory mode writes each row to the sheet's XML as it comes (inline strings,
    flat memory); it took a third of openpyxl's write-only time for the 50,000 order lines, which spent it
    building and styling a cell object per value. Texts are never read as formulas or links.
    """
    import xlsxwriter

    handle = tempfile.TemporaryFile()  # noqa: SIM115 (closed by FileResponse)
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    workbook = xlsxwriter.Workbook(handle, options)
    sheet = workbook.add_worksheet(_sheet_title(title))
    writers = _xlsx_writers(workbook, sheet)
    for row_number, row in enumerate(rows):
        for column, value in enumerate(row):
            writer = writers.get(type(value))
            if writer is None:
                value = xlsx_cell(value)
                writer = writers.get(type(value), writers[str])
                value = value if type(value) in writers else str(value)
            writer(row_number, column, value)
    workbook.close()
    handle.seek(0)
    return FileResponse(
        handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE
    )


def _sheet_title(title: Any) -> str:
    """At most 31 characters, without those Excel refuses in a sheet's name."""
    return re.sub(r"[\[\]:*?/\\]", "-", str(title))[:31].strip("'") or "Sheet1"


def _xlsx_writers(workbook, sheet) -> dict[type, Callable[[int, int, Any], Any]]:
    """The sheet's write method by the exact type of a value (aware datetimes go through xlsx_cell first)."""
    date_time = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})

    def write_text(row: int, column: int, value: str) -> None:
        if value:  # an empty text leaves the cell empty, as None does
            sheet.write_string(row, column, formula_safe(value))

    def write_datetime(row: int, column: int, value: datetime) -> None:
        if value.tzinfo is not None:
            value = timezone.localtime(value).replace(tzinfo=None)
        sheet.write_datetime(row, column, value, date_time)

    return {
        type(None): lambda row, column, value: None,
        str: write_text,
        bool: sheet.write_boolean,
        int: sheet.write_number,
        float: sheet.write_number,
        Decimal: sheet.write_number,
        datetime: write_datetime,
        date: lambda row, column, value: sheet.write_datetime(row, column, value, day),
    }


def _sql_text(column: str) -> str:
    starts = ", ".join(f"chr({ord(char)})" for char in FORMULA_STARTS)
    return f"CASE WHEN left({column}, 1) IN ({starts}) THEN chr(39) || {column} ELSE {column} END"


def _sql_local_datetime(column: str, zone: str) -> str:
    """ISO 8601 to the second in `zone` with its UTC offset, as datetime.isoformat(timespec="seconds").

    (Offsets of whole minutes: the local mean times of the 19th century, with seconds, are not written.)
    """
    local = f"({column} AT TIME ZONE {zone})"
    offset = f"({local} - ({column} AT TIME ZONE 'UTC'))"
    return (
        f"to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN {offset} < interval '0'"
        f" THEN '-' || to_char(-{offset}, 'HH24:MI') ELSE '+' || to_char({offset}, 'HH24:MI') END"
    )


def _sql_number(column: str) -> str:
    return f"replace({column}::text, '.', ',')"


_SQL_CELLS: dict[str, Callable[[str], str]] = {
    **dict.fromkeys(("CharField", "TextField", "EmailField", "SlugField", "URLField"), _sql_text),
    **dict.fromkeys(
        (
            "DecimalField",
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveSmallIntegerField",
            "PositiveBigIntegerField",
            "AutoField",
            "BigAutoField",
        ),
        _sql_number,
    ),
    "BooleanField": lambda column: f"CASE WHEN {column} THEN '1' WHEN NOT {column} THEN '0' END",
    "DateField": lambda column: f"to_char({column}, 'YYYY-MM-DD')",
}


_ZONE_NAME = re.compile(r"[A-Za-z0-9_/+-]+")


class LocalDateTime(Func):
    """An aware datetime column as the naive local time of the current time zone, computed by PostgreSQL.

    A spreadsheet cell has no time zone: xlsx_cell converts each value in Python, one call per cell; the
    query does it for all rows at once. PostgreSQL only.
    """

    output_field = DateTimeField()

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context):
        raise NotImplementedError("LocalDateTime is PostgreSQL only: export through xlsx_cell elsewhere")

    def as_postgresql(self, compiler, connection, **extra_context):
        (source,) = self.get_source_expressions()
        column, params = compiler.compile(source)
        return f"({column} AT TIME ZONE {_zone_literal()})", params


def _zone_literal() -> str:
    zone = timezone.get_current_timezone_name()
    if not settings.USE_TZ or not _ZONE_NAME.fullmatch(zone):
        raise ValueError(f"cannot export local times in {zone!r}")
    return f"'{zone}'"


def xlsx_value(path: str, field: Field) -> Any:
    """What a values_list() selects for `path` in an XLSX export on PostgreSQL: local times, floats."""
    if isinstance(field, DateTimeField):
        return LocalDateTime(F(path))
    if field.get_internal_type() == "DecimalField":  # a cell holds a double: Excel reads no Decimal
        return Cast(F(path), FloatField())
    return path


def csv_query_lines(
    queryset: Any, *, header: list[str], server_side: bool, chunk: int = 2000
) -> Iterator[str]:
    """The CSV of `queryset` (a values_list() of fields) under `header`, its lines written by PostgreSQL.

    Each cell is the text csv_cell writes, quoted as csv.writer quotes (a text holding ; " CR or LF), and
    each line ends in CRLF, so that Python only joins the lines: 50,000 lines of 22 cells took ~1 s of
    Python calls, Decimal and datetime objects, then csv.writer. The query runs as written and sorts the
    raw rows; an outer SELECT over it (which keeps its order) formats them: formatting in the query
    itself made the planner, for wider rows to sort, read the lines by index in nested loops (three times
    slower); OFFSET 0 keeps each cell's text computed once. A server-side cursor streams large exports.
    PostgreSQL only.
    """
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    quote = compiler.connection.ops.quote_name
    cells, line = [], []
    for number, (expression, _sql, alias) in enumerate(compiler.select):
        if alias is None:
            raise ValueError("csv_query_lines needs the columns' aliases (a values_list() of fields)")
        column = f'"line".{quote(alias)}'
        kind = expression.output_field.get_internal_type()
        if kind == "DateTimeField":
            cells.append(f"{_sql_local_datetime(column, _zone_literal())} AS c{number}")
        else:
            cells.append(f"{_SQL_CELLS[kind](column)} AS c{number}")
        line.append(
            _sql_quoted(f'"cell".c{number}')
            if _SQL_CELLS.get(kind) is _sql_text
            else f"coalesce(\"cell\".c{number}, '')"
        )
    query = (
        f"SELECT {" || ';' || ".join(line)} || chr(13) || chr(10)"
        f' FROM (SELECT {", ".join(cells)} FROM ({sql}) AS "line" OFFSET 0) AS "cell"'
    )
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerow(header)
    yield "\ufeff" + buffer.getvalue()
    connection = compiler.connection
    with connection.chunked_cursor() if server_side else connection.cursor() as cursor:
        cursor.execute(query, params)
        while rows := cursor.fetchmany(chunk):
            yield "".join([row[0] for row in rows])


def _sql_quoted(text: str) -> str:
    """A text cell as csv.writer writes it (QUOTE_MINIMAL, `;`): quoted when it holds ; " CR or LF."""
    special = " + ".join(f"strpos({text}, chr({ord(char)}))" for char in ';"\r\n')
    return (
        f"CASE WHEN {special} > 0 THEN chr(34) || replace({text}, chr(34), chr(34) || chr(34)) || chr(34)"
        f" ELSE coalesce({text}, '') END"
    )
