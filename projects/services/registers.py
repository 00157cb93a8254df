"""Changes to the registers: one transaction each, checked, numbered per project, kept in history."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pmo.lib.money import quantize_money
from pmo.models import NotificationEvent, User
from pmo.services import notification_send
from projects.gates import gate_check
from projects.models import (
    OPPORTUNITY_RESPONSES,
    THREAT_RESPONSES,
    Action,
    ChangeRequest,
    Decision,
    Issue,
    Lesson,
    Phase,
    Project,
    Risk,
)
from projects.selectors.registers import (
    band_for_score,
    open_blockers_for_closing,
    probability_percentages,
    risk_bands,
)
from projects.services.change_requests import CHANGE_REQUEST_FIELDS, DEFAULT_COST_CATEGORY
from projects.services.registers_common import (
    register_entry_check_same_project,
    register_entry_create,
    register_entry_lock,
    register_entry_number_next,
    register_entry_save,
    register_entry_transition,
    register_entry_update,
)

RISK_FIELDS = (
    "title",
    "kind",
    "category",
    "cause",
    "event",
    "effect",
    "probability",
    "impact",
    "residual_probability",
    "residual_impact",
    "cost_impact",
    "time_impact_days",
    "proximity",
    "response_category",
    "response",
    "owner",
    "actionee",
    "review_date",
)
ISSUE_FIELDS = (
    "title",
    "issue_type",
    "priority",
    "severity",
    "raised_by",
    "owner",
    "description",
    "impact_analysis",
    "decision",
    "resolution",
)
DECISION_FIELDS = (
    "title",
    "decided_by",
    "decision_body",
    "decided_on",
    "description",
    "alternatives",
    "rationale",
    "raised_in",
    "risk",
    "issue",
    "change_request",
)
ACTION_FIELDS = (
    "title",
    "description",
    "owner",
    "due_date",
    "raised_in",
    "risk",
    "issue",
    "change_request",
    "decision",
)
LESSON_FIELDS = ("title", "kind", "category", "what_happened", "recommendation")

# Risks ----------------------------------------------------------------------------------------


def _risk_values_check(values: dict) -> None:
    kind, response = values.get("kind"), values.get("response_category")
    allowed = THREAT_RESPONSES if kind == Risk.Kind.THREAT else OPPORTUNITY_RESPONSES
    if response and response not in allowed:
        raise ValidationError({"response_category": _("This response does not apply to this kind of risk.")})


def _risk_emv_set(risk: Risk) -> list[str]:
    """Expected monetary value = probability (as a percentage of its level) times cost impact."""
    percent = probability_percentages()
    risk.inherent_emv = quantize_money(risk.cost_impact * percent[risk.probability] / 100)
    risk.residual_emv = quantize_money(risk.cost_impact * percent[risk.residual_probability] / 100)
    return ["inherent_emv", "residual_emv"]


@transaction.atomic
def risk_create(*, project: Project, actor: User, meeting_item=None, **values) -> Risk:
    """Register a risk; residual scores default to the inherent ones until a response is planned."""
    values.setdefault("residual_probability", values.get("probability"))
    values.setdefault("residual_impact", values.get("impact"))
    _risk_values_check(values)
    register_entry_check_same_project(project, {**values, "meeting_item": meeting_item})
    risk = Risk(
        project=project,
        created_by=actor,
        meeting_item=meeting_item,
        **{f: v for f, v in values.items() if f in RISK_FIELDS},
    )
    _risk_emv_set(risk)
    risk.number = register_entry_number_next(project=project, model=Risk)
    register_entry_save(risk, actor=actor)
    return risk


@transaction.atomic
def risk_update(*, risk: Risk, actor: User, **values) -> Risk:
    """Change a risk's analysis; its expected values follow."""
    risk = register_entry_lock(risk)
    _risk_values_check({"kind": values.get("kind", risk.kind), **values})
    changed = [field for field in RISK_FIELDS if field in values and getattr(risk, field) != values[field]]
    for field in changed:
        setattr(risk, field, values[field])
    if changed:
        register_entry_save(risk, actor=actor, update_fields=[*changed, *_risk_emv_set(risk)])
    return risk


