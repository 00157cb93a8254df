"""Change requests: drafted, submitted, assessed, then approved or rejected by whoever the amount
and the project Level allow; an approval moves the money and takes a plan baseline in one transaction.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save, history_stamp
from pmo.models import User
from pmo.roles import Role
from projects import hooks
from projects.models import CLOSED_TASK_STATUSES, LEVEL_1_LIMIT, ChangeRequest, Project, Task, TaskKind
from projects.services.plan import MovedTask, plan_baseline_create, reschedule_successors
from projects.services.registers_common import (
    register_entry_create,
    register_entry_lock,
    register_entry_transition,
    register_entry_update,
)

CHANGE_REQUEST_FIELDS = (
    "title",
    "description",
    "justification",
    "requested_by",
    "cost_impact",
    "cost_category",
    "is_billable",
    "price_impact",
    "time_impact_days",
    "scope_added",
    "scope_removed",
    "risk_impact",
    "quality_impact",
)

# Changes a project manager may approve alone, by project Level; above them the head of PM decides.
CHANGE_APPROVAL_LIMITS = {1: Decimal("10000.00"), 2: Decimal("25000.00"), 3: Decimal("50000.00")}
# Cost categories of the budget lines a change may go to (the money module's categories).
DEFAULT_COST_CATEGORY = "contingency"


@transaction.atomic
def change_request_create(*, project: Project, actor: User, **values) -> ChangeRequest:
    """Draft a change request."""
    values.setdefault("requested_by", actor)
    return register_entry_create(
        ChangeRequest, project=project, actor=actor, fields=CHANGE_REQUEST_FIELDS, values=values
    )


@transaction.atomic
def change_request_update(*, change_request: ChangeRequest, actor: User, **values) -> ChangeRequest:
    """Change a change request while it is not yet decided."""
    change_request = register_entry_lock(change_request)
    if change_request.status not in ChangeRequest.OPEN_STATUSES:
        raise ValidationError(_("A decided change request cannot be changed."))
    return register_entry_update(change_request, actor=actor, fields=CHANGE_REQUEST_FIELDS, values=values)


@transaction.atomic
def change_request_submit(*, change_request: ChangeRequest, actor: User) -> ChangeRequest:
    """Submit a draft for assessment."""
    change_request = register_entry_lock(change_request)
    change_request.submitted_at = timezone.now()
    return register_entry_transition(
        change_request, status=ChangeRequest.Status.SUBMITTED, actor=actor, extra_fields=("submitted_at",)
    )


@transaction.atomic
def change_request_assess(*, change_request: ChangeRequest, actor: User) -> ChangeRequest:
    """Record that the impact on cost, time, scope, risk and quality has been assessed."""
    change_request = register_entry_lock(change_request)
    change_request.assessed_by = actor
    return register_entry_transition(
        change_request, status=ChangeRequest.Status.ASSESSED, actor=actor, extra_fields=("assessed_by",)
    )


def change_request_needs_head_of_pm(*, change_request: ChangeRequest) -> bool:
    """Above the Level's limit, or taking a Level 1 project over its ceiling, the head of PM decides."""
    project = change_request.project
    amount = max(abs(change_request.cost_impact), abs(change_request.price_impact))
    if amount > CHANGE_APPROVAL_LIMITS[project.level]:
        return True
    return project.level == 1 and project.budget + change_request.cost_impact > LEVEL_1_LIMIT


def change_request_may_decide(*, user: User, change_request: ChangeRequest) -> bool:
    """Whether the user may approve or reject this change request."""
    if user.has_role(Role.HEAD_OF_PM):
        return True
    if not user.has_role(Role.PROJECT_MANAGER, Role.PM_SUPPORT):
        return False
    if not user.has_perm("projects.change_project", change_request.project):
        return False
    return not change_request_needs_head_of_pm(change_request=change_request)


def _decide_check(change_request: ChangeRequest, actor: User) -> None:
    if not change_request_may_decide(user=actor, change_request=change_request):
        raise ValidationError(
            _("This change is above your approval limit: the head of project management decides.")
        )


