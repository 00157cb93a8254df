"""Dashboards per role: the PMO's portfolio, a project manager's own, finance."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pmo.lib.db import replica_view
from pmo.lib.exports import csv_response
from pmo.lib.http import AuthenticatedHttpRequest
from pmo.lib.listing import paginate, sort_queryset
from pmo.roles import Role
from projects.choices import Phase
from projects.selectors.timesheets import project_labour_cost_subquery
from reporting import selectors
from reporting.filters import PortfolioFilter
from reporting.models import Audience, Rag

PROJECT_SORTS = {
    "code": "code",
    "customer": "customer__name",
    "phase": "phase",
    "rag": "latest_rag",
    "budget": "budget",
    "end": "end_date",
}


@login_required
@require_GET
def dashboard_home(request: AuthenticatedHttpRequest):
    """Send each reader to the dashboard of their role."""
    for permission, url_name in (
        ("reporting.view_portfolio_dashboard", "reporting:portfolio"),
        ("reporting.view_pm_dashboard", "reporting:my-dashboard"),
        ("reporting.view_finance_dashboard", "reporting:finance"),
    ):
        if request.user.has_perm(permission):
            return redirect(url_name)
    # Sales follow their intakes, engineering managers their people's capacity (pages of projects).
    if request.user.has_role(Role.SALES):
        return redirect("projects:intake-list")
    if request.user.has_role(Role.ENGINEERING_MANAGER):
        return redirect("projects:capacity")
    # The service management office's dashboard is its home: hand-overs waiting, returned, accepted.
    if request.user.has_role(Role.SMO):
        return redirect("pmo:home")
    raise PermissionDenied


@login_required
@permission_required("reporting.view_portfolio_dashboard", raise_exception=True)
@require_GET
@replica_view  # a read-only report: a replica may answer it (docs/scaling.md)
def portfolio(request: AuthenticatedHttpRequest):
    projects = selectors.portfolio_projects(user=request.user)
    project_filter = PortfolioFilter(request.GET, queryset=projects, request=request)
    rows, sort = sort_queryset(project_filter.qs, request.GET.get("sort"), PROJECT_SORTS, "code")
    context = {
        "filter": project_filter,
        "page": paginate(request, rows),
        "sort": sort,
        "summary": selectors.dashboard_summary(projects=project_filter.qs),
        "trend": selectors.rag_over_time(projects=project_filter.qs),
        "reports": selectors.recent_reports(projects=project_filter.qs, audiences=Audience.values),
        "sections": selectors.attention_sections(user=request.user, projects=project_filter.qs),
    }
    context["charts"] = _charts(context["summary"], context["trend"])
    template = "reporting/portfolio.html#portfolio-table" if request.htmx else "reporting/portfolio.html"
    return render(request, template, context)


@login_required
@permission_required("reporting.view_pm_dashboard", raise_exception=True)
@require_GET
@replica_view  # a read-only report: a replica may answer it (docs/scaling.md)
def my_dashboard(request: AuthenticatedHttpRequest):
    mine = Q(project_manager=request.user) | Q(support_officer=request.user)
    projects = selectors.portfolio_projects(user=request.user).filter(mine)
    active = projects.exclude(phase__in=selectors.INACTIVE_PHASES)
    context = {
        "page": paginate(request, active.order_by("end_date", "code")),
        "summary": selectors.dashboard_summary(projects=projects),
        "reports": selectors.recent_reports(projects=projects, audiences=Audience.values),
        "sections": selectors.my_sections(user=request.user),
    }
    return render(request, "reporting/my_dashboard.html", context)


@login_required
@permission_required("reporting.view_finance_dashboard", raise_exception=True)
@require_GET
@replica_view  # a read-only report: a replica may answer it (docs/scaling.md)
def finance(request: AuthenticatedHttpRequest):
    projects = selectors.finance_projects(user=request.user)
    project_filter = PortfolioFilter(request.GET, queryset=projects, request=request)
    rows, sort = sort_queryset(project_filter.qs, request.GET.get("sort"), PROJECT_SORTS, "code")
    page = paginate(request, rows)
    context = {
        "filter": project_filter,
        "page": page,
        "sort": sort,
        "totals": selectors.finance_totals(projects=project_filter.qs),
        "sections": selectors.finance_sections(user=request.user),
        "chart": _finance_chart(page.object_list),
    }
    return render(request, "reporting/finance.html", context)


def _finance_chart(projects) -> dict:
    """Budget, committed and actual of the projects on this page, side by side (no extra query)."""
    projects = list(projects)
    return {
        "type": "bar",
        "compact": True,
        "labels": [project.code for project in projects],
        "datasets": [
            {"label": _("Budget"), "data": [float(project.budget or 0) for project in projects]},
            {"label": _("Committed"), "data": [float(project.money_committed or 0) for project in projects]},
            {
                "label": _("Actual"),
                "data": [
                    float((project.money_actual or 0) + (project.money_received_not_invoiced or 0))
                    for project in projects
                ],
            },
        ],
    }


def _charts(summary, trend=None) -> dict:
    """Chart.js data for the dashboard's canvases (drawn by static/js/reporting-charts.js)."""
    # Phases in the order a project lives them, each one shown even when no project is in it.
    counts = {row["phase"]: row["count"] for row in summary.phases}
    use = summary.budget_use
    charts: dict[str, dict[str, object]] = {
        "phases": {
            "type": "bar",
            "labels": [str(label) for label in Phase.labels],
            "datasets": [{"label": _("Projects"), "data": [counts.get(phase, 0) for phase in Phase.values]}],
        },
        "budget": {
            "type": "bar",
            "compact": True,
            "labels": [_("Budget"), _("Committed"), _("Actual"), _("Forecast")],
            "datasets": [
                {
                    "label": _("EUR"),
                    "data": [float(use[key] or 0) for key in ("budget", "committed", "actual", "forecast")],
                }
            ],
        },
    }
    if trend is not None:
        names: dict[str, str] = {Rag.GREEN: _("Green"), Rag.AMBER: _("Amber"), Rag.RED: _("Red")}
        charts["rag"] = {
            "type": "bar",
            "stacked": True,
            "labels": [date_format(week, "j M") for week in trend["weeks"]],
            "datasets": [
                {"label": names[rag], "rag": rag, "data": trend["series"][rag]} for rag in Rag.values
            ],
        }
    return charts


@login_required
@permission_required("reporting.view_finance_dashboard", raise_exception=True)
@require_GET
def finance_export(request: AuthenticatedHttpRequest):
    """Stream the finance view as CSV, whatever the number of projects."""
    rows = PortfolioFilter(
        request.GET, queryset=selectors.finance_projects(user=request.user), request=request
    ).qs
    header = [_("Code"), _("Project"), _("Customer"), _("Phase"), _("Contract value"), _("Budget")]
    header += [_("Committed"), _("Actual"), _("Forecast at completion")]
    # Approved timesheet hours at cost (issue 15): beside the order actuals, never inside them.
    header += [_("Internal labour (approved hours)")]
    rows = rows.annotate(labour_cost=project_labour_cost_subquery())

    def lines():
        yield header
        for project in (
            rows.select_related(None).select_related("customer").order_by("code").iterator(chunk_size=500)
        ):
            yield [
                project.code,
                project.name,
                project.customer.name,
                project.get_phase_display(),
                project.contract_value,
                project.budget,
                project.money_committed,
                project.money_actual + project.money_received_not_invoiced,
                project.money_forecast,
                project.labour_cost,
            ]

    return csv_response(lines(), filename="portfolio-finance")
