"""Reviews, their answers, findings and corrective actions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save
from pmo.models import User
from pmo.services import sequence_next
from projects.selectors import project_team_user_ids
from quality.models import (
    NONCONFORM_RATINGS,
    RATING_CREDIT,
    ActionStatus,
    ChecklistItem,
    ChecklistTemplate,
    CorrectiveAction,
    Finding,
    FindingSeverity,
    FindingSource,
    FindingStatus,
    Rating,
    Review,
    ReviewAnswer,
    ReviewPurpose,
    ReviewStatus,
    SafetyIncident,
)
from quality.selectors.coverage import answer_waiver, project_not_applicable

if TYPE_CHECKING:
    from projects.models import Project

SEVERITY_OF_RATING: dict[str, str] = {
    Rating.MINOR_NC: FindingSeverity.MINOR,
    Rating.MAJOR_NC: FindingSeverity.MAJOR,
}


@transaction.atomic
def review_schedule(
    *,
    project: Project,
    template: ChecklistTemplate,
    reviewer: User,
    scheduled_for: date,
    actor: User,
    gate_phase: str = "",
    purpose: str = ReviewPurpose.REVIEW,
) -> Review:
    """Plan a review of a project on a template version, optionally required before a phase."""
    if not template.is_active:
        raise ValidationError({"template": _("This checklist version is retired; use the current one.")})
    if purpose == ReviewPurpose.INTERNAL_AUDIT and reviewer.pk in project_team_user_ids(project=project):
        raise ValidationError(
            {
                "reviewer": _(
                    "%(name)s works on this project; an internal audit needs an auditor who is not on the "
                    "project's team (PM, support officer or assigned resources)."
                )
                % {"name": str(reviewer)}
            }
        )
    review = Review(
        project=project,
        template=template,
        reviewer=reviewer,
        scheduled_for=scheduled_for,
        gate_phase=gate_phase,
        purpose=purpose,
    )
    audited_save(review, actor=actor)
    items = ChecklistItem.objects.filter(section__template=template)
    ReviewAnswer.objects.bulk_create(ReviewAnswer(review=review, item=item) for item in items)
    return review


def _locked_open_review(review: Review) -> Review:
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if not locked.is_open:
        raise ValidationError(_("This review is closed and can no longer change."))
    return locked


@transaction.atomic
def review_answer_save(
    *,
    answer: ReviewAnswer,
    actor: User,
    rating: str,
    comment: str = "",
    evidence_reference: str = "",
    evidence_file=None,
    evidence_document=None,
) -> ReviewAnswer:
    """Record the answer to one item; the review moves to in progress."""
    review = _locked_open_review(answer.review)
    if rating in NONCONFORM_RATINGS and not comment.strip():
        raise ValidationError({"comment": _("Describe the nonconformity.")})
    if evidence_document is not None and evidence_document.project_id != review.project_id:
        raise ValidationError({"evidence_document": _("Choose a document of this project.")})
    answer.rating, answer.comment, answer.evidence_reference = rating, comment, evidence_reference
    if evidence_document is not None:
        answer.evidence_document = evidence_document
    if evidence_file is not None:
        answer.evidence_file = evidence_file
    answer.answered_at = timezone.now()
    audited_save(answer, actor=actor)
    if review.status == ReviewStatus.SCHEDULED:
        review.status = ReviewStatus.IN_PROGRESS
        audited_save(review, actor=actor, update_fields=["status"])
    return answer


def review_score(*, answers: list[ReviewAnswer], waived: frozenset[int] = frozenset()) -> Decimal | None:
    """Weighted share of conform answers, in percent; not-applicable items do not count."""
    counted = [answer for answer in answers if answer.rating in RATING_CREDIT and answer.pk not in waived]
    total = sum(answer.item.weight for answer in counted)
    if not total:
        return None
    earned = sum(
        (Decimal(str(RATING_CREDIT[answer.rating])) * answer.item.weight for answer in counted), Decimal(0)
    )
    return (earned * 100 / total).quantize(Decimal("0.1"))


@transaction.atomic
def review_complete(*, review: Review, actor: User, summary: str = "") -> Review:
    """Close a review: every item answered, evidence where required, a finding per nonconformity."""
    review = _locked_open_review(review)
    answers = list(
        review.answers.select_related("item").order_by("item__section__position", "item__position")
    )
    waived = review_waived_answers(review=review, answers=answers)
    missing = [
        answer.item.reference or str(answer.item.position)
        for answer in answers
        if not answer.rating and answer.pk not in waived
    ]
    if missing:
        raise ValidationError(
            _("Answer every item first (missing: %(items)s).") % {"items": ", ".join(missing)}
        )
    without_evidence = [
        answer.item.reference or str(answer.item.position)
        for answer in answers
        if answer.item.is_evidence_required
        and answer.pk not in waived
        and answer.rating != Rating.NOT_APPLICABLE
        and not answer.has_evidence
    ]
    if without_evidence:
        raise ValidationError(
            _("These items need evidence: %(items)s.") % {"items": ", ".join(without_evidence)}
        )
    for answer in answers:
        if answer.rating in NONCONFORM_RATINGS:
            finding_create(
                project=review.project,
                actor=actor,
                description=answer.comment,
                severity=SEVERITY_OF_RATING[answer.rating],
                reference=answer.item.reference,
                review=review,
                answer=answer,
            )
    review.workflow.assign(review, ReviewStatus.COMPLETED)
    review.status, review.completed_at, review.summary = ReviewStatus.COMPLETED, timezone.now(), summary
    review.score = review_score(answers=answers, waived=waived)
    audited_save(review, actor=actor, update_fields=["status", "completed_at", "summary", "score"])
    return review


def review_waived_answers(*, review: Review, answers: list[ReviewAnswer]) -> frozenset[int]:
    """Answers whose every cited control the project declared not applicable (statement of applicability)."""
    if not review.template.standard:
        return frozenset()
    not_applicable = project_not_applicable(project=review.project, standard=review.template.standard)
    if not not_applicable:
        return frozenset()
    return frozenset(
        answer.pk for answer in answers if answer_waiver(answer=answer, not_applicable=not_applicable)
    )


@transaction.atomic
def review_cancel(*, review: Review, actor: User, reason: str) -> Review:
    """Cancel an open review, with the reason kept in its history."""
    review = _locked_open_review(review)
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    review.status = ReviewStatus.CANCELLED
    audited_save(review, actor=actor, update_fields=["status"], reason=reason)
    return review


@transaction.atomic
def finding_create(
    *,
    project: Project,
    actor: User,
    description: str,
    severity: str,
    reference: str = "",
    source: str = FindingSource.AUDIT,
    review: Review | None = None,
    answer: ReviewAnswer | None = None,
    containment: str = "",
) -> Finding:
    """Raise a finding with the next number of the year (NC-YYYY-NNNNN)."""
    year = timezone.localdate().year
    finding = Finding(
        number=f"NC-{year}-{sequence_next(series='finding', year=year):05d}",
        project=project,
        review=review,
        answer=answer,
        source=source,
        reference=reference,
        description=description,
        severity=severity,
        containment=containment,
        raised_by=actor,
    )
    audited_save(finding, actor=actor)
    return finding


@transaction.atomic
def finding_update(*, finding: Finding, actor: User, containment: str, root_cause: str) -> Finding:
    """Record the correction and the root cause of an open finding."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if not finding.is_open:
        raise ValidationError(_("This finding is closed."))
    finding.containment, finding.root_cause = containment, root_cause
    audited_save(finding, actor=actor, update_fields=["containment", "root_cause"])
    return finding


