"""Closure validation: automatic checks, the closure checklist, and the head of PM's override."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save
from pmo.models import User
from pmo.roles import Role
from projects.choices import Phase
from quality.closure_checks import closure_checks_run
from quality.models import ChecklistKind, ChecklistTemplate, ClosureStatus, ClosureValidation
from quality.services.reviews import review_schedule

if TYPE_CHECKING:
    from projects.models import Project

CLOSURE_PHASES = (Phase.EXECUTION, Phase.CLOSING)


@transaction.atomic
def closure_validation_start(*, project: Project, actor: User) -> ClosureValidation:
    """Open the project's closure validation and schedule its closure checklist."""
    if project.phase not in CLOSURE_PHASES:
        raise ValidationError(_("Closure starts at the end of execution or in the closing phase."))
    validation, _created = ClosureValidation.objects.select_for_update().get_or_create(project=project)
    if validation.checklist_id is None:
        template = (
            ChecklistTemplate.objects.filter(kind=ChecklistKind.CLOSURE, is_active=True)
            .order_by("-version")
            .first()
        )
        if template is None:
            raise ValidationError(_("No active closure checklist exists; ask an administrator."))
        validation.checklist = review_schedule(
            project=project,
            template=template,
            reviewer=project.support_officer or actor,
            scheduled_for=timezone.localdate(),
            actor=actor,
            gate_phase=Phase.HANDED_OVER,
        )
        audited_save(validation, actor=actor)
    return validation


@transaction.atomic
def closure_validation_evaluate(*, project: Project, actor: User) -> ClosureValidation:
    """Run every check now, keep the results, and pass the validation when all succeed."""
    validation = closure_validation_start(project=project, actor=actor)
    validation = ClosureValidation.objects.select_for_update().get(pk=validation.pk)
    results = closure_checks_run(project=project)
    validation.results = [
        {"code": r.code, "label": r.label, "is_passed": r.is_passed, "detail": r.detail} for r in results
    ]
    validation.evaluated_at, validation.evaluated_by = timezone.now(), actor
    if all(result.is_passed for result in results):
        validation.status = ClosureStatus.PASSED
    elif validation.status == ClosureStatus.PASSED:
        validation.status = ClosureStatus.OPEN
    audited_save(validation, actor=actor, update_fields=["results", "evaluated_at", "evaluated_by", "status"])
    return validation


@transaction.atomic
def closure_validation_override(*, project: Project, actor: User, reason: str) -> ClosureValidation:
    """The head of project management lets closure pass despite failing checks, with a reason."""
    if not actor.has_role(Role.HEAD_OF_PM):
        raise ValidationError(_("Only the head of project management can override the closure validation."))
    if not reason.strip():
        raise ValidationError({"override_reason": _("Give a reason for the override.")})
    validation = closure_validation_start(project=project, actor=actor)
    validation = ClosureValidation.objects.select_for_update().get(pk=validation.pk)
    if validation.status == ClosureStatus.PASSED:
        raise ValidationError(_("The closure validation already passed."))
    validation.status, validation.override_reason, validation.overridden_by = (
        ClosureStatus.OVERRIDDEN,
        reason,
        actor,
    )
    audited_save(
        validation, actor=actor, update_fields=["status", "override_reason", "overridden_by"], reason=reason
    )
    return validation
