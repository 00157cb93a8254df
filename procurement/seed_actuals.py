"""Seed step helpers (issue 15): a project's orders received and invoiced in step with its earned value.

Without them the demo's orders were a status mix of small amounts, whatever the plan said: P-2026-0008 showed
BAC 1.7 M, EV 0.94 M and AC 55 k, a CPI of 17. Here each project's placed orders are received as far as its
work has gone, and sized so that received + invoiced = EV / CPI less the approved labour, the CPI being the
project's profile (projects.seed.evm_profiles).
"""

from decimal import Decimal

from django.utils import timezone

from procurement.models import PurchaseOrderLine, PurchaseOrderStatus

S = PurchaseOrderStatus
PLACED_STATUSES = {S.APPROVED, S.SENT, S.PARTIALLY_RECEIVED, S.RECEIVED, S.CLOSED}


def earned_shares(project_ids: list[int]) -> dict[int, Decimal]:
    """Each project's earned share of its budget (EV / BAC), weighted as the EVM weighs work packages."""
    from projects.selectors.plan import evm_work_packages

    packages: dict[int, list] = {}
    for package in evm_work_packages(project_ids=project_ids):
        packages.setdefault(package.project_id, []).append(package)
    shares = {}
    for project_id, rows in packages.items():
        by_hours = sum(row.hours for row in rows) > 0
        weights = [
            Decimal(row.hours) if by_hours else Decimal((row.planned_end - row.planned_start).days + 1)
            for row in rows
        ]
        total = sum(weights)
        earned = sum((weight * row.progress for row, weight in zip(rows, weights, strict=True)), Decimal(0))
        shares[project_id] = earned / total / 100 if total else Decimal(0)
    return shares


def _status_in_step(drawn: str, start: Decimal, end: Decimal, earned: Decimal) -> str:
    """An order buys the work from `start` to `end` (shares of the project): received once it is done."""
    if end <= earned:
        return drawn if drawn in (S.RECEIVED, S.CLOSED) else S.RECEIVED
    if start < earned:
        return S.PARTIALLY_RECEIVED
    return drawn if drawn in (S.APPROVED, S.SENT) else S.SENT


def statuses_in_step(context, projects, count: int, status_mix: list) -> dict[int, str]:
    """The mix by order number, the placed orders of each project received as far as its work has gone.

    Drafts, submissions, rejections and cancellations stay as drawn (every state shows in the demo); a
    project with progress but no placed order has its first order placed, so that it has costs.
    """
    statuses: dict[int, str] = {
        number: status_mix[number % len(status_mix)] for number in range(1, count + 1)
    }
    numbers_of: dict[int, list[int]] = {}
    for number in range(1, count + 1):
        if number % 40:
            numbers_of.setdefault(projects[(number * 13) % len(projects)].pk, []).append(number)
    earned = context.data["earned_shares"]
    for project_id, numbers in numbers_of.items():
        if project_id not in earned:  # no plan to be in step with (XL's projects beyond the detailed ones)
            continue
        share = earned[project_id]
        placed = [number for number in numbers if statuses[number] in PLACED_STATUSES]
        if not placed and share > 0:
            placed = numbers[:1]
        for index, number in enumerate(placed):
            start, end = Decimal(index) / len(placed), Decimal(index + 1) / len(placed)
            statuses[number] = _status_in_step(statuses[number], start, end, share)
    return statuses


def actual_cost_targets(context, projects) -> dict[int, Decimal]:
    """What each project with progress should have received and been invoiced: EV / CPI less labour.

    The project's profile (projects.seed.evm_profiles) gives the CPI; at least 5% of EV goes on orders.
    """
    from projects.selectors.timesheets import labour_cost_by_project

    profiles, earned = context.data["evm_profiles"], context.data["earned_shares"]
    progressed = [project for project in projects if earned.get(project.pk)]
    labour = labour_cost_by_project(
        project_ids=[project.pk for project in progressed], as_of=timezone.localdate()
    )
    targets = {}
    for project in progressed:
        earned_value = project.budget * earned[project.pk]
        target = earned_value / profiles[project.pk].cost - labour.get(project.pk, Decimal(0))
        targets[project.pk] = max(target, earned_value * Decimal("0.05"))
    return targets


def size_to_actual_cost(context, projects, lines: list[PurchaseOrderLine]) -> None:
    """Size each project's order lines so that what was received costs its target (actual_cost_targets).

    One factor per project keeps the lines' proportions, so the committed total lands near EAC.
    Quantities grow (whole units), prices shrink for the small projects.
    """
    lines_of: dict[int, list[PurchaseOrderLine]] = {}
    for line in lines:
        if line.budget_line is not None:
            lines_of.setdefault(line.budget_line.project_id, []).append(line)
    for project_id, target in actual_cost_targets(context, projects).items():
        project_lines = lines_of.get(project_id, [])
        received = sum((line.received_quantity * line.unit_price for line in project_lines), Decimal(0))
        if received:
            for line in project_lines:
                _scale_line(line, target / received)


# Scale XL (procurement.seed._seed_in_sql): the same sizing as _scale_line, in one UPDATE.
SIZE_TO_ACTUAL_COST_SQL = """
WITH t AS (SELECT * FROM unnest(%(target_ids)s::bigint[], %(targets)s::numeric[]) AS t(project_id, target)),
r AS (
    SELECT bl.project_id, sum(l.received_quantity * l.unit_price) AS received
    FROM procurement_purchaseorderline l JOIN procurement_budgetline bl ON bl.id = l.budget_line_id
    WHERE bl.project_id = ANY(%(target_ids)s::bigint[])
    GROUP BY bl.project_id HAVING sum(l.received_quantity * l.unit_price) > 0
),
n AS (
    SELECT l.id, l.quantity AS q, l.received_quantity AS rq, l.invoiced_quantity AS iq,
           CASE WHEN t.target >= r.received THEN greatest(1, round(l.quantity * t.target / r.received))
                ELSE l.quantity END AS nq,
           CASE WHEN t.target >= r.received THEN l.unit_price
                ELSE greatest(0.01, round(l.unit_price * t.target / r.received, 2)) END AS np
    FROM procurement_purchaseorderline l
    JOIN procurement_budgetline bl ON bl.id = l.budget_line_id
    JOIN t ON t.project_id = bl.project_id JOIN r ON r.project_id = bl.project_id
)
UPDATE procurement_purchaseorderline l
SET quantity = n.nq, unit_price = n.np, received_quantity = round(n.nq * n.rq / n.q),
    invoiced_quantity = CASE WHEN n.iq > 0 THEN round(n.nq * n.rq / n.q) ELSE 0 END,
    invoiced_amount = CASE WHEN n.iq > 0 THEN round(round(n.nq * n.rq / n.q) * n.np, 2) ELSE 0 END
FROM n WHERE l.id = n.id
"""


def _scale_line(line: PurchaseOrderLine, factor: Decimal) -> None:
    received_share = line.received_quantity / line.quantity
    if factor >= 1:
        line.quantity = max(Decimal(1), (line.quantity * factor).quantize(Decimal(1)))
    else:
        line.unit_price = max(Decimal("0.01"), (line.unit_price * factor).quantize(Decimal("0.01")))
    line.received_quantity = (line.quantity * received_share).quantize(Decimal(1))
    if line.invoiced_quantity:
        line.invoiced_quantity = line.received_quantity
    line.invoiced_amount = (line.invoiced_quantity * line.unit_price).quantize(Decimal("0.01"))
