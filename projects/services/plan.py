"""Changes to a project's plan: tasks, dependencies, assignments, resources and baselines."""

from collections import deque
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from pmo.lib.audit import audited_save, history_stamp
from pmo.models import User
from projects.models import (
    Assignment,
    PlanBaseline,
    PlanBaselineTask,
    ProgressMethod,
    Project,
    Resource,
    Task,
    TaskDependency,
    TaskKind,
    TaskStatus,
)
from projects.selectors.timesheets import tasks_with_progress_to_derive


@transaction.atomic
def plan_baseline_create(*, project: Project, name: str, actor: User, reason: str = "") -> PlanBaseline:
    """Snapshot the dates of every task of the project as the next numbered baseline."""
    # Lock the project row so two baselines taken at once do not get the same number.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    number = (project.baselines.aggregate(last=Max("number"))["last"] or 0) + 1
    baseline = PlanBaseline(project=project, number=number, name=name, reason=reason, created_by=actor)
    baseline.full_clean()
    baseline.save()
    rows = [
        PlanBaselineTask(
            baseline=baseline,
            task_id=task["pk"],
            wbs_code=task["wbs_code"],
            name=task["name"],
            kind=task["kind"],
            planned_start=task["planned_start"],
            planned_end=task["planned_end"],
        )
        for task in Task.objects.filter(project=project).values(
            "pk", "wbs_code", "name", "kind", "planned_start", "planned_end"
        )
    ]
    PlanBaselineTask.objects.bulk_create(rows, batch_size=2000)
    return baseline


TASK_FIELDS = (
    "parent",
    "wbs_code",
    "name",
    "kind",
    "status",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "progress",
    "remaining_hours",
)


@dataclass(frozen=True)
class MovedTask:
    task: Task
    old_start: date
    new_start: date

    @property
    def days(self) -> int:
        return (self.new_start - self.old_start).days


def _wanted_status(task: Task) -> str:
    """The status the task's fields ask for: progress on a task not started means it has started."""
    if task.progress and task.status == TaskStatus.NOT_STARTED:
        return TaskStatus.IN_PROGRESS
    return task.status


def _move_status(task: Task, *, previous: str | None, user: User | None) -> None:
    """Take the task from its previous status to the one asked for, through Task.workflow (not saved)."""
    wanted = _wanted_status(task)
    if previous is None or wanted == previous:  # a new task starts where it is put; no move
        task.status = wanted
        return
    task.status = previous
    Task.workflow.assign(task, wanted, user=user)


def _normalise(task: Task) -> None:
    """What follows from the status: a finished task is at 100% with its actual dates."""
    if task.kind == TaskKind.MILESTONE:
        task.planned_end = task.planned_start
    if task.status == TaskStatus.DONE:
        task.progress = 100
        task.actual_end = task.actual_end or timezone.localdate()
        task.actual_start = task.actual_start or min(task.actual_end, task.planned_start)
    if task.status == TaskStatus.IN_PROGRESS and task.actual_start is None:
        task.actual_start = timezone.localdate()


def _check_parent(task: Task) -> None:
    if task.parent is None:
        return
    if task.parent.project_id != task.project_id:
        raise ValidationError({"parent": _("The parent task belongs to another project.")})
    ancestor: Task | None = task.parent
    while ancestor is not None:
        if task.pk and ancestor.pk == task.pk:
            raise ValidationError({"parent": _("A task cannot be inside itself.")})
        ancestor = ancestor.parent


def _save_task(task: Task, *, actor: User, previous_status: str | None = None) -> None:
    _move_status(task, previous=previous_status, user=actor if previous_status else None)
    _normalise(task)
    _check_parent(task)
    audited_save(task, actor=actor)