@transaction.atomic
def finding_close(*, finding: Finding, actor: User) -> Finding:
    """Close a finding once a root cause is known and every action is verified or cancelled."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    finding.workflow.assign(finding, FindingStatus.CLOSED)
    if finding.severity != FindingSeverity.OBSERVATION and not finding.root_cause.strip():
        raise ValidationError(_("Record the root cause before closing the finding."))
    if finding.actions.filter(status__in=(ActionStatus.OPEN, ActionStatus.DONE)).exists():
        raise ValidationError(_("Every corrective action must be verified or cancelled first."))
    finding.status, finding.closed_at, finding.closed_by = FindingStatus.CLOSED, timezone.now(), actor
    audited_save(finding, actor=actor, update_fields=["status", "closed_at", "closed_by"])
    return finding


def _finding_follow_actions(finding: Finding, actor: User) -> None:
    """Move the finding along as its actions progress (action planned, in verification)."""
    statuses = set(finding.actions.values_list("status", flat=True))
    if ActionStatus.OPEN in statuses:
        target = FindingStatus.ACTION_PLANNED
    elif ActionStatus.DONE in statuses:
        target = FindingStatus.IN_VERIFICATION
    else:
        return
    if finding.status != target and finding.is_open:
        finding.status = target
        audited_save(finding, actor=actor, update_fields=["status"])


@transaction.atomic
def corrective_action_create(
    *,
    actor: User,
    description: str,
    owner: User,
    due_date: date,
    finding: Finding | None = None,
    incident: SafetyIncident | None = None,
) -> CorrectiveAction:
    """Plan a corrective action against a finding or a safety incident."""
    cause = finding or incident
    if cause is None:
        raise ValidationError(_("A corrective action needs a finding or an incident."))
    if finding is not None and not finding.is_open:
        raise ValidationError(_("This finding is closed."))
    action = CorrectiveAction(
        project_id=cause.project_id,
        finding=finding,
        incident=incident,
        description=description,
        owner=owner,
        due_date=due_date,
    )
    audited_save(action, actor=actor)
    if finding is not None:
        _finding_follow_actions(finding, actor)
    return action


def _corrective_action_move(action: CorrectiveAction, target: str) -> CorrectiveAction:
    locked = (
        CorrectiveAction.objects.select_for_update(of=("self",)).select_related("finding").get(pk=action.pk)
    )
    locked.workflow.assign(locked, target)
    return locked


@transaction.atomic
def corrective_action_complete(*, action: CorrectiveAction, actor: User) -> CorrectiveAction:
    """The owner reports the action done; it waits for a verification of effectiveness."""
    action = _corrective_action_move(action, ActionStatus.DONE)
    action.status, action.done_at = ActionStatus.DONE, timezone.now()
    audited_save(action, actor=actor, update_fields=["status", "done_at"])
    if action.finding is not None:
        _finding_follow_actions(action.finding, actor)
    return action


@transaction.atomic
def corrective_action_verify(
    *, action: CorrectiveAction, actor: User, is_effective: bool, verification: str
) -> CorrectiveAction:
    """Record the effectiveness check: effective closes the action, not effective reopens it."""
    if not verification.strip():
        raise ValidationError({"verification": _("Describe how the effectiveness was checked.")})
    target = ActionStatus.VERIFIED if is_effective else ActionStatus.OPEN
    action = _corrective_action_move(action, target)
    if action.owner_id == actor.pk:
        raise ValidationError(_("Someone other than the owner verifies the action."))
    action.status, action.verification = target, verification
    action.verified_at, action.verified_by = (timezone.now(), actor) if is_effective else (None, None)
    audited_save(action, actor=actor, update_fields=["status", "verification", "verified_at", "verified_by"])
    if action.finding is not None:
        _finding_follow_actions(action.finding, actor)
    return action


@transaction.atomic
def corrective_action_cancel(*, action: CorrectiveAction, actor: User, reason: str) -> CorrectiveAction:
    """Cancel an open action, keeping the reason in its history."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    action = _corrective_action_move(action, ActionStatus.CANCELLED)
    action.status = ActionStatus.CANCELLED
    audited_save(action, actor=actor, update_fields=["status"], reason=reason)
    return action
