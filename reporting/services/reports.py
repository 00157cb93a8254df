"""Progress updates, tolerances, snapshots and the highlight report jobs."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pmo.lib.audit import history_stamp
from pmo.lib.jobs import job_holder
from pmo.models import User
from projects.choices import DocumentCategory
from projects.selectors.portfolio import project_list_excluding_phases
from projects.services.documents import document_upload, document_version_upload
from reporting.models import (
    RAG_DIMENSIONS,
    Audience,
    DistributionRecipient,
    HighlightReport,
    ProgressUpdate,
    ProjectSnapshot,
    Rag,
    Tolerance,
)
from reporting.models.reports import week_start_of
from reporting.selectors import (
    INACTIVE_PHASES,
    default_tolerance_for,
    project_figures,
    tolerance_for,
    tolerance_values,
    working_days_between,
)

if TYPE_CHECKING:
    from projects.models import Project

__all__ = [
    "highlight_report_email",
    "highlight_report_render",
    "highlight_report_request",
    "highlight_report_retry",
    "highlight_reports_sweep_stale",
    "progress_latest_mark",
    "progress_update_save",
    "rag_suggest",
    "recipient_add",
    "recipient_remove",
    "snapshot_latest_evm_mark",
    "snapshot_take",
    "snapshots_take_for_week",
    "tolerance_save",
    "weekly_batch_run",
]

logger = logging.getLogger(__name__)
Status = HighlightReport.Status
AMBER_SHARE = Decimal("0.75")


def _rag_for(used, limit) -> str | None:
    """Green inside the tolerance, amber from 75 % of it, red beyond it; None without data."""
    if used is None or limit is None:
        return None
    used, limit = Decimal(used), Decimal(limit)
    if used > limit:
        return Rag.RED
    if limit > 0 and used >= limit * AMBER_SHARE:
        return Rag.AMBER
    return Rag.GREEN


def rag_suggest(*, figures: dict, tolerance: dict) -> dict[str, str | None]:
    """What the figures say against the tolerances, per dimension and overall (the worst)."""
    slip = None
    if figures.get("planned_end") and figures.get("forecast_end"):
        slip = max(working_days_between(figures["planned_end"], figures["forecast_end"]), 0)
    budget = Decimal(figures["budget"])
    cost_limit = min(budget * Decimal(tolerance["cost_percent"]) / 100, Decimal(tolerance["cost_amount"]))
    overrun = None if figures.get("forecast") is None else max(Decimal(figures["forecast"]) - budget, 0)
    scope_used = None
    if figures.get("approved_changes") is not None and Decimal(figures["contract_value"]) > 0:
        scope_used = abs(Decimal(figures["approved_changes"])) * 100 / Decimal(figures["contract_value"])
    suggestion = {
        "schedule": _rag_for(slip, tolerance["time_days"]),
        "cost": _rag_for(overrun, cost_limit),
        "scope": _rag_for(scope_used, tolerance["scope_percent"]),
        "quality": _rag_for(figures.get("open_findings"), tolerance["quality_findings"]),
        "risk": _rag_for(figures.get("highest_risk_score"), tolerance["risk_score"]),
        "safety": None,  # No tolerance measures safety: the PM judges it.
    }
    rated = [rag for rag in suggestion.values() if rag]
    order: list[str] = [Rag.GREEN, Rag.AMBER, Rag.RED]
    suggestion["overall"] = max(rated, key=order.index) if rated else None
    return suggestion


@transaction.atomic
def tolerance_save(*, project: Project, actor: User, **values) -> Tolerance:
    """Record the project's tolerances (the Level's defaults until then)."""
    tolerance = tolerance_for(project=project)
    for field, value in values.items():
        setattr(tolerance, field, value)
    history_stamp(tolerance, actor=actor, reason="tolerances")
    tolerance.full_clean()
    tolerance.save()
    return tolerance


REPORTABLE_YEARS = range(2000, 2101)


def _reportable_week(day: date) -> date:
    """The Monday of the day's week, within the years the forms accept: near the calendar's ends the week
    (and the figures computed around it) would run past the dates Python knows."""
    if day.year not in REPORTABLE_YEARS:
        raise ValidationError(
            {
                "period_start": _("Choose a week between %(first)s and %(last)s.")
                % {"first": REPORTABLE_YEARS[0], "last": REPORTABLE_YEARS[-1]}
            }
        )
    return week_start_of(day)


@transaction.atomic
def progress_update_save(
    *, project: Project, actor: User, period_start: date, rags: dict[str, str], **narrative
) -> ProgressUpdate:
    """Record the PM's RAG and narrative for a week; differing from the suggestion needs a comment."""
    period_start = _reportable_week(period_start)
    figures = project_figures(projects=[project], today=period_start + timedelta(days=6))[project.pk]
    suggestion = rag_suggest(figures=figures, tolerance=tolerance_values(tolerance_for(project=project)))
    differs = [
        dimension
        for dimension in (*RAG_DIMENSIONS, "overall")
        if suggestion.get(dimension) and suggestion[dimension] != rags[dimension]
    ]
    if differs and not narrative.get("override_comment", "").strip():
        raise ValidationError(
            {
                "override_comment": _("Explain why the RAG differs from the suggestion (%(dimensions)s).")
                % {"dimensions": ", ".join(differs)}
            }
        )
    update = ProgressUpdate.objects.filter(project=project, period_start=period_start).first()
    update = update or ProgressUpdate(project=project, period_start=period_start)
    update.period_end = period_start + timedelta(days=6)
    update.author = actor
    update.suggested = suggestion
    for dimension in (*RAG_DIMENSIONS, "overall"):
        setattr(update, f"rag_{dimension}", rags[dimension])
    for field, value in narrative.items():
        setattr(update, field, value)
    update.full_clean()
    update.save()
    progress_latest_mark(project_ids=[project.pk])
    return update


