"""One export writer (pmo.lib.exports): Excel-in-Belgium CSV, streamed, and formula-safe in both formats."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from pmo.lib.exports import csv_response, xlsx_response

ROWS = [
    ["Title", "Amount", "Due", "Done"],
    ['=HYPERLINK("http://evil")', Decimal("1234.50"), date(2026, 12, 31), True],
    ["-2+3", None, None, False],
]


def test_csv_is_streamed_with_a_bom_semicolons_and_decimal_commas():
    response = csv_response(iter(ROWS), filename="things")

    content = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="things.csv"'
    assert content.startswith("\ufeffTitle;Amount;Due;Done")
    assert rows[1] == ['\'=HYPERLINK("http://evil")', "1234,50", "2026-12-31", "1"]
    assert rows[2] == ["'-2+3", "", "", "0"]


def test_xlsx_keeps_numbers_and_dates_typed_and_texts_formula_safe():
    response = xlsx_response(iter(ROWS), filename="things", title="A title longer than thirty-one characters")

    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "A title longer than thirty-one characters"[:31]
    assert values[1][0] == '\'=HYPERLINK("http://evil")'
    assert values[1][1] == Decimal("1234.50") or values[1][1] == 1234.5
    assert values[1][2].date() == date(2026, 12, 31)
    assert values[2][0] == "'-2+3"


def test_the_csv_loop_writes_every_cell_as_csv_cell_does_with_local_times():
    from datetime import UTC, datetime

    from django.utils import timezone

    from pmo.lib.exports import csv_cell, csv_lines

    class Label(str):  # a str subclass (choices, lazy texts) takes the general path
        pass

    winter, summer = datetime(2026, 1, 15, 9, 30, tzinfo=UTC), datetime(2026, 7, 15, 9, 30, tzinfo=UTC)
    row = [winter, summer, datetime(2026, 7, 15, 9, 30), 7, 2.5, Label("=1+1"), "@x", "plain", None, True]
    with timezone.override("Europe/Brussels"):
        text = "".join(csv_lines(iter([row] * 1203)))  # more than two batches of 500
        expected = [csv_cell(value) for value in row]
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert len(rows) == 1203 and all(line == expected for line in rows)
    assert expected[:3] == ["2026-01-15T10:30:00+01:00", "2026-07-15T11:30:00+02:00", "2026-07-15T09:30:00"]
    assert expected[5:7] == ["'=1+1", "'@x"]


def _cells(response):
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [[(cell.value, cell.data_type, cell.number_format) for cell in row] for row in sheet.iter_rows()]


def test_xlsx_types_every_cell_and_formats_dates_and_times_apart():
    from datetime import UTC

    from django.utils import timezone

    header = ["Text", "When", "Day", "Count", "Amount", "Flag", "Empty", "Label"]
    when = datetime(2026, 7, 15, 9, 30, 5, 123456, tzinfo=UTC)
    row = ["=1+1", when, date(2026, 12, 31), 7, Decimal("0.10"), True, "", _("Lines")]
    with timezone.override("Europe/Brussels"):
        response = xlsx_response(iter([header, row]), filename="things", title="things")

    cells = _cells(response)
    assert [(value, kind) for value, kind, _format in cells[0]] == [(name, "s") for name in header]
    assert cells[1] == [
        ("'=1+1", "s", "General"),  # a text, never a formula
        (datetime(2026, 7, 15, 11, 30, 5, 123000), "d", "yyyy-mm-dd hh:mm:ss"),  # local, to the millisecond
        (datetime(2026, 12, 31), "d", "yyyy-mm-dd"),
        (7, "n", "General"),
        (0.1, "n", "General"),
        (True, "b", "General"),
        (None, "n", "General"),  # an empty text leaves the cell empty
        ("Lines", "s", "General"),
    ]


def test_xlsx_keeps_the_date_format_of_a_column_named_by_the_caller_that_starts_empty(monkeypatch):
    from pmo.lib import exports

    monkeypatch.setattr(exports, "XLSX_PEEK", 1)  # the look-ahead sees only the first, empty, row
    rows = [["Due", "Other"], [None, None], [date(2026, 12, 31), date(2026, 12, 31)]]

    cells = _cells(xlsx_response(iter(rows), filename="t", title="t", temporal_columns={"Due": date}))

    assert cells[2][0] == (datetime(2026, 12, 31), "d", "yyyy-mm-dd")
    assert cells[2][1][:2] == (datetime(2026, 12, 31), "d")  # unnamed and unseen: still a date


def test_xlsx_writes_the_header_alone_without_rows_and_cuts_texts_to_what_a_cell_holds():
    assert _cells(xlsx_response(iter([["A", "B"]]), filename="t", title="t")) == [
        [("A", "s", "General"), ("B", "s", "General")]
    ]
    cells = _cells(
        xlsx_response(iter([["Long", "Old"], ["x" * 40000, date(1899, 6, 1)]]), filename="t", title="t")
    )
    assert cells[1][0][0] == "x" * 32767
    assert cells[1][1][1:] == ("d", "yyyy-mm-dd")  # before Excel's 1900: written, typed as xlsxwriter did


def test_xlsx_refuses_a_header_that_names_a_column_twice():
    with pytest.raises(ValueError, match="each column once"):
        xlsx_response(iter([["A", "A"], [1, 2]]), filename="t", title="t")


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_every_register_export_names_each_column_once_as_the_xlsx_writer_needs(language):
    from django.utils import translation

    from projects.views.registers_export import EXPORT_FIELDS, export_rows

    with translation.override(language):
        for model in EXPORT_FIELDS:
            (header,) = export_rows([], model)
            assert len(set(header)) == len(header), (model.__name__, header)