@transaction.atomic
def risk_close(*, risk: Risk, actor: User, reason: str) -> Risk:
    """Close a risk; the reason is required and kept."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the risk is closed.")})
    risk = register_entry_lock(risk)
    risk.closure_reason = reason.strip()
    return register_entry_transition(
        risk, status=Risk.Status.CLOSED, actor=actor, reason=reason, extra_fields=("closure_reason",)
    )


@transaction.atomic
def risk_reopen(*, risk: Risk, actor: User) -> Risk:
    """Make a closed risk active again."""
    risk = register_entry_lock(risk)
    return register_entry_transition(risk, status=Risk.Status.ACTIVE, actor=actor, reason=_("Reopened"))


@transaction.atomic
def risk_hand_over(*, risk: Risk, actor: User, reason: str = "") -> Risk:
    """Transfer an open risk to the SMO hand-over list (it then no longer holds the closing gate)."""
    risk = register_entry_lock(risk)
    if not risk.is_open:
        raise ValidationError(_("Only an open risk can be handed over."))
    risk.is_handed_over = True
    register_entry_save(
        risk, actor=actor, update_fields=["is_handed_over"], reason=reason or _("Transferred to the SMO")
    )
    return risk


@transaction.atomic
def risk_convert_to_issue(*, risk: Risk, actor: User) -> Issue:
    """The risk happened: raise an issue from it and mark the risk as occurred, both linked."""
    risk = register_entry_lock(risk)
    band = band_for_score(risk_bands(), risk.residual_score)
    priority = Issue.Priority.HIGH if band and band.is_high else Issue.Priority.MEDIUM
    issue = register_entry_create(
        Issue,
        project=risk.project,
        actor=actor,
        fields=ISSUE_FIELDS,
        values={
            "title": risk.title,
            "description": "\n\n".join(part for part in (risk.event, risk.effect) if part),
            "impact_analysis": risk.response,
            "owner": risk.owner,
            "raised_by": actor,
            "priority": priority,
        },
        source_risk=risk,
    )
    register_entry_transition(
        risk,
        status=Risk.Status.OCCURRED,
        actor=actor,
        reason=_("Occurred; became issue %(reference)s") % {"reference": issue.reference},
    )
    return issue


# Issues ---------------------------------------------------------------------------------------


@transaction.atomic
def issue_create(*, project: Project, actor: User, **values) -> Issue:
    """Capture an issue."""
    values.setdefault("raised_by", actor)
    return register_entry_create(Issue, project=project, actor=actor, fields=ISSUE_FIELDS, values=values)


@transaction.atomic
def issue_update(*, issue: Issue, actor: User, **values) -> Issue:
    """Record the examination, decision or resolution of an issue."""
    return register_entry_update(register_entry_lock(issue), actor=actor, fields=ISSUE_FIELDS, values=values)


@transaction.atomic
def issue_status_change(*, issue: Issue, actor: User, status: str, reason: str = "") -> Issue:
    """Move an issue along; closing needs a reason."""
    issue = register_entry_lock(issue)
    extra: tuple[str, ...] = ()
    if status == Issue.Status.CLOSED:
        if not reason.strip():
            raise ValidationError({"reason": _("Say why the issue is closed.")})
        issue.closure_reason, issue.closed_at = reason.strip(), timezone.now()
        extra = ("closure_reason", "closed_at")
    return register_entry_transition(issue, status=status, actor=actor, reason=reason, extra_fields=extra)


@transaction.atomic
def issue_hand_over(*, issue: Issue, actor: User, reason: str = "") -> Issue:
    """Transfer an open issue to the SMO hand-over list."""
    issue = register_entry_lock(issue)
    if not issue.is_open:
        raise ValidationError(_("Only an open issue can be handed over."))
    issue.is_handed_over = True
    register_entry_save(
        issue, actor=actor, update_fields=["is_handed_over"], reason=reason or _("Transferred to the SMO")
    )
    return issue


@transaction.atomic
def issue_convert_to_change_request(*, issue: Issue, actor: User) -> ChangeRequest:
    """Raise a draft change request from an issue, linked to it; the issue is being examined."""
    issue = register_entry_lock(issue)
    change_request = register_entry_create(
        ChangeRequest,
        project=issue.project,
        actor=actor,
        fields=CHANGE_REQUEST_FIELDS,
        values={
            "title": issue.title,
            "description": issue.description,
            "justification": issue.impact_analysis,
            "requested_by": issue.raised_by or actor,
            "cost_category": DEFAULT_COST_CATEGORY,
        },
        source_issue=issue,
    )
    if issue.status == Issue.Status.OPEN:
        register_entry_transition(
            issue,
            status=Issue.Status.IN_PROGRESS,
            actor=actor,
            reason=_("Change request %(reference)s raised") % {"reference": change_request.reference},
        )
    return change_request


# Decisions, actions, lessons ------------------------------------------------------------------


def _source_values(source) -> dict:
    """The link fields that tie a new decision or action to the entry that raised it."""
    if source is None:
        return {}
    key = {Risk: "risk", Issue: "issue", ChangeRequest: "change_request", Decision: "decision"}[type(source)]
    return {key: source}


@transaction.atomic
def decision_create(*, project: Project, actor: User, meeting_item=None, **values) -> Decision:
    """Record a decision (from a meeting's minutes when `meeting_item` is given)."""
    register_entry_check_same_project(project, {"meeting_item": meeting_item})
    return register_entry_create(
        Decision,
        project=project,
        actor=actor,
        fields=DECISION_FIELDS,
        values=values,
        meeting_item=meeting_item,
    )


@transaction.atomic
def decision_update(*, decision: Decision, actor: User, **values) -> Decision:
    """Correct a decision's record."""
    return register_entry_update(
        register_entry_lock(decision), actor=actor, fields=DECISION_FIELDS, values=values
    )


@transaction.atomic
def action_create(*, project: Project, actor: User, meeting_item=None, **values) -> Action:
    """Assign an action to its owner with a due date (from a meeting's minutes with `meeting_item`)."""
    register_entry_check_same_project(project, {"meeting_item": meeting_item})
    return register_entry_create(
        Action, project=project, actor=actor, fields=ACTION_FIELDS, values=values, meeting_item=meeting_item
    )


@transaction.atomic
def action_update(*, action: Action, actor: User, **values) -> Action:
    """Change an action's description, owner or due date."""
    return register_entry_update(
        register_entry_lock(action), actor=actor, fields=ACTION_FIELDS, values=values
    )


@transaction.atomic
def action_status_change(*, action: Action, actor: User, status: str) -> Action:
    """Move an action along; done records when."""
    action = register_entry_lock(action)
    action.completed_at = timezone.now() if status == Action.Status.DONE else None
    return register_entry_transition(action, status=status, actor=actor, extra_fields=("completed_at",))


@transaction.atomic
def lesson_create(*, project: Project, actor: User, **values) -> Lesson:
    """Write down a lesson learned."""
    return register_entry_create(Lesson, project=project, actor=actor, fields=LESSON_FIELDS, values=values)


@transaction.atomic
def lesson_update(*, lesson: Lesson, actor: User, **values) -> Lesson:
    """Improve a lesson's wording."""
    return register_entry_update(
        register_entry_lock(lesson), actor=actor, fields=LESSON_FIELDS, values=values
    )


def _entry_owner(source) -> User | None:
    return (
        getattr(source, "owner", None)
        or getattr(source, "requested_by", None)
        or getattr(source, "decided_by", None)
    )


@transaction.atomic
def action_create_from(*, source, actor: User, today: date | None = None) -> Action:
    """One click: an action on the source's owner, due in a week, linked to the source."""
    owner = _entry_owner(source) or actor
    return register_entry_create(
        Action,
        project=source.project,
        actor=actor,
        fields=ACTION_FIELDS,
        values={
            "title": (
                _("Follow up %(reference)s: %(title)s")
                % {"reference": source.reference, "title": source.title}
            )[:200],
            "owner": owner,
            "due_date": (today or timezone.localdate()) + timedelta(days=7),
            **_source_values(source),
        },
    )


@transaction.atomic
def decision_create_from(*, source, actor: User) -> Decision:
    """One click: a decision record linked to the entry that asked for it."""
    return register_entry_create(
        Decision,
        project=source.project,
        actor=actor,
        fields=DECISION_FIELDS,
        values={
            "title": (
                _("Decision on %(reference)s: %(title)s")
                % {"reference": source.reference, "title": source.title}
            )[:200],
            "decided_by": actor,
            **_source_values(source),
        },
    )


# Gates ----------------------------------------------------------------------------------------


@gate_check(
    Phase.CLOSING,
    label=gettext_lazy("No open high risk or issue"),
    fix_url=lambda project: reverse("projects:risk-list", args=[project.pk]),
)
def registers_have_no_open_high_risks_or_issues(project: Project) -> str | None:
    """Closing needs every high risk and open issue closed with a reason or handed over to the SMO."""
    high_risks, issues = open_blockers_for_closing(project=project)
    if high_risks or issues:
        return _(
            "%(risks)s open high risk(s) and %(issues)s open issue(s): close them with a reason "
            "or transfer them to the SMO hand-over list."
        ) % {"risks": high_risks, "issues": issues}
    return None


# Reminders ------------------------------------------------------------------------------------


def _due_for_review_q(today: date) -> Q:
    return Q(status=Risk.Status.ACTIVE, review_date__lte=today) & (
        Q(reminded_on__isnull=True) | Q(reminded_on__lt=F("review_date"))
    )


def risk_review_reminders_send(*, today: date | None = None) -> int:
    """Email each owner of an active risk whose review date has come, once per review date."""
    today = today or timezone.localdate()
    sent = 0
    for risk_id in Risk.objects.filter(_due_for_review_q(today)).values_list("pk", flat=True).iterator():
        # Claim the reminder first: a retry or a second worker finds nothing left to send.
        if not Risk.objects.filter(_due_for_review_q(today), pk=risk_id).update(reminded_on=today):
            continue
        risk = Risk.objects.select_related("owner", "project").get(pk=risk_id)
        try:
            _risk_review_mail(risk)
        except Exception:
            Risk.objects.filter(pk=risk_id).update(reminded_on=None)
            raise
        sent += 1
    return sent


def _risk_review_mail(risk: Risk) -> None:
    with translation.override(risk.owner.preferred_language or "en"):
        subject = _("Review risk %(reference)s of %(project)s") % {
            "reference": risk.reference,
            "project": risk.project.code,
        }
        body = _(
            "The review date of risk %(reference)s (%(title)s) has come.\n"
            "Check its probability, impact and response: %(url)s"
        ) % {
            "reference": risk.reference,
            "title": risk.title,
            "url": f"{settings.SITE_URL}{risk.get_absolute_url()}",
        }
    notification_send(
        recipient=risk.owner,
        event=NotificationEvent.RISK_REVIEW,
        subject=subject,
        body=body,
        link=risk.get_absolute_url(),
        project=risk.project,
    )
