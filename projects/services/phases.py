"""Phase moves of a project: each forward move passes its gate or is overridden in writing."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmo.lib.audit import history_stamp
from pmo.models import User
from pmo.roles import Role
from projects.gates import gate_evaluate
from projects.models import PhaseChange, Project


@transaction.atomic
def project_phase_change(
    *, project: Project, target_phase: str, actor: User, reason: str = "", override: bool = False
) -> PhaseChange:
    """Move the project to another phase; refused while its gate finds something missing.

    The head of project management may override a closed gate with a written reason; the
    override and what was missing are kept on the phase change.
    """
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if not locked.workflow.can_move(locked, target_phase):
        raise locked.workflow.refuse(locked, target_phase)
    gate = gate_evaluate(project=locked, target_phase=target_phase)
    is_override = bool(gate.missing) and override
    if gate.missing and not override:
        raise ValidationError(gate.missing)
    if is_override and not actor.has_role(Role.HEAD_OF_PM):
        raise ValidationError(_("Only the head of project management may override a gate."))
    if is_override and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for overriding the gate.")})
    change = PhaseChange.objects.create(
        project=locked,
        from_phase=locked.phase,
        to_phase=target_phase,
        actor=actor,
        reason=reason.strip(),
        is_override=is_override,
        missing=gate.missing,
    )
    locked.workflow.assign(locked, target_phase)
    history_stamp(locked, actor=actor, reason=reason.strip())
    locked.save(update_fields=["phase", "updated_at"])
    return change