@transaction.atomic
def task_create(*, project: Project, actor: User, **values) -> Task:
    """Add a task to the plan, at the end of the list."""
    last = project.tasks.aggregate(last=Max("sort_order"))["last"]
    task = Task(
        project=project, sort_order=(last or 0) + 1, **{f: v for f, v in values.items() if f in TASK_FIELDS}
    )
    _save_task(task, actor=actor)
    reschedule_successors(task=task, actor=actor)
    return task


@transaction.atomic
def task_update(*, task: Task, actor: User, **values) -> tuple[Task, list[MovedTask]]:
    """Change a task; when its dates move, its successors are re-scheduled (returned as moved)."""
    _lock_project_before_tasks(task)
    locked = Task.objects.select_for_update().get(pk=task.pk)
    previous_status = locked.status
    changed = [f for f in TASK_FIELDS if f in values and getattr(locked, f) != values[f]]
    for field in changed:
        setattr(locked, field, values[field])
    if not changed:
        return locked, []
    _save_task(locked, actor=actor, previous_status=previous_status)
    task_progress_derive(project_id=locked.project_id, actor=actor)
    locked.refresh_from_db(fields=["progress", "updated_at"])
    moved = (
        reschedule_successors(task=locked, actor=actor)
        if {"planned_start", "planned_end", "kind"} & set(changed)
        else []
    )
    return locked, moved


@transaction.atomic
def task_status_set(*, task: Task, status: str, actor: User) -> Task:
    """Move a task to another status through Task.workflow; finishing it puts it at 100%."""
    _lock_project_before_tasks(task)
    locked = Task.objects.select_related("project").select_for_update(of=("self",)).get(pk=task.pk)
    Task.workflow.assign(locked, status, user=actor)
    _normalise(locked)
    audited_save(
        locked, actor=actor, update_fields=["status", "progress", "actual_start", "actual_end", "updated_at"]
    )
    task_progress_derive(project_id=locked.project_id, actor=actor)
    locked.refresh_from_db(fields=["progress", "updated_at"])
    return locked


def _lock_project_before_tasks(task: Task) -> None:
    # Deriving progress locks the project, then writes its tasks: whoever locks a task first takes the
    # project too, in that order, or an approval and a task edit could wait for each other forever.
    Project.objects.select_for_update().filter(pk=task.project_id).values_list("pk", flat=True).first()


