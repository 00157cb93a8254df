"""Reads of reviews, findings, actions, safety, closure and hand-overs, scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Max, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from pmo.lib.access import object_get_for_user
from pmo.models import User
from projects.selectors import project_get_for_user, project_queryset_for_user
from projects.selectors.portfolio import project_as_queryset
from quality.models import (
    NONCONFORM_RATINGS,
    OPEN_ACTION_STATUSES,
    ChecklistSection,
    ChecklistTemplate,
    CorrectiveAction,
    Finding,
    Handover,
    HandoverEvent,
    IncidentKind,
    IncidentStatus,
    LastMinuteRiskAnalysis,
    Rating,
    Review,
    ReviewAnswer,
    SafetyIncident,
    SatisfactionSurvey,
    SiteQualification,
    ToolboxMeeting,
    WorkedHours,
)
from quality.rules import corrective_action_visibility, handover_visibility
from quality.selectors.coverage import answer_waiver, project_not_applicable, reference_list, references_cited

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

    from projects.models import Project

INJURY_FREQUENCY_BASE = Decimal(1_000_000)


def _visible_projects(user: User) -> QuerySet[Project]:
    return project_queryset_for_user(user=user)


def checklist_template_list() -> QuerySet[ChecklistTemplate]:
    """Every template version with its number of items and runs."""
    return ChecklistTemplate.objects.annotate(
        item_count=Count("sections__items", distinct=True), review_count=Count("reviews", distinct=True)
    )


def checklist_template_detail(*, pk: int) -> ChecklistTemplate:
    template = ChecklistTemplate.objects.filter(pk=pk).prefetch_related("sections__items").first()
    if template is None:
        raise Http404
    return template


def review_list_for_user(*, user: User) -> QuerySet[Review]:
    """Reviews of the projects the user sees, with what a row shows."""
    return (
        Review.objects.filter(project__in=_visible_projects(user))
        .select_related("project", "template", "reviewer")
        .annotate(finding_count=Count("findings"))
    )


def review_get_for_user(*, user: User, pk: int, write: bool = False) -> Review:
    """One review; 404 when its project is invisible, 403 when the user may not run reviews."""
    review = Review.objects.select_related("project", "template", "reviewer").filter(pk=pk).first()
    if review is None:
        raise Http404
    project_get_for_user(user=user, pk=review.project_id)
    if write and not user.has_perm("quality.run_review", review.project):
        raise PermissionDenied
    return review


def review_sections(*, review: Review) -> list[tuple[ChecklistSection, list[ReviewAnswer]]]:
    """The review's answers grouped by section of its template version, in two queries."""
    answers = list(
        review.answers.select_related("item", "item__section", "finding", "evidence_document").order_by(
            "item__section__position", "item__position"
        )
    )
    # Queried for every template (none match without a standard) so the page's query count is constant.
    not_applicable = project_not_applicable(project=review.project, standard=review.template.standard)
    sections: dict[int, tuple[ChecklistSection, list[ReviewAnswer]]] = {}
    for answer in answers:
        answer.waiver = answer_waiver(answer=answer, not_applicable=not_applicable)
        section = answer.item.section
        sections.setdefault(section.pk, (section, []))[1].append(answer)
    return list(sections.values())


@dataclass(frozen=True)
class ReviewProgress:
    answered: int
    total: int


def review_progress(*, sections: list[tuple[ChecklistSection, list[ReviewAnswer]]]) -> ReviewProgress:
    """How many of the questions that apply (not waived for the project) have a rating."""
    answers = [answer for _section, answers in sections for answer in answers if not answer.waiver]
    return ReviewProgress(answered=sum(1 for answer in answers if answer.rating), total=len(answers))


@dataclass
class StatementLine:
    reference: str
    title: str
    note: str = ""


