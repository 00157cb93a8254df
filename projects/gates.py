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
from dataclasses import dataclass, field

from django.urls import reverse

from projects.models import Phase, Project
from projects.models.core import PHASE_WORKFLOW

GateCheck = Callable[[Project], str | None]
FixUrl = Callable[[Project], str]

# Allowed phase moves (the table is Project.workflow); the forward ones (FORWARD_MOVES) are gated.
PHASE_TRANSITIONS: dict[str, tuple[str, ...]] = PHASE_WORKFLOW.table
FORWARD_MOVES = {
    (Phase.INITIATION, Phase.PLANNING),
    (Phase.PLANNING, Phase.EXECUTION),
    (Phase.EXECUTION, Phase.CLOSING),
    (Phase.CLOSING, Phase.HANDED_OVER),
}


@dataclass(frozen=True)
class RegisteredCheck:
    run: GateCheck
    label: object  # a lazy translated string: what the check asks for
    fix_url: FixUrl  # the page where a person fixes it


_REGISTRY: dict[str, list[RegisteredCheck]] = {}


def _project_page(project: Project) -> str:
    return project.get_absolute_url()


def gate_check(
    target_phase: str, *, label=None, fix_url: FixUrl | None = None
) -> Callable[[GateCheck], GateCheck]:
    """Register a check that must pass before a project enters `target_phase`.

    `label` names the check on the phase page whether it passes or not; `fix_url(project)` is
    the page where it is fixed (the project page when not given).
    """

    def register(check: GateCheck) -> GateCheck:
        checks = _REGISTRY.setdefault(target_phase, [])
        if all(registered.run is not check for registered in checks):
            name = check.__name__.replace("_", " ").capitalize()
            checks.append(RegisteredCheck(check, label or name, fix_url or _project_page))
        return check

    return register


@dataclass(frozen=True)
class GateCheckResult:
    label: str
    is_passed: bool
    detail: str
    fix_url: str


@dataclass(frozen=True)
class GateResult:
    target_phase: str
    missing: list[str]
    checks: list[GateCheckResult] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return not self.missing


def gate_checks_for(target_phase: str) -> list[GateCheck]:
    return [registered.run for registered in _REGISTRY.get(target_phase, [])]


def gate_evaluate(*, project: Project, target_phase: str) -> GateResult:
    """Run the target phase's checks when the move is a forward one; say how each one stands."""
    if (project.phase, target_phase) not in FORWARD_MOVES:
        return GateResult(target_phase=target_phase, missing=[])
    checks = []
    for registered in _REGISTRY.get(target_phase, []):
        message = registered.run(project)
        checks.append(
            GateCheckResult(
                label=str(registered.label),
                is_passed=not message,
                detail=str(message or ""),
                fix_url="" if not message else registered.fix_url(project),
            )
        )
    missing = [check.detail for check in checks if not check.is_passed]
    return GateResult(target_phase=target_phase, missing=missing, checks=checks)


# Issue 3: the starting rules of the plan and documents. One small function per rule.
from django.db.models import Exists, OuterRef  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from django.utils.translation import gettext_lazy  # noqa: E402

from projects.models import CLOSED_TASK_STATUSES  # noqa: E402


def _closure_overridden(project: Project) -> bool:
    """The head of PM's closure override covers every closure check, required documents included."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        validation = project.closure_validation  # the quality app's closure validation, if any
    except (AttributeError, ObjectDoesNotExist):
        return False
    return validation.status == "overridden"


def _required_documents_check(target_phase: str) -> GateCheck:
    def required_documents_present(project: Project) -> str | None:
        if target_phase == Phase.HANDED_OVER and _closure_overridden(project):
            return None
        # One query whatever the checklist: with two, an empty checklist skipped the second, and the
        # project page's queries differed from one project to the next (issue 14).
        present = Exists(project.documents.filter(category=OuterRef("category")))
        required = project.required_documents.filter(phase=target_phase).annotate(present=present)
        missing = [title for title, is_present in required.values_list("title", "present") if not is_present]
        if missing:
            return _("Documents missing: %(titles)s.") % {"titles": ", ".join(sorted(missing))}
        return None

    required_documents_present.__name__ = f"required_documents_for_{target_phase}"
    return required_documents_present


def _url(name: str) -> FixUrl:
    return lambda project: reverse(name, args=[project.pk])


for _target in (Phase.PLANNING, Phase.EXECUTION, Phase.CLOSING, Phase.HANDED_OVER):
    gate_check(
        _target,
        label=gettext_lazy("Required documents of the phase present"),
        fix_url=_url("projects:project-documents"),
    )(_required_documents_check(_target))


@gate_check(
    Phase.PLANNING, label=gettext_lazy("Project manager assigned"), fix_url=_url("projects:project-update")
)
def project_manager_assigned(project: Project) -> str | None:
    if project.project_manager_id is None:
        return _("No project manager is assigned.")
    return None


@gate_check(
    Phase.EXECUTION, label=gettext_lazy("Plan with a baseline"), fix_url=_url("projects:project-plan")
)
def plan_is_baselined(project: Project) -> str | None:
    if not project.tasks.exists():
        return _("The plan has no tasks yet.")
    if not project.baselines.exists():
        return _("The plan has no baseline yet.")
    return None


@gate_check(
    Phase.CLOSING, label=gettext_lazy("All tasks done or cancelled"), fix_url=_url("projects:project-plan")
)
def all_tasks_closed(project: Project) -> str | None:
    open_count = project.tasks.exclude(status__in=CLOSED_TASK_STATUSES).count()
    if open_count:
        return _("%(count)d task(s) are not done or cancelled.") % {"count": open_count}
    return None