def _shifted(day: date, days: int, task: Task) -> date:
    """The day moved by a number of days; past the calendar's end it is a form error, not a crash."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        raise ValidationError(
            {"planned_end": _("This date leaves no room to schedule %(task)s after it.") % {"task": task}}
        ) from None


def _earliest_start(predecessor: Task, lag_days: int, successor: Task) -> date:
    # A milestone takes no time: its successor may start the same day.
    gap = 0 if predecessor.kind == TaskKind.MILESTONE else 1
    return _shifted(predecessor.planned_end, gap + lag_days, successor)


def reschedule_successors(*, task: Task, actor: User) -> list[MovedTask]:
    """Push the successors of a task (and theirs) later so every finish-to-start link holds."""
    tasks = {t.pk: t for t in Task.objects.filter(project_id=task.project_id)}
    tasks[task.pk] = task
    links: dict[int, list[tuple[int, int]]] = {}
    for link in TaskDependency.objects.filter(predecessor__project_id=task.project_id).values_list(
        "predecessor_id", "successor_id", "lag_days"
    ):
        links.setdefault(link[0], []).append((link[1], link[2]))
    moved: dict[int, MovedTask] = {}
    queue = deque([task.pk])
    while queue:
        predecessor = tasks[queue.popleft()]
        for successor_id, lag in links.get(predecessor.pk, []):
            successor = tasks[successor_id]
            earliest = _earliest_start(predecessor, lag, successor)
            if successor.planned_start >= earliest or successor.is_closed:
                continue
            duration = successor.planned_end - successor.planned_start
            original = moved[successor_id].old_start if successor_id in moved else successor.planned_start
            successor.planned_start = earliest
            successor.planned_end = _shifted(earliest, duration.days, successor)
            moved[successor_id] = MovedTask(task=successor, old_start=original, new_start=earliest)
            queue.append(successor_id)
    if moved:
        changed = [entry.task for entry in moved.values()]
        for changed_task in changed:
            history_stamp(changed_task, actor=actor)
        bulk_update_with_history(
            changed,
            Task,
            ["planned_start", "planned_end"],
            default_user=actor,
            default_change_reason=_("Re-scheduled after a predecessor moved"),
        )
    return sorted(moved.values(), key=lambda entry: entry.task.sort_order)


def _creates_cycle(predecessor: Task, successor: Task) -> bool:
    """True when the successor already leads (directly or not) to the predecessor."""
    links: dict[int, list[int]] = {}
    for before, after in TaskDependency.objects.filter(
        predecessor__project_id=predecessor.project_id
    ).values_list("predecessor_id", "successor_id"):
        links.setdefault(before, []).append(after)
    seen, queue = set(), deque([successor.pk])
    while queue:
        current = queue.popleft()
        if current == predecessor.pk:
            return True
        if current not in seen:
            seen.add(current)
            queue.extend(links.get(current, []))
    return False


@transaction.atomic
def task_dependency_create(
    *, predecessor: Task, successor: Task, actor: User, lag_days: int = 0
) -> tuple[TaskDependency, list[MovedTask]]:
    """Link two tasks finish-to-start; the successor and its chain move later when needed."""
    Project.objects.select_for_update().filter(pk=predecessor.project_id).first()
    if predecessor.project_id != successor.project_id:
        raise ValidationError(_("Both tasks must belong to the same project."))
    if predecessor.pk == successor.pk:
        raise ValidationError(_("A task cannot depend on itself."))
    if _creates_cycle(predecessor, successor):
        raise ValidationError(
            _("This link would make a loop: %(successor)s already leads to %(predecessor)s.")
            % {"successor": successor, "predecessor": predecessor}
        )
    dependency = TaskDependency(predecessor=predecessor, successor=successor, lag_days=lag_days)
    history_stamp(dependency, actor=actor)
    dependency.full_clean()
    dependency.save()
    return dependency, reschedule_successors(task=predecessor, actor=actor)


@transaction.atomic
def task_dependency_delete(*, dependency: TaskDependency, actor: User) -> None:
    """Remove a link between two tasks; dates stay where they are."""
    history_stamp(dependency, actor=actor)
    dependency.delete()


@transaction.atomic
def resource_create(*, actor: User, **values) -> Resource:
    """Add an engineer, technician or subcontractor crew that can be planned."""
    resource = Resource(**values)
    history_stamp(resource, actor=actor)
    resource.full_clean()
    resource.save()
    return resource


@transaction.atomic
def resource_update(*, resource: Resource, actor: User, **values) -> Resource:
    """Change a resource's details or capacity."""
    locked = Resource.objects.select_for_update().get(pk=resource.pk)
    changed = [field for field, value in values.items() if getattr(locked, field) != value]
    for field in changed:
        setattr(locked, field, values[field])
    if changed:
        history_stamp(locked, actor=actor)
        locked.full_clean()
        locked.save(update_fields=changed)
    return locked


@transaction.atomic
def assignment_set(*, task: Task, resource: Resource, hours: Decimal, actor: User) -> Assignment | None:
    """Plan a resource on a task for a number of hours; zero hours removes the assignment."""
    if task.is_milestone:
        raise ValidationError(_("A milestone takes no work: assign resources to its tasks instead."))
    if not resource.is_active:
        raise ValidationError({"resource": _("This resource is no longer active.")})
    existing = Assignment.objects.select_for_update().filter(task=task, resource=resource).first()
    if hours <= 0:
        if existing:
            history_stamp(existing, actor=actor)
            existing.delete()
            task_progress_derive(project_id=task.project_id, actor=actor)
        return None
    assignment = existing or Assignment(task=task, resource=resource)
    assignment.hours = hours
    history_stamp(assignment, actor=actor)
    assignment.full_clean()
    assignment.save()
    task_progress_derive(project_id=task.project_id, actor=actor)  # planned hours are remaining work
    return assignment


