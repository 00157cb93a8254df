"""One export writer (pmo.lib.exports): Excel-in-Belgium CSV, streamed, and formula-safe in both formats."""

import csv
import io
from datetime import date
from decimal import Decimal

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