def progress_latest_mark(*, project_ids: list[int] | None = None) -> None:
    """Flag each project's update of its latest period as `is_latest` (every project when None).

    Two statements, the old flags cleared before the new set: the one-latest-per-project index is checked
    row by row, so one statement moving the flag could trip over its own first half.
    """
    updates = (
        ProgressUpdate.objects.all()
        if project_ids is None
        else ProgressUpdate.objects.filter(project_id__in=project_ids)
    )
    latest_period = (
        ProgressUpdate.objects.filter(project=OuterRef("project"))
        .order_by("-period_start")
        .values("period_start")[:1]
    )
    marked = updates.annotate(latest_period=Subquery(latest_period))
    marked.filter(is_latest=True).exclude(period_start=F("latest_period")).update(is_latest=False)
    marked.filter(is_latest=False, period_start=F("latest_period")).update(is_latest=True)


def _snapshot_from(project_id: int, week_start: date, figures: dict, tolerance: dict) -> ProjectSnapshot:
    fields = {key: value for key, value in figures.items() if key != "data"}
    data = {**figures["data"], "tolerance": tolerance}
    return ProjectSnapshot(project_id=project_id, week_start=week_start, data=data, **fields)


def snapshot_take(*, project: Project, week_start: date) -> ProjectSnapshot:
    """Freeze the project's figures for a week, once: a second call returns the first snapshot."""
    week_start = week_start_of(week_start)
    existing = ProjectSnapshot.objects.filter(project=project, week_start=week_start).first()
    if existing:
        return existing
    figures = project_figures(projects=[project], today=week_start + timedelta(days=6))[project.pk]
    snapshot = _snapshot_from(
        project.pk, week_start, figures, tolerance_values(tolerance_for(project=project))
    )
    try:
        with transaction.atomic():
            snapshot.save()
    except IntegrityError:  # A concurrent call froze it first; theirs is the snapshot.
        return ProjectSnapshot.objects.get(project=project, week_start=week_start)
    snapshot_latest_evm_mark(project_ids=[project.pk])
    return snapshot


def snapshots_take_for_week(*, week_start: date, projects: list[Project]) -> int:
    """Freeze the figures of many projects for a week in a few queries; existing ones are kept."""
    figures = project_figures(projects=projects, today=week_start + timedelta(days=6))
    tolerances = {
        tolerance.project_id: tolerance for tolerance in Tolerance.objects.filter(project__in=projects)
    }
    snapshots = [
        _snapshot_from(
            project.pk,
            week_start,
            figures[project.pk],
            # a project without its own row has the Level's defaults: no query per project to find out
            tolerance_values(tolerances.get(project.pk) or default_tolerance_for(project=project)),
        )
        for project in projects
    ]
    created = ProjectSnapshot.objects.bulk_create(snapshots, batch_size=500, ignore_conflicts=True)
    snapshot_latest_evm_mark(project_ids=[project.pk for project in projects])
    return len(created)


