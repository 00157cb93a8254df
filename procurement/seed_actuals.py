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
        share = earned.get(project_id, Decimal(0))
        placed = [number for number in numbers if statuses[number] in PLACED_STATUSES]
        if not placed and share > 0:
            placed = numbers[:1]
        for index, number in enumerate(placed):
            start, end = Decimal(index) / len(placed), Decimal(index + 1) / len(placed)
            statuses[number] = _status_in_step(statuses[number], start, end, share)
    return statuses


def size_to_actual_cost(context, projects, lines: list[PurchaseOrderLine]) -> None:
    """Size each project's order lines so that what was received costs EV / CPI less the approved labour.

    The project's profile (projects.seed.evm_profiles) gives the CPI; one factor per project keeps the
    lines' proportions, so the committed total lands near EAC. Quantities grow (whole units), prices
    shrink for the small projects.
    """
    from projects.selectors.timesheets import labour_cost_by_project

    today = timezone.localdate()
    profiles, earned = context.data["evm_profiles"], context.data["earned_shares"]
    labour = labour_cost_by_project(project_ids=list(earned), as_of=today)
    lines_of: dict[int, list[PurchaseOrderLine]] = {}
    for line in lines:
        if line.budget_line is not None:
            lines_of.setdefault(line.budget_line.project_id, []).append(line)
    for project in projects:
        project_lines = lines_of.get(project.pk, [])
        received = sum((line.received_quantity * line.unit_price for line in project_lines), Decimal(0))
        if not received:
            continue
        earned_value = project.budget * earned.get(project.pk, Decimal(0))
        target = earned_value / profiles[project.pk].cost - labour.get(project.pk, Decimal(0))
        factor = max(target, earned_value * Decimal("0.05")) / received
        for line in project_lines:
            _scale_line(line, factor)


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