@transaction.atomic
def task_delete(*, task: Task, actor: User) -> int:
    """Remove a task with its sub-tasks, links and assignments; baselines keep their copy."""
    if task.baseline_rows.exists() and task.status == TaskStatus.DONE:
        raise ValidationError(_("A finished task that is in a baseline is kept; cancel it instead."))
    removed = Task.objects.filter(pk=task.pk).count() + _descendant_count(task)
    history_stamp(task, actor=actor)
    task.delete()
    return removed


def _descendant_count(task: Task) -> int:
    count, parents = 0, [task.pk]
    while parents:
        children = list(Task.objects.filter(parent_id__in=parents).values_list("pk", flat=True))
        count += len(children)
        parents = children
    return count


# --- remaining work and progress derived from hours (issue 15) ------------------------------------------
def task_progress_derive(*, project_id: int, actor: User | None) -> int:
    """Store approved ÷ (approved + remaining) hours as the progress of the project's tasks, when it derives.

    A task not started yet whose derived progress rises above 0 moves to in progress (started on its first
    approved day), in the same UPDATE and history row. EVM, the Gantt and the portfolio read
    `Task.progress`: keeping it here, whenever approved hours, planned
    hours or remaining work change, lets them all show the derived figure. One SELECT finds the tasks
    whose figure moved, one UPDATE stores them and one INSERT writes their history; a project whose
    progress is entered by hand is not touched. Returns the number of tasks changed."""
    # The project's row serialises derivations: a second one waits and then reads the first one's hours.
    method = (
        Project.objects.select_for_update().filter(pk=project_id).values_list("progress_method", flat=True)
    )
    if method.first() != ProgressMethod.HOURS:
        return 0
    tasks = list(tasks_with_progress_to_derive(project_id=project_id))
    if not tasks:
        return 0
    now = timezone.now()
    for task in tasks:
        task.progress, task.updated_at = task.derived_progress, now  # type: ignore[attr-defined]
        if _wanted_status(task) != task.status:
            # Work has been approved on it: it has started, on the first day booked (Task.workflow "start").
            task.actual_start = task.actual_start or task.first_booked_day  # type: ignore[attr-defined]
            Task.workflow.assign(task, _wanted_status(task))
    bulk_update_with_history(
        tasks,
        Task,
        ["progress", "status", "actual_start", "updated_at"],
        default_user=actor,
        default_change_reason=_("Progress derived from hours"),
    )
    return len(tasks)


@transaction.atomic
def task_remaining_set(*, task: Task, remaining_hours: Decimal | None, actor: User) -> Task:
    """Set the work left on a task (blank: planned less approved hours); derived progress follows."""
    if remaining_hours is not None and remaining_hours < 0:
        raise ValidationError({"remaining_hours": _("Remaining work cannot be negative.")})
    if task.is_milestone:
        raise ValidationError(_("A milestone takes no work."))
    _lock_project_before_tasks(task)
    locked = Task.objects.select_for_update().get(pk=task.pk)
    if locked.remaining_hours != remaining_hours:
        locked.remaining_hours = remaining_hours
        audited_save(locked, actor=actor, update_fields=["remaining_hours", "updated_at"])
        task_progress_derive(project_id=locked.project_id, actor=actor)
        locked.refresh_from_db(fields=["progress", "updated_at"])
    return locked


def project_progress_method_changed(*, project: Project, actor: User) -> int:
    """After a switch to derived progress, bring every task's progress in line with its hours at once."""
    if project.progress_method != ProgressMethod.HOURS:
        return 0  # back to hand entry: each task keeps its last figure, to be typed from now on
    return task_progress_derive(project_id=project.pk, actor=actor)
