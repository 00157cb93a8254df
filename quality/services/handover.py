"""The hand-over package to the SMO: build it, submit it, and the SMO's acceptance or return."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save
from pmo.models import User
from pmo.roles import Role
from projects.choices import Phase
from projects.services.phases import project_phase_change
from quality.models import (
    ClosureValidation,
    ConfigurationItem,
    Handover,
    HandoverDecisionKind,
    HandoverEvent,
    HandoverStatus,
    SupportContract,
    TransferredItem,
)

if TYPE_CHECKING:
    from projects.models import Project

HANDOVER_FIELDS = (
    "smo_owner",
    "language",
    "service_name",
    "scope",
    "service_levels",
    "support_model",
    "documentation",
    "access_handover",
    "els_start",
    "els_end",
    "els_exit_criteria",
    "concessions",
)


def _check_smo_owner(user: User | None) -> None:
    if user is not None and not user.has_role(Role.SMO):
        raise ValidationError(
            {"smo_owner": _("%(user)s is not in the service management office.") % {"user": user}}
        )


@transaction.atomic
def handover_create(*, project: Project, actor: User, **values) -> Handover:
    """Start the project's hand-over package, addressed to an SMO service owner."""
    if project.phase not in (Phase.EXECUTION, Phase.CLOSING):
        raise ValidationError(_("A hand-over is prepared at the end of execution or while closing."))
    if Handover.objects.filter(project=project).exists():
        raise ValidationError(_("This project already has a hand-over."))
    _check_smo_owner(values.get("smo_owner"))
    if not values.get("language") and values.get("smo_owner") is not None:
        values["language"] = values["smo_owner"].preferred_language
    handover = Handover(
        project=project,
        created_by=actor,
        **{field: values[field] for field in HANDOVER_FIELDS if field in values},
    )
    audited_save(handover, actor=actor)
    return handover


def _locked_editable(handover: Handover) -> Handover:
    locked = Handover.objects.select_for_update().get(pk=handover.pk)
    if not locked.is_editable:
        raise ValidationError(_("The hand-over is with the SMO or accepted and can no longer change."))
    return locked


@transaction.atomic
def handover_update(*, handover: Handover, actor: User, **values) -> Handover:
    """Change the package while it is a draft or was returned."""
    handover = _locked_editable(handover)
    _check_smo_owner(values.get("smo_owner"))
    if "language" in values and not values["language"]:
        values["language"] = (values.get("smo_owner") or handover.smo_owner).preferred_language
    changed = [f for f in HANDOVER_FIELDS if f in values and getattr(handover, f) != values[f]]
    for field in changed:
        setattr(handover, field, values[field])
    if changed:
        audited_save(handover, actor=actor, update_fields=changed)
    return handover


PART_MODELS = {
    "configuration_item": ConfigurationItem,
    "support_contract": SupportContract,
    "open_item": TransferredItem,
}


@transaction.atomic
def handover_part_add(*, handover: Handover, actor: User, part: str, **values):
    """Add a configuration item, a support contract or a transferred open item to the package."""
    handover = _locked_editable(handover)
    instance = PART_MODELS[part](handover=handover, **values)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def handover_part_remove(*, handover: Handover, actor: User, part: str, pk: int) -> None:
    """Remove one part from the package while it is editable."""
    handover = _locked_editable(handover)
    PART_MODELS[part]._default_manager.filter(handover=handover, pk=pk).delete()


def _record(handover: Handover, kind: str, actor: User, reason: str = "") -> None:
    from quality import tasks

    event = HandoverEvent.objects.create(handover=handover, kind=kind, actor=actor, reason=reason)
    transaction.on_commit(lambda: tasks.handover_event_notify_task.delay(event.pk))


def _event_recipients(event: HandoverEvent) -> list[User]:
    project = event.handover.project
    if event.kind == HandoverDecisionKind.SUBMITTED:
        return [event.handover.smo_owner]
    return [user for user in (project.project_manager, project.support_officer) if user is not None]


