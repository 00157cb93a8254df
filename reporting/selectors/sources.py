"""Where a snapshot's figures come from: the plan, the money and the registers of other apps.

Each source fills the figures of a whole batch of projects in a fixed number of queries, so the
weekly batch costs the same few queries for 20 projects or 2,000. Tables are frozen as JSON
(ISO dates, decimal strings) so that a report re-renders the same way later.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from procurement.selectors.budget import budget_lines_for_projects, project_money_annotate
from projects.selectors.portfolio import (
    baseline_task_rows,
    change_requests_open_or_decided,
    decisions_taken,
    lessons_recorded,
    milestone_rows,
    open_action_counts_by_project,
    open_issue_counts_by_project,
    open_issues_for_projects,
    open_risk_totals_by_project,
    open_risks_for_projects,
    project_queryset_by_ids,
    task_progress_by_project,
)
from projects.selectors.registers import high_score_threshold

TOP = 5
ISSUE_PRIORITY = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _latest_baselines(ids: list[int]) -> dict[int, dict[int, tuple[date, date]]]:
    """Per project, the tasks of its latest baseline: {project: {task: (start, end)}}."""
    latest: dict[int, int] = {}
    kept: dict[int, dict[int, tuple[date, date]]] = defaultdict(dict)
    for project_id, number, task_id, start, end in baseline_task_rows(project_ids=ids):
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
    for row in task_progress_by_project(project_ids=ids):
        values = figures[row["project_id"]]
        values["percent_complete"] = Decimal(row["progress"]).quantize(Decimal("0.01"))
        values["forecast_end"] = row["forecast_end"]
    milestones = defaultdict(list)
    for task in milestone_rows(project_ids=ids):
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
    totals = project_money_annotate(project_queryset_by_ids(ids=ids)).values(
        "pk",
        "money_budget",
        "money_forecast",
        "money_committed",
        "money_received_not_invoiced",
        "money_actual",
        "money_change_revenue",
    )
    lines = defaultdict(list)
    for line in budget_lines_for_projects(project_ids=ids):
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
    top: defaultdict[int, list[dict[str, object]]] = defaultdict(list)
    matrix: defaultdict[int, defaultdict[str, int]] = defaultdict(lambda: defaultdict(int))
    for risk in open_risks_for_projects(project_ids=ids):
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
    issues = open_issues_for_projects(project_ids=ids)
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
    for change in change_requests_open_or_decided(project_ids=ids, since=since, until=until):
        tables["changes"][change.project_id].append(
            {
                "title": f"C{change.number} {change.title}",
                "status": change.get_status_display(),
                "cost_impact": str(change.cost_impact),
                "time_impact_days": change.time_impact_days,
            }
        )
    for decision in decisions_taken(project_ids=ids, since=since, until=until):
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
        row["project_id"]: row for row in open_risk_totals_by_project(project_ids=ids, threshold=threshold)
    }
    issue_counts = open_issue_counts_by_project(project_ids=ids)
    action_counts = {
        row["project_id"]: row for row in open_action_counts_by_project(project_ids=ids, today=today)
    }
    lessons = defaultdict(list)
    for lesson in lessons_recorded(project_ids=ids, since=since, until=today):
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


FIGURE_SOURCES: list[Callable[[dict[int, dict], date], None]] = [
    plan_source,
    money_source,
    registers_source,
    evm_source,
]
