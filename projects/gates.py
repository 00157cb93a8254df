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

GateCheck = Callable[[Project], str | None]

# Allowed phase moves; the forward ones (FORWARD_MOVES) are gated.
PHASE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Phase.INITIATION: (Phase.PLANNING, Phase.ON_HOLD, Phase.CANCELLED),
    Phase.PLANNING: (Phase.EXECUTION, Phase.ON_HOLD, Phase.CANCELLED),
    Phase.EXECUTION: (Phase.CLOSING, Phase.ON_HOLD, Phase.CANCELLED),
    Phase.CLOSING: (Phase.HANDED_OVER, Phase.EXECUTION, Phase.ON_HOLD),
    Phase.ON_HOLD: (Phase.INITIATION, Phase.PLANNING, Phase.EXECUTION, Phase.CLOSING, Phase.CANCELLED),
    Phase.HANDED_OVER: (),
    Phase.CANCELLED: (),
}
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