def review_statement(*, review: Review) -> dict:
    """What a review report states: its answers, and the controls covered, not applicable and failed."""
    sections = review_sections(review=review)
    covered: dict[str, StatementLine] = {}
    failed: dict[str, StatementLine] = {}
    not_applicable: dict[str, StatementLine] = {}
    titles = (
        {entry.id: entry.title for entry in reference_list(review.template.standard).entries}
        if (review.template.standard)
        else {}
    )
    for _section, answers in sections:
        for answer in answers:
            for reference in references_cited(answer.item.reference) if titles else ():
                line = StatementLine(reference, titles.get(reference, ""))
                if answer.waiver:
                    line.note = next(d.reason for d in answer.waiver if d.reference == reference)
                    not_applicable[reference] = line
                elif answer.rating == Rating.NOT_APPLICABLE:
                    line.note = answer.comment
                    not_applicable.setdefault(reference, line)
                elif answer.rating in NONCONFORM_RATINGS:
                    line.note = answer.get_rating_display()
                    failed[reference] = line
                elif answer.rating:
                    covered.setdefault(reference, line)
    for reference in failed:
        covered.pop(reference, None)
    key = _reference_key
    return {
        "sections": sections,
        "controls_covered": sorted(covered.values(), key=key),
        "controls_not_applicable": sorted(not_applicable.values(), key=key),
        "controls_failed": sorted(failed.values(), key=key),
    }


def _reference_key(line: StatementLine) -> tuple:
    return tuple(
        int(part) if part.isdigit() else part for part in line.reference.replace("A.", "").split(".")
    )


def finding_list_for_user(*, user: User) -> QuerySet[Finding]:
    open_actions = Count("actions", filter=Q(actions__status__in=OPEN_ACTION_STATUSES))
    return (
        Finding.objects.filter(project__in=_visible_projects(user))
        .select_related("project", "review__template")
        .annotate(open_action_count=open_actions)
    )


def finding_get_for_user(*, user: User, pk: int) -> Finding:
    finding = (
        Finding.objects.select_related("project", "review", "review__template", "raised_by")
        .filter(pk=pk)
        .first()
    )
    if finding is None:
        raise Http404
    project_get_for_user(user=user, pk=finding.project_id)
    return finding


def corrective_action_list_for_user(*, user: User) -> QuerySet[CorrectiveAction]:
    """Corrective actions of visible projects, plus those the user owns."""
    return CorrectiveAction.objects.filter(corrective_action_visibility.q(user)).select_related(
        "project", "owner", "finding", "incident"
    )


def corrective_action_get_for_user(*, user: User, pk: int) -> CorrectiveAction:
    action = corrective_action_list_for_user(user=user).filter(pk=pk).first()
    if action is None:
        raise Http404
    return action


def incident_list_for_user(*, user: User) -> QuerySet[SafetyIncident]:
    return SafetyIncident.objects.filter(project__in=_visible_projects(user)).select_related("project")


def incident_get_for_user(*, user: User, pk: int) -> SafetyIncident:
    incident = SafetyIncident.objects.select_related("project", "reported_by").filter(pk=pk).first()
    if incident is None:
        raise Http404
    project_get_for_user(user=user, pk=incident.project_id)
    return incident


@dataclass(frozen=True)
class SafetyKpis:
    by_kind: dict[str, int]
    lost_time_injuries: int
    lost_days: int
    hours_worked: Decimal | None
    injury_frequency: Decimal | None
    overdue_actions: int
    open_incidents: int

    @property
    def kind_rows(self) -> list[tuple[str, StrPromise, int]]:
        return [(value, label, self.by_kind.get(value, 0)) for value, label in IncidentKind.choices]


def safety_kpis(*, projects: QuerySet[Project]) -> SafetyKpis:
    """Incidents by kind, lost-time injuries, injury frequency, overdue safety actions: four queries."""
    incidents = SafetyIncident.objects.filter(project__in=projects)
    counts = {
        row["kind"]: row["count"] for row in incidents.values("kind").annotate(count=Count("pk")).order_by()
    }
    totals = incidents.aggregate(
        lost_days=Sum("lost_days"), open=Count("pk", filter=~Q(status=IncidentStatus.CLOSED))
    )
    hours = WorkedHours.objects.filter(project__in=projects).aggregate(total=Sum("hours"))["total"]
    lti = counts.get(IncidentKind.LOST_TIME_ACCIDENT, 0)
    frequency = (Decimal(lti) * INJURY_FREQUENCY_BASE / hours).quantize(Decimal("0.01")) if hours else None
    overdue = CorrectiveAction.objects.filter(
        project__in=projects,
        incident__isnull=False,
        status__in=OPEN_ACTION_STATUSES,
        due_date__lt=timezone.localdate(),
    ).count()
    return SafetyKpis(
        by_kind=counts,
        lost_time_injuries=lti,
        lost_days=totals["lost_days"] or 0,
        hours_worked=hours,
        injury_frequency=frequency,
        overdue_actions=overdue,
        open_incidents=totals["open"],
    )


