"""Earned value per project and period, computed by PostgreSQL in one statement for any number of projects.

The rule (issue 15), as implemented in EVM_SQL:

- BAC, budget at completion = the project's budget. It is spread over the plan's work packages (leaf tasks
  that are neither milestones nor cancelled) in proportion to their planned hours (assignments); a project
  without any planned hours spreads it in proportion to the tasks' planned days. BAC_task is that share.
- PV(t), planned value = sum of BAC_task x the elapsed share of the task's dates in the **current
  baseline** (the latest one) at the end of day t, linear over calendar days: 0 before the baseline start,
  1 after its end. Tasks added after the baseline have no planned value until the next baseline.
- EV, earned value = sum of BAC_task x the task's % complete (`Task.progress`: typed by hand, or derived
  from approved ÷ (approved + remaining) hours when the project says so; projects.services.plan keeps it).
- AC(t), actual cost = approved timesheet hours worked up to t x the person's cost rate of that day (else
  their role's rate of that day), plus what was received (not yet invoiced) and invoiced on the project's
  purchase-order lines (not cancelled).
- SPI = EV / PV, CPI = EV / AC, EAC = BAC / CPI (AC + BAC - EV while nothing is spent), ETC = EAC - AC,
  VAC = BAC - EAC, TCPI = (BAC - EV) / (BAC - AC). A ratio whose divisor is zero is empty.

The suggested RAG (evm_rag) compares SPI and CPI with the project's tolerances: the cost tolerance in
percent of the budget (Tolerance.cost_percent) and the time tolerance as a share of the baseline's
duration (Tolerance.time_days / planned days). An index at or above 1 - tolerance is green, at or above
1 - 2 x tolerance amber, below red; without a value (nothing planned or spent yet) there is no suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db import connection

from procurement.selectors.budget import order_actuals_by_project
from projects.selectors.plan import WorkPackage, evm_work_packages, project_budgets
from projects.selectors.timesheets import labour_cost_by_project

if TYPE_CHECKING:
    from projects.models import Project

EVM_CTE = """
WITH leaf AS (
    SELECT t.id, t.project_id, t.progress,
           COALESCE(h.hours, 0) AS hours, (t.planned_end - t.planned_start + 1) AS days
    FROM projects_task t
    LEFT JOIN (SELECT task_id, sum(hours) AS hours FROM projects_assignment GROUP BY task_id) h
           ON h.task_id = t.id
    WHERE t.project_id = ANY(%(ids)s) AND t.status <> 'cancelled' AND t.kind <> 'milestone'
      AND NOT EXISTS (SELECT 1 FROM projects_task c WHERE c.parent_id = t.id)
),
weighted AS (
    SELECT leaf.*,
           CASE WHEN sum(hours) OVER (PARTITION BY project_id) > 0 THEN hours ELSE days END AS weight
    FROM leaf
),
task_bac AS (
    SELECT w.id, w.project_id, w.progress,
           p.budget * w.weight / NULLIF(sum(w.weight) OVER (PARTITION BY w.project_id), 0) AS bac
    FROM weighted w JOIN projects_project p ON p.id = w.project_id
),
baseline AS (
    SELECT DISTINCT ON (project_id) id, project_id FROM projects_planbaseline
    WHERE project_id = ANY(%(ids)s) ORDER BY project_id, number DESC
),
baseline_task AS (
    SELECT tb.project_id, tb.bac, bt.planned_start, bt.planned_end
    FROM baseline b
    JOIN projects_planbaselinetask bt ON bt.baseline_id = b.id
    JOIN task_bac tb ON tb.id = bt.task_id
)
"""

EVM_SQL = (
    EVM_CTE
    + """,