def snapshot_latest_evm_mark(*, project_ids: list[int] | None = None) -> None:
    """Flag each project's latest snapshot with an earned value as `is_latest_evm` (every project when None).

    Old flags are cleared before the new are set, in two statements, as progress_latest_mark does.
    """
    snapshots = (
        ProjectSnapshot.objects.all()
        if project_ids is None
        else ProjectSnapshot.objects.filter(project_id__in=project_ids)
    )
    latest_week = (
        ProjectSnapshot.objects.filter(project=OuterRef("project"), earned_value__isnull=False)
        .order_by("-week_start")
        .values("week_start")[:1]
    )
    marked = snapshots.annotate(latest_week=Subquery(latest_week))
    marked.filter(is_latest_evm=True).exclude(week_start=F("latest_week")).update(is_latest_evm=False)
    marked.filter(is_latest_evm=False, earned_value__isnull=False, week_start=F("latest_week")).update(
        is_latest_evm=True
    )


def _queue_render(report_ids: list[int]) -> None:
    from reporting import tasks

    for report_id in report_ids:
        tasks.highlight_report_render_task.delay(report_id)


@transaction.atomic
def highlight_report_request(
    *, project: Project, actor: User | None, audience: str, language: str, period_start: date
) -> HighlightReport:
    """Ask for a report of a week; the snapshot is frozen now and a worker renders the PDF."""
    period_start = _reportable_week(period_start)
    snapshot = snapshot_take(project=project, week_start=period_start)
    report, created = HighlightReport.objects.get_or_create(
        project=project,
        period_start=period_start,
        audience=audience,
        language=language,
        defaults={
            "period_end": period_start + timedelta(days=6),
            "snapshot": snapshot,
            "progress_update": ProgressUpdate.objects.filter(
                project=project, period_start=period_start
            ).first(),
            "requested_by": actor,
        },
    )
    if created:
        report_id = report.pk
        transaction.on_commit(lambda: _queue_render([report_id]))
    return report


@transaction.atomic
def highlight_report_retry(*, report: HighlightReport, actor: User) -> HighlightReport:
    """Queue a failed report (or one whose file is gone) again."""
    if report.status == Status.READY and report.file:
        raise ValidationError(_("This report is ready; there is nothing to retry."))
    if report.status in (Status.QUEUED, Status.RENDERING):
        raise ValidationError(_("This report is already being made."))
    if not HighlightReport.retry(report.pk, from_statuses=(report.status,), requested_by=actor):
        raise ValidationError(_("This report changed meanwhile; reload the page."))
    transaction.on_commit(lambda: _queue_render([report.pk]))
    report.refresh_from_db()
    return report


def highlight_report_render(*, report_id: int, worker: str = "") -> bool:
    """Render a claimed report to PDF; a report another worker holds is left alone.

    The heartbeat runs while WeasyPrint works, so that a worker killed mid-render is noticed within
    JOB_STALE_AFTER_SECONDS; every write after the claim is fenced by this worker's holder id.
    """
    from reporting.rendering import highlight_report_pdf

    holder = job_holder(worker)
    if not HighlightReport.claim(report_id, holder=holder):
        return False
    report = HighlightReport.objects.select_related("project", "snapshot", "progress_update").get(
        pk=report_id
    )
    with HighlightReport.heartbeat(report_id, holder=holder):
        try:
            pdf, pages = highlight_report_pdf(report=report)
        except Exception as error:
            logger.exception("highlight report %s failed", report_id)
            HighlightReport.fail(report_id, holder=holder, error=f"{type(error).__name__}: {error}")
            return False
        report.file.save(report.filename, ContentFile(pdf), save=False)
    ready = HighlightReport.finish(
        report_id, holder=holder, file=report.file.name, file_size=len(pdf), page_count=pages
    )
    if ready:
        _archive(report, pdf)
    if ready and report.is_distributed:
        from reporting import tasks

        tasks.highlight_report_email_task.delay(report_id)
    return bool(ready)


