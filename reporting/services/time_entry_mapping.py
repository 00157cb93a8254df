"""An administrator maps a Dynamics 365 record to ours; the time entries that waited on it are booked."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save
from projects.selectors.core import project_get_for_user
from reporting.connectors.runs import MemoryRecorder, sync_run_in_progress
from reporting.connectors.time_entries import (
    PROJECTS_TABLE,
    RESOURCES_TABLE,
    TASKS_TABLE,
    TimeEntryImport,
    hours_of,
    project_links,
)
from reporting.models import Connector, D365TimeEntry, RemoteLink

if TYPE_CHECKING:
    from pmo.models import User
    from projects.models import Resource, Task

__all__ = ["MappingResult", "RowMappingResult", "time_entry_remote_link_create", "time_entry_row_map"]

Outcome = D365TimeEntry.Outcome


@dataclass(frozen=True)
class MappingKind:
    remote_table: str
    local_model: str
    column: str  # the D365TimeEntry column holding the remote record's id


MAPPING_KINDS = {
    "resource": MappingKind(RESOURCES_TABLE, "projects.resource", "resource_reference"),
    "task": MappingKind(TASKS_TABLE, "projects.task", "task_reference"),
    "project": MappingKind(PROJECTS_TABLE, "projects.project", "project_reference"),
}


@dataclass(frozen=True)
class MappingResult:
    link: RemoteLink
    booked: int  # rows now counted as approved hours
    hours: Decimal
    still_waiting: int  # rows that still wait on another mapping
    is_deferred: bool  # a pull was running: it books the rows, not this request


@transaction.atomic
def time_entry_remote_link_create(*, kind: str, remote_id: str, target: Model, actor: User) -> MappingResult:
    """Link a Dynamics 365 record to ours, then book the waiting rows through the pull's own import."""
    mapping = MAPPING_KINDS.get(kind)
    if not actor.has_perm("reporting.add_remotelink"):
        raise ValidationError(_("You may not map Dynamics 365 records."))
    if mapping is None or target._meta.label_lower != mapping.local_model:
        raise ValidationError(_("Choose a record of the right kind."))
    _check_target_rights(actor=actor, kind=kind, target=target)
    waiting = list(
        D365TimeEntry.objects.select_for_update()
        .filter(outcome=Outcome.UNMAPPED, **{mapping.column: remote_id})
        .order_by("pk")
    )
    if not waiting:
        raise ValidationError(_("No time entry waits on this Dynamics 365 record any more."))
    _check_free(mapping=mapping, remote_id=remote_id, target=target)
    if kind == "task":
        _check_task_project(rows=waiting, task=target)
    link = _link_save(mapping=mapping, remote_id=remote_id, target=target, actor=actor)
    if sync_run_in_progress(connector=Connector.DYNAMICS365):
        # The running pull books them when it retries the unmapped rows; booking here too could count twice.
        return MappingResult(link, 0, Decimal("0.00"), len(waiting), True)
    importer = TimeEntryImport(recorder=MemoryRecorder(), project_links=project_links())
    importer.reconcile(row.remote_id for row in waiting)
    return _result(link, rows=waiting)


def _check_target_rights(*, actor: User, kind: str, target: Model) -> None:
    """Object rights on what the hours will be booked on: write on its project (404 when invisible, 403
    when read-only, as the pages answer), or the right to change resources."""
    if kind == "resource":
        if not actor.has_perm("projects.change_resource"):
            raise PermissionDenied
        return
    project_id = target.pk if kind == "project" else target.project_id  # type: ignore[attr-defined]
    project_get_for_user(user=actor, pk=project_id, write=True)


def _link_save(*, mapping: MappingKind, remote_id: str, target: Model, actor: User) -> RemoteLink:
    link = RemoteLink(
        connector=Connector.DYNAMICS365,
        remote_table=mapping.remote_table,
        remote_id=remote_id,
        local_model=mapping.local_model,
        local_id=target.pk,
    )
    try:
        with transaction.atomic():
            audited_save(link, actor=actor, reason=_("Mapped for the unmatched time entries"))
    except IntegrityError as error:  # the unique constraints, when another administrator was quicker
        message = _("Someone linked one of these records a moment ago: reload the page.")
        raise ValidationError(message) from error
    return link


