"""Time entries approved in Dynamics 365 Project Operations, pulled into PMO Desk as approved hours.

The pull (reporting.connectors.dynamics, when settings.DYNAMICS365["TIME_ENTRIES"] is on) stores every
changed msdyn_timeentry row as a `D365TimeEntry`, then this module decides what each row is worth here.
Columns (msdyn_timeentry entity reference, MicrosoftDocs/dynamics-365-customer-engagement
ce/customerengagement/on-premises/developer/entities/msdyn_timeentry.md, and the Field Service page
https://learn.microsoft.com/dynamics365/field-service/developer/reference/entities/msdyn_timeentry):
msdyn_timeentryid, msdyn_date (DateOnly, UserLocal), msdyn_duration (Integer, Format Duration: minutes,
MinValue 0; "Column types in Microsoft Dataverse", learn.microsoft.com/training/modules/
create-manage-fields-within-entity/2-field-types), msdyn_entrystatus (192350000 Draft, 192350001 Returned,
192350002 Approved, 192350003 Submitted, 192350004 Recall Requested), msdyn_type (192350000 Work,
192350001 Absence, 192350002 Vacation), the lookups msdyn_bookableresource, msdyn_project and
msdyn_projecttask (read as _<name>_value with their formatted value, the record's name),
msdyn_description and msdyn_externaldescription (100 characters each).

The rule:
- Only approved work counts: msdyn_entrystatus Approved and msdyn_type Work with a duration. A row that
  leaves Approved (recall requested, returned, draft) no longer counts; Recall Requested already takes
  the hours out, because the person has said they are wrong.
- A row our own export wrote (its external comments start with projects' EXPORT_MARKER, "PMO Desk …") is
  never counted: those hours are PMO Desk's own approved hours, already counted here. Hours pulled from
  Dynamics are in turn never exported (they sit on sheets of the Dynamics 365 track).
- A row maps to our project through the link the project pull keeps (msdyn_projects ↔ project), or our
  project code in the Dynamics project's name; to our resource through a RemoteLink bookableresources ↔
  projects.resource (an administrator may create it), else the one active resource of that exact name
  (the name our export writes); to our task through a RemoteLink msdyn_projecttasks ↔ projects.task, else
  the one bookable task of that project named like our export writes it ("<WBS> <name>") or by its name.
  A match by name is stored as a link, so a later rename does not break it. A row that names no
  resource or no task at all has no record to link: an administrator chooses ours for that row
  (`chosen_resource`, `chosen_task`; with no project either, the chosen task's project). A row that
  does not map is a failure line of the run naming what is missing, and is tried again on every run
  until it maps. The unmatched time entries screen (reporting.selectors.time_entry_mapping) groups those
  rows by the remote record they wait on; an administrator maps it there
  (reporting.services.time_entry_mapping), and the waiting rows go through `reconcile` at once.
- Idempotent on msdyn_timeentryid: a row whose counted figure equals our entry changes nothing; a changed
  row reverses our entry (a negative entry pointing at it) and books the new figure; a row that no longer
  counts, or that is deleted in Dynamics (checked each run for the rows we count), is reversed. Our
  entries are never edited or deleted, so the history of what was counted stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from projects.selectors.portfolio import project_ids_by_code
from projects.selectors.timesheets import (
    EXPORT_MARKER,
    MSDYN_ENTRY_STATUS_APPROVED,
    MSDYN_TYPE_WORK,
    resources_by_name,
    resources_by_pk,
    tasks_by_pk,
    tasks_of_projects,
    time_entries_by_pk,
)
from projects.services.timesheets import time_entry_import, time_entry_import_reverse
from reporting.connectors.runs import Recorder
from reporting.models import Connector, D365TimeEntry, RemoteLink

if TYPE_CHECKING:
    from projects.models import Resource, Task

# What a counted row books: our resource and task, the day and the hours.
Target = tuple["Resource", "Task", date, Decimal]
Decision = tuple[str, Target | None, str]

ENTITY = "msdyn_timeentries"
OURS = "time_entries"  # the run log's name for what happened to our entries
RESOURCES_TABLE, TASKS_TABLE, PROJECTS_TABLE = "bookableresources", "msdyn_projecttasks", "msdyn_projects"
PROJECT_CODE = re.compile(r"\bP-\d{4}-\d{4,}\b")
ID_FILTER_CHUNK = 40  # ids per $filter (…or…): keeps the URL short
Outcome = D365TimeEntry.Outcome


def hours_of(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(Decimal("0.01"))


def project_links() -> dict[str, int]:
    """Dynamics project id → our project id, as the project pull (or an administrator) linked them."""
    return dict(
        RemoteLink.objects.filter(connector=Connector.DYNAMICS365, remote_table=PROJECTS_TABLE).values_list(
            "remote_id", "local_id"
        )
    )


class TimeEntryImport:
    """Make our entries agree with the pulled rows: book, rebook with a reversal, or reverse."""

    def __init__(
        self, *, recorder: Recorder, project_links: dict[str, int], links_by_name: bool = True
    ) -> None:
        self.recorder = recorder
        self.project_links = project_links
        # Reading what rows wait on (the unmatched time entries screen) must not write the name matches.
        self.links_by_name = links_by_name

    def reconcile(self, remote_ids: Iterable[str]) -> None:
        rows = list(D365TimeEntry.objects.filter(remote_id__in=list(remote_ids)).order_by("pk"))
        if not rows:
            return
        targets = self._map(rows)
        live = time_entries_by_pk(pks=[row.entry_id for row in rows if row.entry_id])
        for row in rows:
            outcome, target, problem = targets[row.pk]
            self._apply(row, outcome, target, problem, live.get(row.entry_id or 0))

    def retry_unmapped(self, *, seen: set[str]) -> None:
        """Rows that did not map before: a mapping added since makes them count without a remote change."""
        pending = D365TimeEntry.objects.filter(outcome=Outcome.UNMAPPED).exclude(remote_id__in=seen)
        self.reconcile(pending.values_list("remote_id", flat=True))

    def reverse_deleted(self, fetch_existing: Callable[[list[str]], set[str]]) -> None:
        """Rows we count that Dynamics no longer has: their hours are reversed."""
        counted = list(
            D365TimeEntry.objects.filter(outcome=Outcome.IMPORTED, entry__isnull=False).order_by("pk")
        )
        for start in range(0, len(counted), ID_FILTER_CHUNK):
            chunk = counted[start : start + ID_FILTER_CHUNK]
            existing = fetch_existing([row.remote_id for row in chunk])
            for row in chunk:
                if row.remote_id not in existing and row.entry_id:
                    self._reverse_and_record(
                        row, Outcome.REMOVED, gettext("Deleted in Dynamics 365"), row.entry_id
                    )

    def waiting_on(self, rows: list[D365TimeEntry]) -> dict[int, tuple[int | None, bool, bool]]:
        """Per unmapped row: our project id (None: not mapped), whether its resource and its task map."""
        projects = self._projects(rows)
        resources = self._resources(rows)
        tasks = self._tasks(rows, projects)
        return {row.pk: (projects.get(row.pk), row.pk in resources, row.pk in tasks) for row in rows}

    # --- deciding ------------------------------------------------------------------------------------------
    def _map(self, rows: list[D365TimeEntry]) -> dict[int, Decision]:
        """Per row: (outcome, (resource, task, day, hours) or None, the problem in words)."""
        counting = [row for row in rows if self._counts(row) and not self._is_own_export(row)]
        projects = self._projects(counting)
        resources = self._resources(counting)
        tasks = self._tasks(counting, projects)
        decided: dict[int, Decision] = {}
        for row in rows:
            if not self._counts(row):
                decided[row.pk] = (Outcome.NOT_COUNTED, None, "")
            elif self._is_own_export(row):
                decided[row.pk] = (Outcome.OWN_EXPORT, None, "")
            else:
                decided[row.pk] = self._decide(
                    row, projects.get(row.pk), resources.get(row.pk), tasks.get(row.pk)
                )
        return decided

    @staticmethod
    def _decide(
        row: D365TimeEntry, project_id: int | None, resource: Resource | None, task: Task | None
    ) -> Decision:
        """A counting row: imported when its project, resource, task and day are known, else unmapped."""
        if project_id and resource and task and row.day:
            return (Outcome.IMPORTED, (resource, task, row.day, hours_of(row.duration_minutes)), "")
        missing = [
            text % {"name": name or "—"}
            for text, name, found in (
                (gettext("project %(name)s"), row.project_name, project_id),
                (gettext("resource %(name)s"), row.resource_name, resource),
                (gettext("task %(name)s"), row.task_name, task),
            )
            if not found
        ]
        problem = gettext("Not mapped to PMO Desk: %(missing)s.") % {
            "missing": ", ".join(missing) or gettext("date")
        }
        return (Outcome.UNMAPPED, None, problem)

    @staticmethod
    def _counts(row: D365TimeEntry) -> bool:
        return (
            row.entry_status == str(MSDYN_ENTRY_STATUS_APPROVED)
            and row.entry_type == str(MSDYN_TYPE_WORK)
            and (row.duration_minutes or 0) > 0
        )

    @staticmethod
    def _is_own_export(row: D365TimeEntry) -> bool:
        return row.external_description.strip().startswith(EXPORT_MARKER)

    def _projects(self, rows: list[D365TimeEntry]) -> dict[int, int]:
        """Row pk → our project id: the project pull's link, else our code in the Dynamics project's name."""
        by_code = {}
        for row in rows:
            match = PROJECT_CODE.search(row.project_name)
            if row.project_reference not in self.project_links and match:
                by_code[row.pk] = match.group()
        codes = project_ids_by_code(codes=set(by_code.values()))
        # A row that names no project at all is booked on the project of the task chosen for it.
        chosen = tasks_by_pk(pks={row.chosen_task_id for row in rows if self._takes_chosen_project(row)})
        found = {}
        for row in rows:
            project_id = self.project_links.get(row.project_reference) or codes.get(by_code.get(row.pk, ""))
            if not project_id and self._takes_chosen_project(row) and row.chosen_task_id in chosen:
                project_id = chosen[row.chosen_task_id].project_id
            if project_id:
                found[row.pk] = project_id
        return found

    @staticmethod
    def _takes_chosen_project(row: D365TimeEntry) -> bool:
        return bool(row.chosen_task_id and not row.task_reference and not row.project_reference)

    @staticmethod
    def _links(table: str, remote_ids: set[str]) -> dict[str, int]:
        return dict(
            RemoteLink.objects.filter(
                connector=Connector.DYNAMICS365, remote_table=table, remote_id__in=remote_ids
            ).values_list("remote_id", "local_id")
        )

    def _resources(self, rows: list[D365TimeEntry]) -> dict[int, Resource]:
        references = {row.resource_reference for row in rows if row.resource_reference}
        links = self._links(RESOURCES_TABLE, references)
        chosen = {
            row.chosen_resource_id for row in rows if row.chosen_resource_id and not row.resource_reference
        }
        linked = resources_by_pk(pks={*links.values(), *chosen})
        named = resources_by_name(
            names=[row.resource_name for row in rows if row.resource_reference not in links]
        )
        found: dict[int, Resource] = {}
        for row in rows:
            resource: Resource | None = linked.get(links.get(row.resource_reference, 0))
            if not row.resource_reference and row.chosen_resource_id:
                resource = linked.get(row.chosen_resource_id)  # no resource in Dynamics: the one chosen here
            if resource is None and row.resource_reference:
                candidates = named.get(row.resource_name.strip().lower(), [])
                if len(candidates) == 1:
                    resource = candidates[0]
                    if self.links_by_name:
                        links[row.resource_reference] = resource.pk
                        self._link(RESOURCES_TABLE, row.resource_reference, "projects.resource", resource.pk)
            if resource is not None:
                found[row.pk] = resource
        return found

    def _tasks(self, rows: list[D365TimeEntry], projects: dict[int, int]) -> dict[int, Task]:
        references = {row.task_reference for row in rows if row.task_reference}
        links = self._links(TASKS_TABLE, references)
        chosen = {row.chosen_task_id for row in rows if row.chosen_task_id and not row.task_reference}
        linked = tasks_by_pk(pks={*links.values(), *chosen})
        candidates: dict[tuple[int, str], list[Task]] = {}
        for candidate in tasks_of_projects(project_ids=set(projects.values())):
            for name in {f"{candidate.wbs_code} {candidate.name}"[:100], candidate.name}:
                candidates.setdefault((candidate.project_id, name.strip().lower()), []).append(candidate)
        found: dict[int, Task] = {}
        for row in rows:
            project_id = projects.get(row.pk)
            task: Task | None = linked.get(links.get(row.task_reference, 0))
            if not row.task_reference and row.chosen_task_id:
                task = linked.get(row.chosen_task_id)  # no task in Dynamics: the one chosen here
            if task is None and row.task_reference and project_id:
                matches = candidates.get((project_id, row.task_name.strip().lower()), [])
                if len({match.pk for match in matches}) == 1:
                    task = matches[0]
                    if self.links_by_name:
                        links[row.task_reference] = task.pk
                        self._link(TASKS_TABLE, row.task_reference, "projects.task", task.pk)
            # A linked task of another project than the entry's is not this entry's task.
            if task is not None and task.project_id == project_id:
                found[row.pk] = task
        return found

    @staticmethod
    def _link(table: str, remote_id: str, local_model: str, local_id: int) -> None:
        taken = RemoteLink.objects.filter(
            connector=Connector.DYNAMICS365, remote_table=table, local_model=local_model, local_id=local_id
        ).exists()
        if not taken:  # one Dynamics record per record of ours: a second one stays unmapped, not relinked
            RemoteLink.objects.create(
                connector=Connector.DYNAMICS365,
                remote_table=table,
                remote_id=remote_id,
                local_model=local_model,
                local_id=local_id,
            )

    # --- applying ------------------------------------------------------------------------------------------
    def _apply(
        self, row: D365TimeEntry, outcome: str, target: Target | None, problem: str, current: Any
    ) -> None:
        if current is not None and current.is_reversed:
            current = None  # reversed by an earlier run that stopped before it recorded the row
        if outcome == Outcome.UNMAPPED:
            self.recorder.fail(ENTITY, row.remote_id, ValueError(problem))
        if target is not None and current is not None and self._same(current, target):
            self._record(row, outcome, problem, current.pk)
            self.recorder.skip(OURS)
            return
        if target is None and current is None:
            self._record(row, outcome, problem, None)
            self.recorder.skip(OURS)
            return
        try:
            with transaction.atomic():
                if current is not None:
                    reason = gettext("Changed in Dynamics 365") if target else self._reason(outcome)
                    time_entry_import_reverse(entry=current, reason=reason)
                    self.recorder.count(OURS, "reversed")
                entry = None
                if target is not None:
                    resource, task, day, hours = target
                    note = f"Dynamics 365 {row.remote_id} {row.description}".strip()
                    entry = time_entry_import(resource=resource, task=task, day=day, hours=hours, note=note)
                self._record(row, outcome, problem, entry.pk if entry else None)
        except ValidationError as error:
            self.recorder.fail(ENTITY, row.remote_id, ValueError("; ".join(error.messages)))
            self._record(row, Outcome.REFUSED, "; ".join(error.messages)[:300], row.entry_id)
            return
        self.recorder.count(OURS, "updated" if current is not None else "created")

    def _reverse_and_record(self, row: D365TimeEntry, outcome: str, reason: str, entry_id: int) -> None:
        current: Any = time_entries_by_pk(pks=[entry_id]).get(entry_id)
        with transaction.atomic():
            if current is not None and not current.is_reversed:
                time_entry_import_reverse(entry=current, reason=reason)
                self.recorder.count(OURS, "reversed")
                self.recorder.count(OURS, "updated")
            self._record(row, outcome, "", None)

    @staticmethod
    def _same(entry: Any, target: Target) -> bool:
        resource, task, day, hours = target
        return (entry.resource_id, entry.task_id, entry.day, entry.hours) == (
            resource.pk,
            task.pk,
            day,
            hours,
        )

    @staticmethod
    def _reason(outcome: str) -> str:
        if outcome == Outcome.OWN_EXPORT:
            return gettext("Exported from PMO Desk: already counted")
        if outcome == Outcome.UNMAPPED:
            return gettext("No longer mapped to PMO Desk")
        return gettext("No longer approved in Dynamics 365")

    @staticmethod
    def _record(row: D365TimeEntry, outcome: str, problem: str, entry_id: int | None) -> None:
        if (row.outcome, row.problem, row.entry_id) != (outcome, problem, entry_id):
            row.outcome, row.problem, row.entry_id = outcome, problem[:300], entry_id
            row.save(update_fields=["outcome", "problem", "entry"])