def _archive(report: HighlightReport, pdf: bytes) -> None:
    """Keep the PDF in the project's documents, issued by whoever asked for it (else the PM)."""
    actor = report.requested_by or report.project.project_manager
    if actor is None:
        return
    upload = SimpleUploadedFile(report.filename, pdf, content_type="application/pdf")
    try:
        if report.document is not None:
            document_version_upload(document=report.document, upload=upload, actor=actor)
            return
        with translation.override(report.language):
            title = _("Highlight report %(period)s (%(audience)s)") % {
                "period": date_format(report.period_start, "SHORT_DATE_FORMAT"),
                "audience": report.get_audience_display(),
            }
        document = document_upload(
            actor=actor, upload=upload, category=DocumentCategory.OTHER, title=title, project=report.project
        )
    except Exception:  # The report is ready either way; a failed archive is logged, not fatal.
        logger.exception("highlight report %s could not be archived", report.pk)
        return
    HighlightReport.objects.filter(pk=report.pk).update(document=document)


def highlight_reports_sweep_stale(*, now=None) -> int:
    """Put reports whose worker died while rendering back in the queue (and send them again)."""
    return len(HighlightReport.requeue_stale(now=now))


def highlight_report_email(*, report_id: int) -> bool:
    """Send a ready report to its recipients once; a retry after success sends nothing."""
    from reporting.notifications import highlight_report_send

    claimed = HighlightReport.objects.filter(
        pk=report_id, status=Status.READY, is_distributed=True, emailed_at__isnull=True
    ).update(emailed_at=timezone.now())
    if not claimed:
        return False
    report = HighlightReport.objects.select_related("project", "project__customer").get(pk=report_id)
    recipients = list(
        DistributionRecipient.objects.filter(
            project_id=report.project_id, audience=report.audience, language=report.language
        ).values_list("email", flat=True)
    )
    try:
        highlight_report_send(report=report, recipients=recipients)
    except Exception:
        HighlightReport.objects.filter(pk=report_id).update(emailed_at=None)
        raise
    return True


def _wanted_reports(projects: list[Project]) -> set[tuple[int, str, str]]:
    """Each project's internal report in its PM's language, plus one per recipient group."""
    wanted = {
        (
            project.pk,
            Audience.INTERNAL,
            (project.project_manager.preferred_language if project.project_manager else "en")[:2],
        )
        for project in projects
    }
    recipients = DistributionRecipient.objects.filter(project__in=projects).values_list(
        "project_id", "audience", "language"
    )
    return wanted | set(recipients)


def weekly_batch_run(*, today: date | None = None) -> list[int]:
    """Report last week for every active project; running it twice makes and sends nothing twice."""
    today = today or timezone.localdate()
    period_start = week_start_of(today) - timedelta(days=7)
    projects = list(project_list_excluding_phases(phases=INACTIVE_PHASES))
    snapshots_take_for_week(week_start=period_start, projects=projects)
    snapshot_ids = dict(
        ProjectSnapshot.objects.filter(week_start=period_start, project__in=projects).values_list(
            "project_id", "pk"
        )
    )
    updates = dict(
        ProgressUpdate.objects.filter(period_start=period_start, project__in=projects).values_list(
            "project_id", "pk"
        )
    )
    HighlightReport.objects.bulk_create(
        [
            HighlightReport(
                project_id=project_id,
                period_start=period_start,
                period_end=period_start + timedelta(days=6),
                audience=audience,
                language=language,
                snapshot_id=snapshot_ids[project_id],
                progress_update_id=updates.get(project_id),
                is_distributed=True,
            )
            for project_id, audience, language in sorted(_wanted_reports(projects))
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    queued = list(
        HighlightReport.objects.filter(
            period_start=period_start, status=Status.QUEUED, project__in=projects
        ).values_list("pk", flat=True)
    )
    _queue_render(queued)
    return queued


@transaction.atomic
def recipient_add(*, project: Project, actor: User, name: str, email: str, language: str, audience: str):
    """Add someone to the project's distribution list."""
    recipient = DistributionRecipient(
        project=project, name=name, email=email.strip().lower(), language=language, audience=audience
    )
    recipient.full_clean()
    recipient.save()
    return recipient


@transaction.atomic
def recipient_remove(*, recipient: DistributionRecipient, actor: User) -> None:
    """Take someone off the distribution list (the history keeps who it was)."""
    recipient.delete()
