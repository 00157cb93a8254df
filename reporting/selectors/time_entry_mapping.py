"""What the pulled Dynamics 365 time entries that do not map wait on: a remote resource, task or project."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from reporting.connectors.runs import MemoryRecorder
from reporting.connectors.time_entries import TimeEntryImport, hours_of, project_links
from reporting.models import D365TimeEntry

# The three kinds of remote record a row can wait on, in the order the screen lists them.
KIND_LABELS = {"project": _("Project"), "resource": _("Resource"), "task": _("Task")}


@dataclass
class UnmatchedGroup:
    """The unmapped rows waiting on one remote record, with their dates and hours."""

    kind: str
    remote_id: str
    remote_name: str
    first_day: date | None = None
    last_day: date | None = None
    hours: Decimal = Decimal("0.00")
    row_count: int = 0
    project_id: int | None = None  # a task's: our project its rows map to (None: map the project first)
    project_name: str = ""  # a task's: the Dynamics 365 project it belongs to
    remote_ids: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    def add(self, row: D365TimeEntry, project_id: int | None) -> None:
        self.row_count += 1
        self.hours += hours_of(row.duration_minutes)
        self.remote_ids.append(row.remote_id)
        if row.day:
            self.first_day = min(self.first_day or row.day, row.day)
            self.last_day = max(self.last_day or row.day, row.day)
        self.project_id = self.project_id or project_id
        self.project_name = self.project_name or row.project_name


@dataclass
class RowToChoose:
    """An unmapped row that names no resource or no task in Dynamics: ours is chosen for it alone."""

    row: D365TimeEntry
    project_id: int | None  # our project its hours go to (None: not known yet)
    needs_resource: bool
    needs_task: bool

    @property
    def hours(self) -> Decimal:
        return hours_of(self.row.duration_minutes)

    @property
    def is_waiting_on_its_project(self) -> bool:
        """Its task is chosen among its project's, so a project Dynamics names must be mapped first."""
        return self.needs_task and self.project_id is None and bool(self.row.project_reference)


def unmatched_time_entry_screen() -> tuple[list[UnmatchedGroup], list[RowToChoose]]:
    """The remote records unmapped rows wait on, and the rows naming none to map; constant queries."""
    rows = list(D365TimeEntry.objects.filter(outcome=D365TimeEntry.Outcome.UNMAPPED).order_by("day", "pk"))
    importer = TimeEntryImport(recorder=MemoryRecorder(), project_links=project_links(), links_by_name=False)
    waiting = importer.waiting_on(rows)
    groups: dict[tuple[str, str], UnmatchedGroup] = {}
    to_choose = []
    for row in rows:
        project_id, has_resource, has_task = waiting[row.pk]
        for kind, is_mapped, reference, name in (
            ("project", project_id is not None, row.project_reference, row.project_name),
            ("resource", has_resource, row.resource_reference, row.resource_name),
            ("task", has_task, row.task_reference, row.task_name),
        ):
            if not is_mapped and reference:
                group = groups.setdefault((kind, reference), UnmatchedGroup(kind, reference, name))
                group.add(row, project_id)
        # A row without the record at all (no task in Dynamics) is mapped by itself.
        needs_resource = not has_resource and not row.resource_reference
        needs_task = not has_task and not row.task_reference
        if needs_resource or needs_task:
            to_choose.append(RowToChoose(row, project_id, needs_resource, needs_task))
    order = list(KIND_LABELS)
    ordered = sorted(groups.values(), key=lambda g: (order.index(g.kind), g.remote_name.lower(), g.remote_id))
    return ordered, to_choose


def unmatched_time_entry_groups() -> list[UnmatchedGroup]:
    """Every remote record that unmapped rows wait on, decided by the pull's own rule; constant queries."""
    return unmatched_time_entry_screen()[0]


def unmatched_time_entry_row_get(*, pk: int) -> RowToChoose:
    """An unmapped row that names no resource or no task; 404 when it does not wait on a choice (any more)."""
    for row in unmatched_time_entry_screen()[1]:
        if row.row.pk == pk:
            return row
    raise Http404


def unmatched_time_entry_group_get(*, kind: str, remote_id: str) -> UnmatchedGroup:
    """The rows waiting on one remote record; 404 when none waits on it (any more)."""
    for group in unmatched_time_entry_groups():
        if (group.kind, group.remote_id) == (kind, remote_id):
            return group
    raise Http404


def unmatched_time_entry_count() -> int:
    """How many pulled rows wait on a mapping (the connector page's link says it)."""
    return D365TimeEntry.objects.filter(outcome=D365TimeEntry.Outcome.UNMAPPED).count()


def unmatched_references(*, references: list[str]) -> set[str]:
    """Which of these msdyn_timeentry ids still wait on a mapping (a run's failure lines link those)."""
    return set(
        D365TimeEntry.objects.filter(
            outcome=D365TimeEntry.Outcome.UNMAPPED, remote_id__in=references
        ).values_list("remote_id", flat=True)
    )