def _check_free(*, mapping: MappingKind, remote_id: str, target: Model) -> None:
    links = RemoteLink.objects.filter(connector=Connector.DYNAMICS365, remote_table=mapping.remote_table)
    if links.filter(remote_id=remote_id).exists():
        raise ValidationError(_("This Dynamics 365 record is already mapped to a record of PMO Desk."))
    if links.filter(local_model=mapping.local_model, local_id=target.pk).exists():
        raise ValidationError(
            _("%(target)s is already linked to another Dynamics 365 record.") % {"target": target}
        )


def _check_task_project(*, rows: list[D365TimeEntry], task) -> None:
    importer = TimeEntryImport(recorder=MemoryRecorder(), project_links=project_links(), links_by_name=False)
    projects = {project_id for project_id, _resource, _task in importer.waiting_on(rows).values()}
    if task.project_id not in projects:
        raise ValidationError(_("Choose a task of the project these hours are booked on."))


def _result(link: RemoteLink, *, rows: list[D365TimeEntry]) -> MappingResult:
    outcomes = dict(
        D365TimeEntry.objects.filter(pk__in=[row.pk for row in rows]).values_list("pk", "outcome")
    )
    booked = [row for row in rows if outcomes.get(row.pk) == Outcome.IMPORTED]
    hours = sum((hours_of(row.duration_minutes) for row in booked), Decimal("0.00"))
    still = sum(1 for row in rows if outcomes.get(row.pk) == Outcome.UNMAPPED)
    return MappingResult(link, len(booked), hours, still, False)


# --- one row that names no resource or no task in Dynamics 365 ------------------------------------------
@dataclass(frozen=True)
class RowMappingResult:
    row: D365TimeEntry
    is_booked: bool
    hours: Decimal
    is_deferred: bool  # a pull was running: it books the row, not this request
    refusal: str = ""  # why the import refused the hours (a day over 24 h), else empty


@transaction.atomic
def time_entry_row_map(
    *, row_id: int, actor: User, resource: Resource | None = None, task: Task | None = None
) -> RowMappingResult:
    """Choose our resource and/or task for one unmapped row that names none in Dynamics, then book it."""
    if not actor.has_perm("reporting.add_remotelink"):
        raise ValidationError(_("You may not map Dynamics 365 records."))
    row = D365TimeEntry.objects.select_for_update().filter(pk=row_id, outcome=Outcome.UNMAPPED).first()
    if row is None:
        raise ValidationError(_("This time entry does not wait on a mapping any more."))
    _check_row_choice(row=row, resource=resource, task=task)
    if resource is not None:
        _check_target_rights(actor=actor, kind="resource", target=resource)
        row.chosen_resource = resource
    if task is not None:
        _check_target_rights(actor=actor, kind="task", target=task)
        _check_row_task_project(row=row, task=task)
        row.chosen_task = task
    row.chosen_by = actor
    row.save(update_fields=["chosen_resource", "chosen_task", "chosen_by"])
    if sync_run_in_progress(connector=Connector.DYNAMICS365):
        return RowMappingResult(row, False, Decimal("0.00"), True)
    TimeEntryImport(recorder=MemoryRecorder(), project_links=project_links()).reconcile([row.remote_id])
    row.refresh_from_db(fields=["outcome", "problem", "entry"])
    is_booked = row.outcome == Outcome.IMPORTED
    hours = hours_of(row.duration_minutes) if is_booked else Decimal("0.00")
    refusal = row.problem if row.outcome == Outcome.REFUSED else ""
    return RowMappingResult(row, is_booked, hours, False, refusal)


def _check_row_choice(*, row: D365TimeEntry, resource, task) -> None:
    """Only what Dynamics does not name is chosen per row; a named record is mapped once for all its rows."""
    if resource is None and task is None:
        raise ValidationError(_("Choose our resource or our task for this time entry."))
    if resource is not None and row.resource_reference:
        raise ValidationError(_("This time entry names its resource in Dynamics 365: map that record."))
    if task is not None and row.task_reference:
        raise ValidationError(_("This time entry names its task in Dynamics 365: map that record."))


def _check_row_task_project(*, row: D365TimeEntry, task) -> None:
    """The task is of the row's project; a row with no project at all is booked on the task's."""
    importer = TimeEntryImport(recorder=MemoryRecorder(), project_links=project_links(), links_by_name=False)
    row.chosen_task = None  # the row's own project, not the one the task would give it
    project_id, _resource, _task = importer.waiting_on([row])[row.pk]
    if project_id is None and row.project_reference:
        raise ValidationError(_("Map the project of this time entry first."))
    if project_id is not None and task.project_id != project_id:
        raise ValidationError(_("Choose a task of the project these hours are booked on."))
