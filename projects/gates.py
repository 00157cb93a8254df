"""Phase gates: each forward move of a project runs the checks registered for its target phase.

A check is one small function `check(project) -> str | None` returning what is missing, in
plain (translated) words, or None when satisfied. Apps register theirs at import time:

    @gate_check(Phase.EXECUTION)
    def plan_is_baselined(project):
        if not project.baselines.exists():
            return _("The plan has no baseline yet.")

Checks are evaluated by `gate_evaluate`; the phase-change service refuses while any check
fails, unless the head of project management overrides with a recorded reason.
"""

from collections.abc import Callable
from dataclasses import dataclass

from projects.models import Phase, Project
from projects.models.core import PHASE_WORKFLOW

GateCheck = Callable[[Project], str | None]

# Allowed phase moves (the table is Project.workflow); the forward ones (FORWARD_MOVES) are gated.
PHASE_TRANSITIONS: dict[str, tuple[str, ...]] = PHASE_WORKFLOW.table
FORWARD_MOVES = {
    (Phase.INITIATION, Phase.PLANNING),
    (Phase.PLANNING, Phase.EXECUTION),
    (Phase.EXECUTION, Phase.CLOSING),
    (Phase.CLOSING, Phase.HANDED_OVER),
}

_REGISTRY: dict[str, list[GateCheck]] = {}


def gate_check(target_phase: str) -> Callable[[GateCheck], GateCheck]:
    """Register a check that must pass before a project enters `target_phase`."""

    def register(check: GateCheck) -> GateCheck:
        checks = _REGISTRY.setdefault(target_phase, [])
        if check not in checks:
            checks.append(check)
        return check

    return register


@dataclass(frozen=True)
class GateResult:
    target_phase: str
    missing: list[str]

    @property
    def is_open(self) -> bool:
        return not self.missing


def gate_checks_for(target_phase: str) -> list[GateCheck]:
    return list(_REGISTRY.get(target_phase, []))


def gate_evaluate(*, project: Project, target_phase: str) -> GateResult:
    """Run the target phase's checks when the move is a forward one; return what is missing."""
    if (project.phase, target_phase) not in FORWARD_MOVES:
        return GateResult(target_phase=target_phase, missing=[])
    missing = [message for check in gate_checks_for(target_phase) if (message := check(project))]
    return GateResult(target_phase=target_phase, missing=[str(message) for message in missing])


# Issue 3: the starting rules of the plan and documents. One small function per rule.
from django.utils.translation import gettext as _  # noqa: E402

from projects.models import CLOSED_TASK_STATUSES  # noqa: E402


def _required_documents_check(target_phase: str) -> GateCheck:
    def required_documents_present(project: Project) -> str | None:
        required = dict(
            project.required_documents.filter(phase=target_phase).values_list("category", "title")
        )
        present = set(project.documents.filter(category__in=required).values_list("category", flat=True))
        missing = [title for category, title in required.items() if category not in present]
        if missing:
            return _("Documents missing: %(titles)s.") % {"titles": ", ".join(sorted(missing))}
        return None

    required_documents_present.__name__ = f"required_documents_for_{target_phase}"
    return required_documents_present


for _target in (Phase.PLANNING, Phase.EXECUTION, Phase.CLOSING, Phase.HANDED_OVER):
    gate_check(_target)(_required_documents_check(_target))


@gate_check(Phase.PLANNING)
def project_manager_assigned(project: Project) -> str | None:
    if project.project_manager_id is None:
        return _("No project manager is assigned.")
    return None


@gate_check(Phase.EXECUTION)
def plan_is_baselined(project: Project) -> str | None:
    if not project.tasks.exists():
        return _("The plan has no tasks yet.")
    if not project.baselines.exists():
        return _("The plan has no baseline yet.")
    return None


@gate_check(Phase.CLOSING)
def all_tasks_closed(project: Project) -> str | None:
    open_count = project.tasks.exclude(status__in=CLOSED_TASK_STATUSES).count()
    if open_count:
        return _("%(count)d task(s) are not done or cancelled.") % {"count": open_count}
    return None