def safety_kpis_for_user(*, user: User) -> SafetyKpis:
    return safety_kpis(projects=_visible_projects(user))


@dataclass(frozen=True)
class ProjectSafety:
    kpis: SafetyKpis
    subcontractors_without_vca: list
    incidents: list[SafetyIncident]
    lmras: list[LastMinuteRiskAnalysis]
    toolbox_meetings: list[ToolboxMeeting]
    worked_hours: list[WorkedHours]
    qualifications: list = field(default_factory=list)
    toolbox_rhythm: ToolboxRhythm | None = None


def project_safety(*, project: Project, limit: int = 20) -> ProjectSafety:
    """A project's safety page: KPIs and the latest records of each kind."""
    return ProjectSafety(
        kpis=safety_kpis(projects=project_as_queryset(project=project)),
        subcontractors_without_vca=project_subcontractors_without_vca(project=project),
        incidents=list(project.safety_incidents.select_related("reported_by")[:limit]),
        lmras=list(project.lmras.select_related("recorded_by")[:limit]),
        toolbox_meetings=list(project.toolbox_meetings.all()[:limit]),
        worked_hours=list(project.worked_hours.order_by("-month")[:12]),
        qualifications=site_qualifications(project=project),
        toolbox_rhythm=toolbox_rhythm(project=project),
    )


# VCA practice: a toolbox meeting about once a month on an active site (shared/REFERENCE.md, section 6).
TOOLBOX_INTERVAL_DAYS = 30


@dataclass(frozen=True)
class ToolboxRhythm:
    last_held_on: date | None
    interval_days: int
    days_since: int | None

    @property
    def is_overdue(self) -> bool:
        return self.days_since is None or self.days_since > self.interval_days


def toolbox_rhythm(*, project: Project, today: date | None = None) -> ToolboxRhythm:
    """When the last toolbox meeting was held, against the monthly rhythm VCA practice expects."""
    today = today or timezone.localdate()
    last = project.toolbox_meetings.aggregate(last=Max("held_on"))["last"]
    days_since = (today - last).days if last else None
    return ToolboxRhythm(last_held_on=last, interval_days=TOOLBOX_INTERVAL_DAYS, days_since=days_since)


@dataclass(frozen=True)
class QualificationRow:
    qualification: SiteQualification
    is_expired: bool
    expires_soon: bool


def site_qualifications(*, project: Project, today: date | None = None) -> list[QualificationRow]:
    """The certificates of the people on site, those expired or expiring within 30 days flagged."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=30)
    return [
        QualificationRow(
            row, is_expired=row.valid_until < today, expires_soon=today <= row.valid_until <= soon
        )
        for row in project.site_qualifications.all()
    ]


@dataclass(frozen=True)
class ProjectQuality:
    reviews: list[Review]
    findings: list[Finding]
    actions: list[CorrectiveAction]
    surveys: list[SatisfactionSurvey]
    handover: Handover | None


def project_quality(*, project: Project) -> ProjectQuality:
    """A project's quality page: reviews, findings, corrective actions, surveys, hand-over."""
    return ProjectQuality(
        reviews=list(
            project.quality_reviews.select_related("template", "reviewer").annotate(
                finding_count=Count("findings")
            )
        ),
        findings=list(
            project.findings.annotate(
                open_action_count=Count("actions", filter=Q(actions__status__in=OPEN_ACTION_STATUSES))
            )
        ),
        actions=list(project.corrective_actions.select_related("owner", "finding", "incident")),
        surveys=list(project.satisfaction_surveys.select_related("contact")),
        handover=Handover.objects.filter(project=project).first(),
    )