pv AS (
    SELECT project_id,
           sum(bac * LEAST(GREATEST((%(as_of)s::date - planned_start + 1)::numeric
                                    / (planned_end - planned_start + 1), 0), 1)) AS pv
    FROM baseline_task GROUP BY project_id
),
ev AS (SELECT project_id, sum(bac * progress / 100.0) AS ev FROM task_bac GROUP BY project_id),
labour AS (
    -- The person's rate of the day, else their role's (projects.selectors.timesheets.rate_on_day_subquery).
    SELECT t.project_id, sum(e.hours * COALESCE((
        SELECT r.hourly_rate FROM projects_costrate r
        WHERE r.resource_id = e.resource_id AND r.valid_from <= e.day
          AND (r.valid_to IS NULL OR r.valid_to >= e.day)
        ORDER BY r.valid_from DESC LIMIT 1), (
        SELECT rr.hourly_rate FROM projects_rolecostrate rr
        JOIN projects_resource res ON res.role_id = rr.role_id
        WHERE res.id = e.resource_id AND rr.valid_from <= e.day
          AND (rr.valid_to IS NULL OR rr.valid_to >= e.day)
        ORDER BY rr.valid_from DESC LIMIT 1))) AS cost
    FROM projects_timesheetentry e
    JOIN projects_timesheet s ON s.id = e.timesheet_id AND s.status = 'approved'
    JOIN projects_task t ON t.id = e.task_id
    WHERE t.project_id = ANY(%(ids)s) AND e.day <= %(as_of)s
    GROUP BY t.project_id
),
orders AS (
    SELECT bl.project_id, sum(ol.invoiced_amount + ol.uninvoiced_amount) AS cost
    FROM procurement_purchaseorderline ol
    JOIN procurement_budgetline bl ON bl.id = ol.budget_line_id
    JOIN procurement_purchaseorder o ON o.id = ol.order_id AND o.status <> 'cancelled'
    WHERE bl.project_id = ANY(%(ids)s)
    GROUP BY bl.project_id
),
figures AS (
    SELECT p.id AS project_id, p.budget AS bac,
           round(COALESCE(pv.pv, 0), 2) AS pv, round(COALESCE(ev.ev, 0), 2) AS ev,
           round(COALESCE(labour.cost, 0) + COALESCE(orders.cost, 0), 2) AS ac,
           round(COALESCE(labour.cost, 0), 2) AS labour
    FROM projects_project p
    LEFT JOIN pv ON pv.project_id = p.id
    LEFT JOIN ev ON ev.project_id = p.id
    LEFT JOIN labour ON labour.project_id = p.id
    LEFT JOIN orders ON orders.project_id = p.id
    WHERE p.id = ANY(%(ids)s)
)
SELECT project_id, bac, pv, ev, ac, labour,
       -- LEAST ignores NULLs: the zero divisors are caught first (the cap keeps the snapshot columns' range).
       CASE WHEN pv = 0 THEN NULL ELSE round(LEAST(ev / pv, 9999.999), 3) END AS spi,
       CASE WHEN ac = 0 THEN NULL ELSE round(LEAST(ev / ac, 9999.999), 3) END AS cpi,
       round(CASE WHEN ac = 0 THEN bac - ev + ac WHEN ev = 0 THEN NULL ELSE bac * ac / ev END, 2) AS eac,
       round(CASE WHEN ac = 0 THEN bac - ev WHEN ev = 0 THEN NULL ELSE bac * ac / ev - ac END, 2) AS etc,
       round(CASE WHEN ac = 0 THEN ev - ac WHEN ev = 0 THEN NULL ELSE bac - bac * ac / ev END, 2) AS vac,
       CASE WHEN bac = ac THEN NULL
            ELSE round(GREATEST(LEAST((bac - ev) / (bac - ac), 9999.999), -9999.999), 3) END AS tcpi
FROM figures
"""
)

PV_CURVE_SQL = (
    EVM_CTE
    + """
SELECT week::date,
       round(COALESCE(sum(bt.bac * LEAST(GREATEST(((week::date + 6) - bt.planned_start + 1)::numeric
                                      / (bt.planned_end - bt.planned_start + 1), 0), 1)), 0), 2) AS pv
FROM generate_series(%(first)s::date, %(last)s::date, interval '7 days') AS week
LEFT JOIN baseline_task bt ON true
GROUP BY week ORDER BY week
"""
)

COLUMNS = ("bac", "pv", "ev", "ac", "labour", "spi", "cpi", "eac", "etc", "vac", "tcpi")


@dataclass(frozen=True)
class Evm:
    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    labour: Decimal
    spi: Decimal | None
    cpi: Decimal | None
    eac: Decimal | None
    etc: Decimal | None
    vac: Decimal | None
    tcpi: Decimal | None

    @property
    def sv(self) -> Decimal:
        return self.ev - self.pv

    @property
    def cv(self) -> Decimal:
        return self.ev - self.ac


def evm_for_projects(*, project_ids: list[int], as_of: date) -> dict[int, Evm]:
    """EVM figures of many projects at the end of a day, in one query (five on other databases)."""
    if not project_ids:
        return {}
    if connection.vendor != "postgresql":
        return _evm_in_python(project_ids=list(project_ids), as_of=as_of)
    with connection.cursor() as cursor:
        cursor.execute(EVM_SQL, {"ids": list(project_ids), "as_of": as_of})
        return {row[0]: Evm(*row[1:]) for row in cursor.fetchall()}


# --- The same rule in Python, for the SQLite of `make run` (tests/reporting/test_evm_python.py keeps the
# two equal on PostgreSQL). Rounding as PostgreSQL's round(numeric): half away from zero.
CAP = Decimal("9999.999")


def _round(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _elapsed_share(start: date, end: date, as_of: date) -> Decimal:
    share = Decimal((as_of - start).days + 1) / Decimal((end - start).days + 1)
    return min(max(share, Decimal(0)), Decimal(1))


def _work_package_bac(*, budgets: dict[int, Decimal]) -> dict[int, list[tuple[WorkPackage, Decimal]]]:
    """Each project's work packages with their share of the budget (by planned hours, else by days)."""
    packages: dict[int, list[WorkPackage]] = {}
    for package in evm_work_packages(project_ids=list(budgets)):
        packages.setdefault(package.project_id, []).append(package)
    shares: dict[int, list[tuple[WorkPackage, Decimal]]] = {}
    for project_id, rows in packages.items():
        by_hours = sum(row.hours for row in rows) > 0
        weights = [
            Decimal(row.hours) if by_hours else Decimal((row.planned_end - row.planned_start).days + 1)
            for row in rows
        ]
        total = sum(weights)
        shares[project_id] = [
            (row, budgets[project_id] * weight / total if total else Decimal(0))
            for row, weight in zip(rows, weights, strict=True)
        ]
    return shares


def _planned_value(shares: list[tuple[WorkPackage, Decimal]], as_of: date) -> Decimal:
    return sum(
        (
            bac * _elapsed_share(row.baseline_start, row.baseline_end, as_of)
            for row, bac in shares
            if row.baseline_start is not None and row.baseline_end is not None
        ),
        Decimal(0),
    )


def _evm_in_python(*, project_ids: list[int], as_of: date) -> dict[int, Evm]:
    budgets = project_budgets(project_ids=project_ids)
    shares = _work_package_bac(budgets=budgets)
    labour = labour_cost_by_project(project_ids=project_ids, as_of=as_of)
    orders = order_actuals_by_project(project_ids=project_ids)
    figures = {}
    for project_id, bac in budgets.items():
        rows = shares.get(project_id, [])
        pv = _round(_planned_value(rows, as_of), "0.01")
        ev = _round(sum((bac_task * row.progress / 100 for row, bac_task in rows), Decimal(0)), "0.01")
        project_labour = labour.get(project_id, Decimal(0))
        ac = _round(project_labour + orders.get(project_id, Decimal(0)), "0.01")
        eac: Decimal | None
        etc: Decimal | None
        vac: Decimal | None
        if ac == 0:
            eac, etc, vac = _round(bac - ev + ac, "0.01"), _round(bac - ev, "0.01"), _round(ev - ac, "0.01")
        elif ev == 0:
            eac = etc = vac = None
        else:
            eac = _round(bac * ac / ev, "0.01")
            etc, vac = _round(bac * ac / ev - ac, "0.01"), _round(bac - bac * ac / ev, "0.01")
        figures[project_id] = Evm(
            bac=bac,
            pv=pv,
            ev=ev,
            ac=ac,
            labour=_round(project_labour, "0.01"),
            spi=None if pv == 0 else _round(min(ev / pv, CAP), "0.001"),
            cpi=None if ac == 0 else _round(min(ev / ac, CAP), "0.001"),
            eac=eac,
            etc=etc,
            vac=vac,
            tcpi=None if bac == ac else _round(max(min((bac - ev) / (bac - ac), CAP), -CAP), "0.001"),
        )
    return figures


def evm_for_project(*, project: Project, as_of: date) -> Evm:
    return evm_for_projects(project_ids=[project.pk], as_of=as_of)[project.pk]


def planned_value_curve(*, project: Project, first_week: date, last_week: date) -> list[tuple[date, Decimal]]:
    """PV at the end of every week from first to last (Mondays), from the current baseline, in one query."""
    if connection.vendor != "postgresql":
        shares = _work_package_bac(budgets={project.pk: project.budget}).get(project.pk, [])
        weeks = [first_week + timedelta(weeks=n) for n in range((last_week - first_week).days // 7 + 1)]
        return [(week, _round(_planned_value(shares, week + timedelta(days=6)), "0.01")) for week in weeks]
    with connection.cursor() as cursor:
        cursor.execute(PV_CURVE_SQL, {"ids": [project.pk], "first": first_week, "last": last_week})
        return list(cursor.fetchall())


def evm_rag(*, index: Decimal | None, tolerance_share: Decimal | None) -> str:
    """Green at or above 1 - tolerance, amber at or above 1 - 2 x tolerance, red below ("" = no value)."""
    if index is None or tolerance_share is None:
        return ""
    if index >= 1 - tolerance_share:
        return "green"
    if index >= 1 - 2 * tolerance_share:
        return "amber"
    return "red"


def schedule_tolerance_share(*, time_days: int, start: date | None, end: date | None) -> Decimal | None:
    """The time tolerance as a share of the planned duration (working days over working days)."""
    if start is None or end is None or end < start:
        return None
    working = sum(1 for offset in range((end - start).days + 1) if (start + timedelta(offset)).weekday() < 5)
    return (Decimal(time_days) / Decimal(max(working, 1))).quantize(Decimal("0.0001"))


@dataclass
class EvmCard:
    evm: Evm
    as_of: date
    chart: object
    schedule_rag: str
    cost_rag: str


def project_evm_card(*, project: Project, today: date, weeks_back: int = 26) -> EvmCard:
    """Today's EVM, the S-curve (PV from the baseline, EV and AC from the weekly snapshots and today)."""
    from django.utils.translation import gettext as _

    from reporting.charts import evm_s_curve
    from reporting.models import ProjectSnapshot
    from reporting.selectors.reports import tolerance_for

    evm = evm_for_project(project=project, as_of=today)
    this_week = today - timedelta(days=today.weekday())
    start = project.start_date or this_week - timedelta(weeks=weeks_back)
    first = max(start - timedelta(days=start.weekday()), this_week - timedelta(weeks=weeks_back))
    end = project.end_date or this_week
    last = max(end - timedelta(days=end.weekday()), this_week)
    curve = planned_value_curve(project=project, first_week=first, last_week=last)
    snapshots = {
        row["week_start"]: row
        for row in ProjectSnapshot.objects.filter(
            project=project, week_start__gte=first, week_start__lt=this_week
        ).values("week_start", "earned_value", "actual_cost")
    }
    weeks = [week for week, _pv in curve]
    ev = [snapshots[week]["earned_value"] if week in snapshots else None for week in weeks]
    ac = [snapshots[week]["actual_cost"] if week in snapshots else None for week in weeks]
    if this_week in weeks:
        ev[weeks.index(this_week)], ac[weeks.index(this_week)] = evm.ev, evm.ac
    labels = {"title": _("Earned value"), "bac": _("BAC"), "pv": _("PV"), "ev": _("EV"), "ac": _("AC")}
    chart = evm_s_curve(weeks=weeks, pv=[pv for _week, pv in curve], ev=ev, ac=ac, bac=evm.bac, labels=labels)
    tolerance = tolerance_for(project=project)
    time_share = schedule_tolerance_share(
        time_days=tolerance.time_days, start=project.start_date, end=project.end_date
    )
    return EvmCard(
        evm=evm,
        as_of=today,
        chart=chart,
        schedule_rag=evm_rag(index=evm.spi, tolerance_share=time_share),
        cost_rag=evm_rag(index=evm.cpi, tolerance_share=tolerance.cost_percent / 100),
    )


EVM_SORTS = {"code": "code", "spi": "evm_spi", "cpi": "evm_cpi", "ev": "evm_ev", "ac": "evm_ac"}


def portfolio_evm(*, projects):
    """Projects with the EVM of their latest weekly snapshot, for a table sorted in the database."""
    from django.db.models import F, FilteredRelation, Q

    # The latest snapshot with an earned value, joined once through its flag (snapshot_latest_evm_mark):
    # a subquery per project made the sort by SPI read the snapshots of all 20,000 projects at scale XL.
    return projects.annotate(
        latest_evm=FilteredRelation("snapshots", condition=Q(snapshots__is_latest_evm=True)),
        evm_week=F("latest_evm__week_start"),
        evm_pv=F("latest_evm__planned_value"),
        evm_ev=F("latest_evm__earned_value"),
        evm_ac=F("latest_evm__actual_cost"),
        evm_spi=F("latest_evm__spi"),
        evm_cpi=F("latest_evm__cpi"),
    )