@transaction.atomic
def change_request_reject(*, change_request: ChangeRequest, actor: User, reason: str) -> ChangeRequest:
    """Reject a change request with a reason."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the change is rejected.")})
    change_request = register_entry_lock(change_request)
    _decide_check(change_request, actor)
    change_request.decided_by, change_request.decided_at = actor, timezone.now()
    change_request.decision_note = reason.strip()
    return register_entry_transition(
        change_request,
        status=ChangeRequest.Status.REJECTED,
        actor=actor,
        reason=reason,
        extra_fields=("decided_by", "decided_at", "decision_note"),
    )


def _working_days_after(start: date, days: int) -> date:
    """The date `days` working days (Monday to Friday) after `start`."""
    current = start
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


def _tasks_delay(*, project: Project, task_ids, days: int, actor: User, reason: str) -> list[MovedTask]:
    """The chosen tasks finish `days` later (a milestone moves whole); their successors follow."""
    moved: list[MovedTask] = []
    tasks = Task.objects.filter(project=project, pk__in=list(task_ids)).order_by("sort_order")
    for task in tasks:
        if task.is_closed:
            continue
        old_end = task.planned_end
        task.planned_end = _working_days_after(old_end, days)
        if task.kind == TaskKind.MILESTONE:
            task.planned_start = task.planned_end
        audited_save(task, actor=actor, update_fields=["planned_start", "planned_end"], reason=reason)
        moved.append(MovedTask(task=task, old_start=old_end, new_start=task.planned_end))
        moved += reschedule_successors(task=task, actor=actor)
    latest: dict[int, MovedTask] = {}
    for entry in moved:
        first = latest.get(entry.task.pk)
        latest[entry.task.pk] = (
            entry if first is None else MovedTask(entry.task, first.old_start, entry.new_start)
        )
    return sorted(latest.values(), key=lambda entry: entry.task.sort_order)


@transaction.atomic
def change_request_approve(
    *, change_request: ChangeRequest, actor: User, note: str = "", task_ids=()
) -> ChangeRequest:
    """Approve a change: its budget line, the budget and (when billable) the contract value move,
    the chosen tasks absorb the time impact (their successors follow), then a new named plan
    baseline is taken and linked, all in one transaction. `moved_tasks` on the result says what
    moved (a chosen task by its end date, a successor by its start date)."""
    budget_line_adjust = hooks.budget.adjust  # procurement owns budget lines (projects.hooks)

    change_request = register_entry_lock(change_request)
    project = Project.objects.select_for_update().get(pk=change_request.project_id)
    change_request.project = project
    _decide_check(change_request, actor)
    if change_request.status != ChangeRequest.Status.ASSESSED:
        raise ValidationError(_("Only an assessed change request can be approved."))
    reason = _("Change request %(reference)s approved") % {"reference": change_request.reference}
    if change_request.cost_impact:
        budget_line_adjust(
            project=project,
            category=change_request.cost_category or DEFAULT_COST_CATEGORY,
            amount=change_request.cost_impact,
            actor=actor,
            reason=reason,
        )
    _project_money_adjust(project, change_request, actor=actor, reason=reason)
    open_tasks = Task.objects.filter(project=project).exclude(status__in=CLOSED_TASK_STATUSES)
    if change_request.time_impact_days and not task_ids and open_tasks.exists():
        raise ValidationError(
            {
                "tasks": _("Choose the tasks the %(days)d days of time impact fall on.")
                % {"days": change_request.time_impact_days}
            }
        )
    moved = _tasks_delay(
        project=project,
        task_ids=task_ids if change_request.time_impact_days else (),
        days=change_request.time_impact_days or 0,
        actor=actor,
        reason=reason,
    )
    change_request.baseline = plan_baseline_create(
        project=project,
        name=f"{change_request.reference} {change_request.title}"[:200],
        actor=actor,
        reason=reason,
    )
    change_request.decided_by, change_request.decided_at = actor, timezone.now()
    change_request.decision_note = note.strip()
    approved = register_entry_transition(
        change_request,
        status=ChangeRequest.Status.APPROVED,
        actor=actor,
        reason=reason,
        extra_fields=("baseline", "decided_by", "decided_at", "decision_note"),
    )
    approved.moved_tasks = moved
    return approved


def _project_money_adjust(
    project: Project, change_request: ChangeRequest, *, actor: User, reason: str
) -> None:
    """The project's budget follows the change; its contract value too when the customer pays for it."""
    changed = []
    if change_request.cost_impact:
        project.budget += change_request.cost_impact
        changed.append("budget")
    if change_request.is_billable and change_request.price_impact:
        project.contract_value += change_request.price_impact
        changed.append("contract_value")
    if not changed:
        return
    history_stamp(project, actor=actor, reason=reason)
    project.full_clean(exclude=["code"])
    project.save(update_fields=[*changed, "updated_at"])
    project.refresh_from_db(fields=["level"])


@transaction.atomic
def change_request_implement(*, change_request: ChangeRequest, actor: User) -> ChangeRequest:
    """Record that an approved change has been carried out."""
    change_request = register_entry_lock(change_request)
    change_request.implemented_at = timezone.now()
    return register_entry_transition(
        change_request, status=ChangeRequest.Status.IMPLEMENTED, actor=actor, extra_fields=("implemented_at",)
    )
