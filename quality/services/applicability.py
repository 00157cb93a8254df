"""Statement of applicability: controls a project declares not applicable, with the reason kept."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save, history_stamp
from pmo.models import User
from quality.models import ControlApplicability
from quality.selectors.coverage import reference_list

if TYPE_CHECKING:
    from projects.models import Project


@transaction.atomic
def control_mark_not_applicable(
    *, project: Project, standard: str, reference: str, reason: str, actor: User
) -> ControlApplicability:
    """Declare one clause or control not applicable to the project; a review then shows it as such."""
    if reference not in {leaf.id for leaf in reference_list(standard).leaves}:
        raise ValidationError(
            {"reference": _("%(reference)s is not in the standard.") % {"reference": reference}}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the control does not apply to this project.")})
    decision = (
        ControlApplicability.objects.select_for_update()
        .filter(project=project, standard=standard, reference=reference)
        .first()
    ) or ControlApplicability(project=project, standard=standard, reference=reference, decided_by=actor)
    decision.reason, decision.decided_by = reason.strip(), actor
    audited_save(decision, actor=actor)
    return decision


@transaction.atomic
def control_mark_applicable(*, project: Project, standard: str, reference: str, actor: User) -> None:
    """Withdraw a not-applicable decision; the history keeps who decided what and when."""
    decision = ControlApplicability.objects.filter(
        project=project, standard=standard, reference=reference
    ).first()
    if decision is None:
        return
    history_stamp(decision, actor=actor)
    decision.delete()
