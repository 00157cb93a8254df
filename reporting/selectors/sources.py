"""Where a snapshot's figures come from: the plan, the money and the registers of other apps.

Each source fills the figures of a whole batch of projects in a fixed number of queries, so the
weekly batch costs the same few queries for 20 projects or 2,000. Tables are frozen as JSON
(ISO dates, decimal strings) so that a report re-renders the same way later.
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, Max, Q, Sum

from procurement.models import BudgetLine
from procurement.selectors.budget import budget_line_figures, project_money_annotate
from projects.models import (
    Action,
    ChangeRequest,
    Decision,
    Issue,
    Lesson,
    PlanBaselineTask,
    Project,
    Risk,
    Task,
    TaskKind,
    TaskStatus,
)
from projects.selectors.registers import high_score_threshold

TOP = 5
ISSUE_PRIORITY = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _latest_baselines(ids: list[int]) -> dict[int, dict[int, tuple[date, date]]]:
    """Per project, the tasks of its latest baseline: {project: {task: (start, end)}}."""
    latest: dict[int, int] = {}
    rows = PlanBaselineTask.objects.filter(baseline__project__in=ids).values_list(
        "baseline__project_id", "baseline__number", "task_id", "planned_start", "planned_end"
    )
    kept: dict[int, dict[int, tuple[date, date]]] = defaultdict(dict)
    for project_id, number, task_id, start, end in rows.order_by("baseline__project_id", "-baseline__number"):
        if latest.setdefault(project_id, number) != number:
            continue
        if task_id:
            kept[project_id][task_id] = (start, end)
    return kept


def _planned_share(tasks: dict[int, tuple[date, date]], today: date) -> Decimal | None:
    """How much of the baseline should be done by today: the mean elapsed share of its tasks."""
    if not tasks:
        return None
    shares = []
    for start, end in tasks.values():
        length = max((end - start).days, 1)
        shares.append(min(max((today - start).days, 0), length) / length)
    return (Decimal(sum(shares)) * 100 / len(shares)).quantize(Decimal("0.01"))


def plan_source(figures: dict[int, dict], today: date) -> None:
    """Progress, baseline and forecast end dates, planned progress and the milestones table."""
    ids = list(figures)
    baselines = _latest_baselines(ids)
    progress = (
        Task.objects.filter(project__in=ids)
        .exclude(status=TaskStatus.CANCELLED)
        .values("project_id")
        .annotate(progress=Avg("progress"), forecast_end=Max("planned_end"))
    )
    for row in progress:
        values = figures[row["project_id"]]
        values["percent_complete"] = Decimal(row["progress"]).quantize(Decimal("0.01"))
        values["forecast_end"] = row["forecast_end"]
    milestones = defaultdict(list)
    rows = Task.objects.filter(project__in=ids, kind=TaskKind.MILESTONE).exclude(status=TaskStatus.CANCELLED)
    for task in rows.order_by("planned_start", "sort_order").values(
        "pk", "project_id", "name", "planned_end", "actual_end"
    ):
        baseline = baselines.get(task["project_id"], {}).get(task["pk"])
        forecast = task["actual_end"] or task["planned_end"]
        milestones[task["project_id"]].append(
            {
                "name": task["name"],
                "baseline": _iso(baseline[1]) if baseline else None,
                "planned": _iso(task["planned_end"]),
                "forecast": _iso(forecast),
                "is_done": task["actual_end"] is not None,
                "variance_days": (forecast - baseline[1]).days if baseline else None,
            }
        )
    for project_id, values in figures.items():
        tasks = baselines.get(project_id, {})
        if tasks:
            values["planned_end"] = max(end for _start, end in tasks.values())
            values["planned_percent"] = _planned_share(tasks, today)
        values["data"]["milestones"] = milestones.get(project_id, [])


def money_source(figures: dict[int, dict], today: date) -> None:
    """Committed, actual (received or invoiced), forecast, approved changes, and the budget table."""
    ids = list(figures)
    totals = project_money_annotate(Project.objects.filter(pk__in=ids)).values(
        "pk",
        "money_budget",
        "money_forecast",
        "money_committed",
        "money_received_not_invoiced",
        "money_actual",
        "money_change_revenue",
    )
    lines = defaultdict(list)
    for line in (
        budget_line_figures(BudgetLine.objects.filter(project__in=ids))
        .select_related("category")
        .order_by("project_id", "category__position", "pk")
    ):
        lines[line.project_id].append(
            {
                "label": line.category.name,
                "budget": str(line.budget),
                "committed": str(line.committed),
                "actual": str(line.actual + line.received_not_invoiced),
                "forecast": str(line.forecast),
                "variance": str(line.budget - line.forecast),
            }
        )
    for row in totals:
        values = figures[row["pk"]]
        values["committed"] = row["money_committed"]
        values["actual"] = row["money_actual"] + row["money_received_not_invoiced"]
        # Without budget lines there is no forecast to speak of: the budget is all we know.
        values["forecast"] = row["money_forecast"] if lines.get(row["pk"]) else None
        values["approved_changes"] = row["money_change_revenue"]
        values["data"]["budget_lines"] = lines.get(row["pk"], [])


def _top_risks(ids: list[int]) -> tuple[dict, dict]:
    top, matrix = defaultdict(list), defaultdict(lambda: defaultdict(int))
    risks = (
        Risk.objects.filter(project__in=ids, status__in=Risk.OPEN_STATUSES)
        .select_related("owner")
        .order_by("project_id", "-residual_score", "-residual_emv", "number")
    )
    for risk in risks:
        matrix[risk.project_id][f"{risk.residual_probability}-{risk.residual_impact}"] += 1
        if len(top[risk.project_id]) < TOP:
            top[risk.project_id].append(
                {
                    "title": f"R{risk.number} {risk.title}",
                    "score": risk.residual_score,
                    "owner": str(risk.owner or ""),
                    "response": risk.response[:200],
                }
            )
    return top, matrix


def _register_tables(ids: list[int], since: date, until: date) -> dict[str, dict[int, list]]:
    tables: dict[str, dict[int, list]] = {
        name: defaultdict(list) for name in ("issues", "changes", "decisions")
    }
    issues = Issue.objects.filter(project__in=ids, status__in=Issue.OPEN_STATUSES).select_related("owner")
    for issue in sorted(issues, key=lambda entry: (ISSUE_PRIORITY.get(entry.priority, 9), entry.number)):
        if len(tables["issues"][issue.project_id]) < TOP:
            tables["issues"][issue.project_id].append(
                {
                    "title": f"I{issue.number} {issue.title}",
                    "priority": issue.get_priority_display(),
                    "owner": str(issue.owner or ""),
                    "status": issue.get_status_display(),
                }
            )
    recent = Q(status__in=ChangeRequest.OPEN_STATUSES) | Q(decided_at__date__range=(since, until))
    for change in ChangeRequest.objects.filter(recent, project__in=ids).order_by("project_id", "number"):
        tables["changes"][change.project_id].append(
            {
                "title": f"C{change.number} {change.title}",
                "status": change.get_status_display(),
                "cost_impact": str(change.cost_impact),
                "time_impact_days": change.time_impact_days,
            }
        )
    decisions = Decision.objects.filter(project__in=ids, decided_on__range=(since, until))
    for decision in decisions.order_by("project_id", "decided_on", "number"):
        tables["decisions"][decision.project_id].append(
            {"title": f"D{decision.number} {decision.title}", "due": _iso(decision.decided_on), "status": ""}
        )
    return tables


def registers_source(figures: dict[int, dict], today: date) -> None:
    """Risk exposure, highest score, open issues and actions, the heat map and the top entries."""
    ids = list(figures)
    threshold = high_score_threshold()
    since = today - timedelta(days=6)
    risk_totals = {
        row["project_id"]: row
        for row in Risk.objects.filter(project__in=ids, status__in=Risk.OPEN_STATUSES)
        .values("project_id")
        .annotate(
            highest=Max("residual_score", filter=Q(kind=Risk.Kind.THREAT)),
            high=Count("pk", filter=Q(residual_score__gte=threshold, kind=Risk.Kind.THREAT)),
            threats=Sum("residual_emv", filter=Q(kind=Risk.Kind.THREAT), default=Decimal("0.00")),
            opportunities=Sum("residual_emv", filter=Q(kind=Risk.Kind.OPPORTUNITY), default=Decimal("0.00")),
        )
    }
    issue_counts = dict(
        Issue.objects.filter(project__in=ids, status__in=Issue.OPEN_STATUSES)
        .values("project_id")
        .annotate(count=Count("pk"))
        .values_list("project_id", "count")
    )
    action_counts = {
        row["project_id"]: row
        for row in Action.objects.filter(project__in=ids, status__in=Action.OPEN_STATUSES)
        .values("project_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
    }
    lessons = defaultdict(list)
    for lesson in Lesson.objects.filter(project__in=ids, created_at__date__range=(since, today)).order_by(
        "pk"
    ):
        lessons[lesson.project_id].append({"title": lesson.title, "recommendation": lesson.recommendation})
    top, matrix = _top_risks(ids)
    tables = _register_tables(ids, since, today)
    for project_id, values in figures.items():
        risks = risk_totals.get(project_id)
        actions = action_counts.get(project_id, {"open": 0, "overdue": 0})
        values["highest_risk_score"] = risks["highest"] if risks else None
        values["open_high_risks"] = risks["high"] if risks else 0
        values["risk_exposure"] = (risks["threats"] - risks["opportunities"]) if risks else Decimal("0.00")
        values["open_issues"] = issue_counts.get(project_id, 0)
        values["open_actions"] = actions["open"]
        values["overdue_actions"] = actions["overdue"]
        data = values["data"]
        data["risks"], data["risk_matrix"] = top.get(project_id, []), dict(matrix.get(project_id, {}))
        data["issues"] = tables["issues"].get(project_id, [])
        data["changes"] = tables["changes"].get(project_id, [])
        data["decisions"] = tables["decisions"].get(project_id, [])
        data["lessons"] = lessons.get(project_id, [])


def evm_source(figures: dict[int, dict], today: date) -> None:
    """Earned value at the end of the period (issue 15): PV, EV, AC, SPI, CPI and the rest in data["evm"]."""
    from reporting.selectors.evm import COLUMNS, evm_for_projects

    for project_id, evm in evm_for_projects(project_ids=list(figures), as_of=today).items():
        values = figures[project_id]
        values.update(planned_value=evm.pv, earned_value=evm.ev, actual_cost=evm.ac, spi=evm.spi, cpi=evm.cpi)
        values["data"]["evm"] = {name: _decimal_text(getattr(evm, name)) for name in COLUMNS}


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


FIGURE_SOURCES = [plan_source, money_source, registers_source, evm_source]
