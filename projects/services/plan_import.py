"""Import a plan from CSV or XLSX, all rows or none, and export it in the same columns.

CSV files may be UTF-8 (with or without BOM) or Windows-1252, separated by "," or ";" or tabs.
Errors name rows as the spreadsheet numbers them (the header is row 1).

Columns (first row is the header, names in English, order free):
  wbs_code (required, e.g. 1.2; the parent is the code without its last part),
  name (required), kind (engineering, installation, procurement, administration, milestone),
  planned_start, planned_end (YYYY-MM-DD, or DD/MM/YYYY as Excel saves it; a milestone may leave
  planned_end empty),
  progress (0-100, optional), predecessors (optional, WBS codes separated by ";"),
  remaining_hours (optional: the work left, in hours, with a decimal comma as the CSV export writes it or
  a point; empty means planned less approved hours).
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from charset_normalizer import from_bytes
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from simple_history.utils import bulk_create_with_history

from pmo.models import User
from projects.models import Project, Task, TaskDependency, TaskKind
from projects.services.plan import task_progress_derive

PLAN_COLUMNS = (
    "wbs_code",
    "name",
    "kind",
    "planned_start",
    "planned_end",
    "progress",
    "predecessors",
    "remaining_hours",
)
MAX_REMAINING_HOURS = Decimal("99999.99")  # Task.remaining_hours: 7 digits, 2 decimals
REQUIRED_COLUMNS = ("wbs_code", "name", "kind", "planned_start")
MAX_IMPORT_ROWS = 5000
# What openpyxl raises on a file that is not a workbook or is damaged (XML parse errors are SyntaxErrors).
XLSX_ERRORS = (
    zipfile.BadZipFile,
    InvalidFileException,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    SyntaxError,
)


@dataclass
class ImportResult:
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


# Excel saves "CSV UTF-8" with a BOM and plain "CSV" in the Windows code page; nothing else is expected.
CSV_ENCODINGS = ["utf_8", "cp1252"]


def _decode(content: bytes) -> str:
    """The text of a CSV file in UTF-8 (with or without BOM) or Windows-1252, whichever it is."""
    if content.startswith(codecs.BOM_UTF8):
        return content[len(codecs.BOM_UTF8) :].decode("utf-8")
    best = from_bytes(content, cp_isolation=CSV_ENCODINGS).best()
    if best is None:
        raise ValidationError(_("The file is not text in UTF-8 or Windows-1252: save it as CSV again."))
    return str(best)


def _rows_from_csv(content: bytes) -> Iterator[tuple[int, dict]]:
    """Numbered rows as a spreadsheet numbers them: the header is row 1, blank rows keep their number."""
    text = _decode(content)
    sample = "\n".join(text.splitlines()[:20])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # a single column has no delimiter to find
    records = csv.reader(io.StringIO(text), dialect=dialect)
    header = [name.strip() for name in next(records, [])]
    for number, values in enumerate(records, start=2):
        if any(value.strip() for value in values):
            yield number, dict(zip(header, values, strict=False))


def _rows_from_xlsx(content: bytes) -> Iterator[tuple[int, dict]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
    rows = sheet.iter_rows(values_only=True)
    first = sheet.min_row or 1
    header = [str(cell or "").strip() for cell in next(rows, [])]
    for number, values in enumerate(rows, start=first + 1):
        if any(value not in (None, "") for value in values):
            yield number, dict(zip(header, values, strict=False))


def _date(value, column: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    # Excel writes dates in the Windows regional format when it saves a CSV: 31/12/2027 in Belgium.
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(
        _("%(column)s is not a date (YYYY-MM-DD): %(value)s") % {"column": column, "value": value}
    )


def _hours(value, column: str) -> Decimal | None:
    """Hours from a cell: a number (XLSX), or text with a decimal comma (the CSV export's) or point."""
    if value in (None, ""):
        return None
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if isinstance(value, str) and "." not in text:
        text = text.replace(",", ".")  # 2,5 as the export writes it; 1.234,5 is refused, not guessed
    refusal = _("%(column)s must be a number of hours from 0 to %(max)s: %(value)s") % {
        "column": column,
        "max": MAX_REMAINING_HOURS,
        "value": value,
    }
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise ValueError(refusal) from None
    if isinstance(value, bool) or not hours.is_finite() or not 0 <= hours <= MAX_REMAINING_HOURS:
        raise ValueError(refusal)
    if hours != hours.quantize(Decimal("0.01")):
        raise ValueError(
            _("%(column)s takes at most two decimals: %(value)s") % {"column": column, "value": value}
        )
    return hours.quantize(Decimal("0.01"))


def _task_from_row(row: dict, project: Project) -> tuple[Task, list[str]]:
    wbs = str(row.get("wbs_code") or "").strip()
    name = str(row.get("name") or "").strip()
    kind = str(row.get("kind") or "").strip().lower()
    if not wbs or not name:
        raise ValueError(_("wbs_code and name are required."))
    if kind not in TaskKind.values:
        raise ValueError(
            _("Unknown kind %(kind)s; use one of: %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(TaskKind.values)}
        )
    start = _date(row.get("planned_start"), "planned_start")
    if start is None:
        raise ValueError(_("planned_start is required."))
    end = _date(row.get("planned_end"), "planned_end") or (start if kind == TaskKind.MILESTONE else None)
    if end is None:
        raise ValueError(_("planned_end is required."))
    if end < start:
        raise ValueError(_("planned_end is before planned_start."))
    try:
        progress = int(float(row.get("progress") or 0))
    except ValueError as error:
        raise ValueError(_("progress must be a number from 0 to 100.")) from error
    if not 0 <= progress <= 100:
        raise ValueError(_("progress must be a number from 0 to 100."))
    predecessors = [code.strip() for code in str(row.get("predecessors") or "").split(";") if code.strip()]
    remaining = _hours(row.get("remaining_hours"), "remaining_hours")
    if remaining is not None and kind == TaskKind.MILESTONE:
        raise ValueError(_("A milestone takes no work: leave remaining_hours empty."))
    task = Task(
        project=project,
        wbs_code=wbs,
        name=name[:200],
        kind=kind,
        planned_start=start,
        planned_end=end,
        progress=progress,
        remaining_hours=remaining,
    )
    return task, predecessors


def _parse(
    rows: Iterable[tuple[int, dict]], project: Project, result: ImportResult
) -> list[tuple[int, Task, list[str]]]:
    parsed, seen = [], set(project.tasks.values_list("wbs_code", flat=True))
    for count, (number, row) in enumerate(rows, start=1):
        if count > MAX_IMPORT_ROWS:
            result.errors.append(
                (number, _("Too many rows: at most %(count)d.") % {"count": MAX_IMPORT_ROWS})
            )
            break
        try:
            task, predecessors = _task_from_row(row, project)
        except ValueError as error:
            result.errors.append((number, str(error)))
            continue
        if task.wbs_code in seen:
            result.errors.append((number, _("WBS code %(code)s is used twice.") % {"code": task.wbs_code}))
            continue
        seen.add(task.wbs_code)
        parsed.append((number, task, predecessors))
    return parsed


def _link(parsed, project: Project, result: ImportResult) -> list[TaskDependency]:
    by_wbs = {task.wbs_code: task for task in project.tasks.all()}
    by_wbs.update({task.wbs_code: task for _number, task, _preds in parsed})
    dependencies = []
    for number, task, predecessors in parsed:
        parent_code = task.wbs_code.rpartition(".")[0]
        if parent_code and parent_code not in by_wbs:
            result.errors.append((number, _("The parent %(code)s does not exist.") % {"code": parent_code}))
        task.parent = by_wbs.get(parent_code)
        for code in predecessors:
            if code not in by_wbs or code == task.wbs_code:
                result.errors.append((number, _("Unknown predecessor %(code)s.") % {"code": code}))
            else:
                dependencies.append(TaskDependency(predecessor=by_wbs[code], successor=task))
    return dependencies


def _read_rows(*, filename: str, content: bytes) -> list[tuple[int, dict]]:
    if filename.lower().endswith(".xlsx"):
        try:
            return list(_rows_from_xlsx(content))
        except XLSX_ERRORS as error:
            raise ValidationError(_("This is not an Excel workbook (.xlsx), or it is damaged.")) from error
    if filename.lower().endswith(".csv"):
        return list(_rows_from_csv(content))
    raise ValidationError(_("Import a .csv or .xlsx file."))


@transaction.atomic
def plan_import(*, project: Project, actor: User, filename: str, content: bytes) -> ImportResult:
    """Add the rows of a CSV/XLSX file to the plan; when any row is wrong nothing is imported."""
    result = ImportResult()
    try:
        rows = _read_rows(filename=filename, content=content)
    except (UnicodeDecodeError, csv.Error) as error:
        raise ValidationError(
            _("The file cannot be read as CSV: save it again from the spreadsheet.")
        ) from error
    missing = [column for column in REQUIRED_COLUMNS if rows and column not in rows[0][1]]
    if not rows or missing:
        raise ValidationError(
            _("The file needs the columns: %(columns)s.") % {"columns": ", ".join(PLAN_COLUMNS)}
        )
    Project.objects.select_for_update().filter(pk=project.pk).first()
    parsed = _parse(rows, project, result)
    # Parents first, so every task's parent has a primary key when it is inserted.
    parsed.sort(key=lambda item: item[1].wbs_code.count("."))
    dependencies = _link(parsed, project, result)
    if result.errors:
        return result
    order = (project.tasks.aggregate(last=Max("sort_order"))["last"] or 0) + 1
    in_wbs_order = sorted((task for _n, task, _p in parsed), key=lambda task: _wbs_sort_key(task.wbs_code))
    for position, task in enumerate(in_wbs_order):
        task.sort_order = order + position
    for depth in sorted({task.wbs_code.count(".") for _n, task, _p in parsed}):
        level = [task for _n, task, _p in parsed if task.wbs_code.count(".") == depth]
        for task in level:
            task.parent_id = task.parent.pk if task.parent else None
        bulk_create_with_history(level, Task, default_user=actor)
    for dependency in dependencies:
        dependency.predecessor_id, dependency.successor_id = (
            dependency.predecessor.pk,
            dependency.successor.pk,
        )
    TaskDependency.objects.bulk_create(dependencies)
    # The rows bring remaining work: where progress follows hours, a typed figure is not the task's progress.
    task_progress_derive(project_id=project.pk, actor=actor)
    result.created = len(parsed)
    return result


def _wbs_sort_key(code: str) -> tuple:
    # 1.10 comes after 1.9: compare the numeric parts, not the text.
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in code.split("."))


def plan_export_rows(*, project: Project) -> Iterator[list]:
    """The plan as rows in the import columns, header first."""
    yield list(PLAN_COLUMNS)
    predecessors: dict[int, list[str]] = {}
    for successor_id, code in TaskDependency.objects.filter(successor__project=project).values_list(
        "successor_id", "predecessor__wbs_code"
    ):
        predecessors.setdefault(successor_id, []).append(code)
    for task in project.tasks.order_by("sort_order", "pk"):
        yield [
            task.wbs_code,
            task.name,
            task.kind,
            task.planned_start.isoformat(),
            task.planned_end.isoformat(),
            task.progress,
            ";".join(sorted(predecessors.get(task.pk, []))),
            task.remaining_hours,
        ]


def plan_export_xlsx(*, project: Project) -> bytes:
    """The plan as an XLSX workbook (write-only mode)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(project.code)
    for row in plan_export_rows(project=project):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