def handover_list_for_user(*, user: User) -> QuerySet[Handover]:
    """Hand-overs of visible projects; the SMO sees those addressed to it once submitted."""
    return (
        Handover.objects.filter(handover_visibility.q(user))
        .select_related("project", "project__customer", "smo_owner")
        .annotate(
            item_count=Count("configuration_items", distinct=True),
            open_item_count=Count("open_items", distinct=True),
        )
    )


def handover_get_for_user(*, user: User, pk: int, write: bool = False) -> Handover:
    """One hand-over with its parts; 404 when invisible, 403 when the user may not change it."""
    return object_get_for_user(
        queryset=Handover.objects.select_related(
            "project", "project__customer", "smo_owner", "created_by"
        ).prefetch_related(
            "configuration_items",
            "support_contracts",
            "open_items",
            Prefetch("events", queryset=HandoverEvent.objects.select_related("actor")),
        ),
        pk=pk,
        user=user,
        view_perm="quality.view_handover",
        change_perm="quality.change_handover",
        write=write,
    )


@dataclass(frozen=True)
class SurveyResults:
    sent: int
    answered: int
    overall: Decimal | None
    quality: Decimal | None
    communication: Decimal | None
    timeliness: Decimal | None
    net_promoter_score: int | None


def survey_results(*, projects: QuerySet[Project]) -> SurveyResults:
    """Averages of the answered surveys and the net promoter score, in one query."""
    surveys = SatisfactionSurvey.objects.filter(project__in=projects)
    answered = Q(answered_at__isnull=False)
    row = surveys.aggregate(
        sent=Count("pk"),
        answered=Count("pk", filter=answered),
        overall=Avg("overall", filter=answered),
        quality=Avg("quality", filter=answered),
        communication=Avg("communication", filter=answered),
        timeliness=Avg("timeliness", filter=answered),
        promoters=Count("pk", filter=answered & Q(recommend__gte=9)),
        detractors=Count("pk", filter=answered & Q(recommend__lte=6)),
    )
    nps = round((row["promoters"] - row["detractors"]) * 100 / row["answered"]) if row["answered"] else None

    def rounded(value) -> Decimal | None:
        return Decimal(value).quantize(Decimal("0.1")) if value is not None else None

    return SurveyResults(
        sent=row["sent"],
        answered=row["answered"],
        overall=rounded(row["overall"]),
        quality=rounded(row["quality"]),
        communication=rounded(row["communication"]),
        timeliness=rounded(row["timeliness"]),
        net_promoter_score=nps,
    )


def survey_results_for_user(*, user: User) -> SurveyResults:
    return survey_results(projects=_visible_projects(user))


def project_subcontractors_without_vca(*, project: Project) -> list:
    """Subcontractors ordered on the project whose VCA certificate is missing or expired."""
    from procurement.selectors.orders import subcontractors_ordered

    return [supplier for supplier in subcontractors_ordered(project=project) if not supplier.is_vca_valid]


def handover_register_transfers(*, project: Project) -> dict:
    """The risks and issues the registers mark as transferred to the SMO."""
    from projects.selectors.registers import handover_register_items

    return handover_register_items(project=project)


@dataclass(frozen=True)
class QualitySummary:
    open_major_findings: int
    open_minor_findings: int
    overdue_actions: int
    surveys: SurveyResults


def quality_summary_for_user(*, user: User) -> QualitySummary:
    """The portfolio's quality figures for the projects the user sees, in three queries."""
    projects = _visible_projects(user)
    is_open = ~Q(status="closed")
    findings = Finding.objects.filter(project__in=projects).aggregate(
        major=Count("pk", filter=is_open & Q(severity="major")),
        minor=Count("pk", filter=is_open & Q(severity="minor")),
    )
    overdue = CorrectiveAction.objects.filter(
        project__in=projects, status__in=OPEN_ACTION_STATUSES, due_date__lt=timezone.localdate()
    ).count()
    return QualitySummary(findings["major"], findings["minor"], overdue, survey_results(projects=projects))
