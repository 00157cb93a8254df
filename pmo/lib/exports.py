"""One way to export rows as CSV or XLSX, whatever the page.

CSV is what Excel opens correctly in Belgium: UTF-8 with a BOM, `;` between fields, a decimal comma,
ISO dates; it is streamed, so memory stays flat for any number of rows. On PostgreSQL a large export can
have its lines written by the query (`csv_query_lines`, the same bytes as `csv_lines`), and Python only
joins them. XLSX is written by rustpy-xlsxwriter (rust_xlsxwriter) in constant-memory mode to a temporary
file and streamed from there: for the 50,000 order lines it took 0.8 s where xlsxwriter's Python took 5.7 s
in its per-cell calls and XML escaping. In both, a text that a spreadsheet would run as a formula (it
starts with = + - @ or a tab or carriage return) is prefixed with an apostrophe.
"""

import csv
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice
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
XLSX_PEEK = 500  # rows read ahead to find the columns of dates and times (a bounded look-ahead)
XLSX_TEXT_LIMIT = 32767  # characters in a cell


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


def xlsx_response(
    rows: Iterable[Iterable[Any]],
    *,
    filename: str,
    title: str,
    temporal_columns: Mapping[str, type[date]] | None = None,
) -> FileResponse:
    """Write `rows` (the header first) to one sheet and stream the workbook as `filename`.xlsx.

    `temporal_columns` ({header: date or datetime}) names the columns of dates and times that a caller
    knows; the others are found in the first XLSX_PEEK rows (see _xlsx_kinds).
    """
    import rustpy_xlsxwriter

    rows = iter(rows)
    header = [xlsx_text(str(name)) for name in next(rows, ())]
    if len(set(header)) < len(header):  # a row goes to the writer as a dict keyed by the header
        raise ValueError(f"an XLSX header names each column once: {header}")
    first = list(islice(rows, XLSX_PEEK))
    kinds = _xlsx_kinds(header, first) | {
        header.index(name): kind for name, kind in (temporal_columns or {}).items()
    }
    formats = {
        kind: rustpy_xlsxwriter.Format().set_num_format(_XLSX_FORMATS[kind]) for kind in (date, datetime)
    }
    # The writer takes the header from the first record: with no rows, one of empty cells writes it alone.
    records = _xlsx_records(header, chain(first, rows), kinds) if first else iter([dict.fromkeys(header)])
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by FileResponse)
    try:
        # Given a path (not the handle), the writer streams the package to it: with a file object it
        # would hold the whole compressed workbook in memory until the end.
        rustpy_xlsxwriter.write_worksheet(
            records,
            handle.name,
            sheet_name=_sheet_title(title),
            datetime_format=_XLSX_FORMATS[datetime],
            column_formats={header[column]: formats[kind] for column, kind in kinds.items()},
        )
    except BaseException:
        handle.close()
        raise
    return FileResponse(
        handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE
    )


def xlsx_text(text: str) -> str:
    """A text cell: formula-safe, and cut to the 32,767 characters a cell holds (the writer refuses more)."""
    if text.startswith(FORMULA_STARTS):
        text = f"'{text}"
    return text[:XLSX_TEXT_LIMIT] if len(text) > XLSX_TEXT_LIMIT else text


def excel_serial(value: date) -> float:
    """A date or naive datetime as Excel's serial number (1900 system), as xlsxwriter computes it.

    The writer given a datetime would drop its fraction of a second and refuse a year before 1900.
    """
    if isinstance(value, datetime):
        delta = value - _EXCEL_EPOCH
        serial = delta.days + (float(delta.seconds) + float(delta.microseconds) / 1e6) / 86400
    else:
        serial = (value - _EXCEL_EPOCH.date()).days
    return serial + 1 if serial > 59 else serial  # Excel counts a 1900-02-29, which never was


_EXCEL_EPOCH = datetime(1899, 12, 31)
_XLSX_FORMATS: dict[type, str] = {date: "yyyy-mm-dd", datetime: "yyyy-mm-dd hh:mm:ss"}
_XLSX_PLAIN = frozenset({type(None), bool, int, float, date})  # written as they are, without a call


def _sheet_title(title: Any) -> str:
    """At most 31 characters, without those Excel refuses in a sheet's name."""
    return re.sub(r"[\[\]:*?/\\]", "-", str(title))[:31].strip("'") or "Sheet1"


def _xlsx_kinds(header: list[str], rows: list[Iterable[Any]]) -> dict[int, type[date]]:
    """The columns holding dates or datetimes in `rows`: they get a column format, their cells serials.

    A column whose first XLSX_PEEK rows hold no date (and that temporal_columns does not name) still
    gets its dates typed, by the writer, in the datetime format and to the second.
    """
    kinds: dict[int, type[date]] = {}
    for row in rows:
        for column, value in enumerate(row):
            if type(value) in _XLSX_FORMATS and column < len(header):
                kinds.setdefault(column, type(value))
    return kinds


def _xlsx_records(
    header: list[str], rows: Iterable[Iterable[Any]], kinds: Mapping[int, type[date]]
) -> Iterator[dict[str, Any]]:
    """Each row as the writer takes it: {header: value}, each value as _xlsx_converters make it.

    Most cells of a large export (numbers, empty cells) skip the call; the dates and times of the
    columns in `kinds` become serial numbers under their column's format.
    """
    converters, general = _xlsx_converters()
    plain, temporal = _XLSX_PLAIN, list(kinds)
    for row in rows:
        cells = [
            value if type(value) in plain else converters.get(type(value), general)(value) for value in row
        ]
        for column in temporal:
            if column < len(cells) and type(cells[column]) in _XLSX_FORMATS:
                cells[column] = excel_serial(cells[column])
        yield dict(zip(header, cells, strict=False))  # a short row leaves its last cells empty


def _xlsx_converters() -> tuple[dict[type, Callable[[Any], Any]], Callable[[Any], Any]]:
    """xlsx_cell by the exact type of a value, with the time zone looked up once per export.

    Texts are never read as formulas or links (the writer writes every str as a string, and an empty one
    leaves the cell empty, as None does); Decimals become the doubles that a cell holds.
    """
    zone = timezone.get_current_timezone()

    def local_datetime(value: datetime) -> datetime:
        return value if value.tzinfo is None else value.astimezone(zone).replace(tzinfo=None)

    def general(value: Any) -> Any:
        value = xlsx_cell(value)
        if type(value) in _XLSX_PLAIN or isinstance(value, date):
            return value
        return float(value) if isinstance(value, Decimal) else xlsx_text(str(value))

    return {str: xlsx_text, datetime: local_datetime, Decimal: float}, general


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


class Double(Cast):
    """A column cast to double precision, read as psycopg returns it (a float) without a converter.

    Cast(..., FloatField()) calls float() on every value it reads (350,000 calls for the order lines).
    """

    def __init__(self, expression: Any) -> None:
        super().__init__(expression, FloatField())

    def get_db_converters(self, connection):
        return self.output_field.get_db_converters(connection)  # without the expression's float()


def xlsx_value(path: str, field: Field) -> Any:
    """What a values_list() selects for `path` in an XLSX export on PostgreSQL: local times, floats."""
    if isinstance(field, DateTimeField):
        return LocalDateTime(F(path))
    if field.get_internal_type() == "DecimalField":  # a cell holds a double: Excel reads no Decimal
        return Double(F(path))
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
