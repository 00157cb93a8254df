"""Reads of progress, tolerances, snapshots and highlight reports, scoped to the user."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from pmo.lib.access import object_get_for_user
from pmo.models import User
from projects.choices import Phase
from projects.selectors import project_get_for_user
from reporting.models import (
    DEFAULT_TOLERANCES,
    Audience,
    DistributionRecipient,
    HighlightReport,
    ProgressUpdate,
    ProjectSnapshot,
    Tolerance,
)
from reporting.rules import report_visibility
from reporting.selectors.sources import FIGURE_SOURCES as SOURCES

if TYPE_CHECKING:
    from projects.models import Project

__all__ = [
    "FIGURE_SOURCES",
    "INACTIVE_PHASES",
    "default_tolerance_for",
    "progress_update_for_period",
    "progress_updates_for_project",
    "project_figures",
    "project_get_for_reporting",
    "recipients_for_project",
    "report_get_for_user",
    "report_queryset_for_user",
    "reports_for_project",
    "snapshot_trend",
    "tolerance_for",
    "tolerance_values",
    "visible_audiences",
    "working_days_between",
]

INACTIVE_PHASES = (Phase.HANDED_OVER, Phase.CANCELLED)
HUNDRED = Decimal(100)


def working_days_between(start: date, end: date) -> int:
    """Working days (Monday to Friday) from start to end; negative when end is earlier."""
    if end < start:
        return -working_days_between(end, start)
    weeks, rest = divmod((end - start).days, 7)
    extra = sum(1 for offset in range(1, rest + 1) if (start + timedelta(days=offset)).weekday() < 5)
    return weeks * 5 + extra


def project_get_for_reporting(*, user: User, pk: int, write: bool = False) -> Project:
    """The project whose progress and reports the user reads (404) or changes (403)."""
    return project_get_for_user(user=user, pk=pk, write=write)


def tolerance_for(*, project: Project) -> Tolerance:
    """The project's tolerances; the Level's defaults (unsaved) until someone edits them."""
    try:
        return project.tolerance
    except Tolerance.DoesNotExist:
        return default_tolerance_for(project=project)


def default_tolerance_for(*, project: Project) -> Tolerance:
    """The Level's default tolerances (unsaved), without asking whether the project has its own row."""
    return Tolerance(project=project, **DEFAULT_TOLERANCES[project.level])


def tolerance_values(tolerance: Tolerance) -> dict:
    """The tolerances as plain values, to be frozen in a snapshot."""
    return {
        "time_days": tolerance.time_days,
        "cost_percent": str(tolerance.cost_percent),
        "cost_amount": str(tolerance.cost_amount),
        "scope_percent": str(tolerance.scope_percent),
        "quality_findings": tolerance.quality_findings,
        "risk_score": tolerance.risk_score,
    }


def _planned_percent(project: Project, today: date) -> Decimal | None:
    if not (project.start_date and project.end_date):
        return None
    total = (project.end_date - project.start_date).days or 1
    elapsed = min(max((today - project.start_date).days, 0), total)
    return (Decimal(elapsed) * HUNDRED / Decimal(total)).quantize(Decimal("0.01"))


def _base_figures(project: Project, today: date) -> dict:
    return {
        "phase": project.phase,
        "planned_percent": _planned_percent(project, today),
        "planned_end": project.end_date,
        "forecast_end": project.end_date,
        "contract_value": project.contract_value,
        "budget": project.budget,
        "data": {
            "project": {
                "code": project.code,
                "name": project.name,
                "customer": project.customer.name,
                "project_manager": str(project.project_manager or ""),
                "phase": project.phase,
                "start_date": project.start_date.isoformat() if project.start_date else None,
                "end_date": project.end_date.isoformat() if project.end_date else None,
            },
        },
    }


# Each source adds its figures and frozen tables for a batch of projects, in a constant number of
# queries: source(figures_by_project_id, today).
FIGURE_SOURCES: list[Callable[[dict[int, dict], date], None]] = SOURCES


def project_figures(*, projects: Iterable[Project], today: date) -> dict[int, dict]:
    """Live figures of projects (with customer and PM loaded), as a snapshot would freeze them."""
    figures = {project.pk: _base_figures(project, today) for project in projects}
    if figures:
        for source in FIGURE_SOURCES:
            source(figures, today)
    return figures


def snapshot_trend(*, project: Project, until: date, weeks: int = 26) -> list[ProjectSnapshot]:
    """The project's snapshots up to a week, oldest first: frozen, so a report re-renders the same."""
    snapshots = ProjectSnapshot.objects.filter(project=project, week_start__lte=until).order_by("-week_start")
    return list(reversed(snapshots[:weeks]))


def progress_updates_for_project(*, project: Project) -> QuerySet[ProgressUpdate]:
    return ProgressUpdate.objects.filter(project=project).select_related("author").order_by("-period_start")


def progress_update_for_period(*, project: Project, period_start: date) -> ProgressUpdate | None:
    return ProgressUpdate.objects.filter(project=project, period_start=period_start).first()


def visible_audiences(*, user: User, project: Project) -> list[str]:
    """The versions of the project's reports the user may read: the internal one shows margins."""
    if user.has_perm("reporting.view_internal_report", project):
        return [Audience.INTERNAL, Audience.CUSTOMER]
    return [Audience.CUSTOMER]


def reports_for_project(*, user: User, project: Project) -> QuerySet[HighlightReport]:
    """The project's highlight reports in the versions the user may read, newest first."""
    return HighlightReport.objects.filter(
        project=project, audience__in=visible_audiences(user=user, project=project)
    ).select_related("requested_by")


def report_queryset_for_user(*, user: User) -> QuerySet[HighlightReport]:
    """Every report the user may read (reporting.rules.report_visibility), with its project."""
    return HighlightReport.objects.filter(report_visibility.q(user)).select_related("project")


def report_get_for_user(*, user: User, pk: int, write: bool = False) -> HighlightReport:
    """One report; 404 when its project is invisible or its version is not for this user, 403 on write
    when the user may only read the project."""
    return object_get_for_user(
        queryset=HighlightReport.objects.select_related("project", "project__customer"),
        pk=pk,
        user=user,
        view_perm="reporting.view_highlightreport",
        change_perm="reporting.change_highlightreport",
        write=write,
    )


def recipients_for_project(*, project: Project) -> QuerySet[DistributionRecipient]:
    return DistributionRecipient.objects.filter(project=project)