def handover_event_notify(*, event_id: int) -> bool:
    """Email the other side of a hand-over step once: the SMO on submission, the team on a decision."""
    from django.urls import reverse

    from pmo.models import NotificationEvent
    from pmo.services import notification_send

    claimed = HandoverEvent.objects.filter(pk=event_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return False
    event = HandoverEvent.objects.select_related("handover__project", "handover__smo_owner", "actor").get(
        pk=event_id
    )
    link = settings.SITE_URL.rstrip("/") + reverse("quality:handover-detail", args=[event.handover_id])
    try:
        for user in _event_recipients(event):
            if not user.email:
                continue
            with translation.override(user.preferred_language):
                context = {"event": event, "handover": event.handover, "link": link, "user": user}
                subject = render_to_string("quality/email/handover_subject.txt", context).strip()
                body = render_to_string("quality/email/handover_body.txt", context)
            notification_send(
                recipient=user,
                event=NotificationEvent.HANDOVER,
                subject=subject,
                body=body,
                link=reverse("quality:handover-detail", args=[event.handover_id]),
                project=event.handover.project,
            )
    except Exception:
        HandoverEvent.objects.filter(pk=event_id).update(notified_at=None)
        raise
    return True


@transaction.atomic
def handover_submit(*, handover: Handover, actor: User) -> Handover:
    """Send the package to the SMO; the project must be closing with a passed closure validation."""
    handover = Handover.objects.select_for_update().select_related("project").get(pk=handover.pk)
    handover.workflow.assign(handover, HandoverStatus.SUBMITTED)
    if handover.project.phase != Phase.CLOSING:
        raise ValidationError(_("The project must be in the closing phase."))
    validation = ClosureValidation.objects.filter(project=handover.project).first()
    if validation is None or not validation.is_passed:
        raise ValidationError(_("The closure validation must pass before the hand-over goes to the SMO."))
    if not handover.configuration_items.exists():
        raise ValidationError(_("List at least one configuration item."))
    _check_no_blockers(handover.project, intro=_("The SMO could not accept this hand-over yet:"))
    handover.status, handover.submitted_at = HandoverStatus.SUBMITTED, timezone.now()
    audited_save(handover, actor=actor, update_fields=["status", "submitted_at"])
    _record(handover, HandoverDecisionKind.SUBMITTED, actor)
    return handover


def handover_blockers(*, project: Project) -> list[str]:
    """What still keeps the project from being handed over, apart from the SMO's own acceptance."""
    from projects.gates import gate_evaluate
    from quality.gates import handover_accepted_by_smo

    if project.phase != Phase.CLOSING:
        return [_("The project must be in the closing phase.")]
    gate = gate_evaluate(project=project, target_phase=Phase.HANDED_OVER)
    own = handover_accepted_by_smo(project)
    return [message for message in gate.missing if message != own]


def _who_clears(project: Project) -> str:
    officer = project.support_officer
    if officer is not None:
        return _("%(officer)s (PMO) clears this, or the head of project management overrides it.") % {
            "officer": officer
        }
    return _("The PMO clears this, or the head of project management overrides it.")


def _check_no_blockers(project: Project, *, intro: str) -> None:
    blockers = handover_blockers(project=project)
    if blockers:
        raise ValidationError(f"{intro} {' '.join(blockers)} {_who_clears(project)}")


def _locked_for_decision(handover: Handover, actor: User, target: str) -> Handover:
    locked = Handover.objects.select_for_update().select_related("project").get(pk=handover.pk)
    if not (actor.has_role(Role.SMO) and locked.smo_owner_id == actor.pk):
        raise ValidationError(_("Only the SMO service owner it is addressed to decides on this hand-over."))
    locked.workflow.assign(locked, target)
    return locked


@transaction.atomic
def handover_accept(*, handover: Handover, actor: User) -> Handover:
    """The SMO accepts the package into operation; the project becomes handed over."""
    handover = _locked_for_decision(handover, actor, HandoverStatus.ACCEPTED)
    _check_no_blockers(handover.project, intro=_("The project cannot be handed over yet:"))
    handover.status, handover.decided_at = HandoverStatus.ACCEPTED, timezone.now()
    audited_save(handover, actor=actor, update_fields=["status", "decided_at"])
    _record(handover, HandoverDecisionKind.ACCEPTED, actor)
    project_phase_change(
        project=handover.project,
        target_phase=Phase.HANDED_OVER,
        actor=actor,
        reason="Hand-over accepted by SMO",
    )
    return handover


@transaction.atomic
def handover_return(*, handover: Handover, actor: User, reason: str) -> Handover:
    """The SMO sends the package back with its reasons; the project team completes it."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say what is missing or wrong.")})
    handover = _locked_for_decision(handover, actor, HandoverStatus.RETURNED)
    handover.status, handover.decided_at = HandoverStatus.RETURNED, timezone.now()
    audited_save(handover, actor=actor, update_fields=["status", "decided_at"], reason=reason)
    _record(handover, HandoverDecisionKind.RETURNED, actor, reason)
    return handover


def handover_pdf_render(*, handover: Handover, context: dict) -> bytes:
    """Render the package to PDF in its own language (the SMO's)."""
    from weasyprint import HTML

    from pmo.lib.documents import document_company_context

    with translation.override(handover.language):
        context = {**context, **document_company_context(), "handover": handover}
        html = render_to_string("quality/handover_pdf.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
