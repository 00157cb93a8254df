"""Two approvals racing for the same remaining budget, in parallel transactions on PostgreSQL."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from pmo.roles import Role
from procurement import services
from procurement.models import PurchaseOrder, PurchaseOrderStatus
from tests.factories import BudgetLineFactory, ProjectFactory, SupplierFactory, user_with_role


def _order(project, budget_line, requester, amount: Decimal) -> PurchaseOrder:
    order = services.purchase_order_create(
        actor=requester,
        project=project,
        supplier=SupplierFactory(),
        title="Racing order",
        lines=[
            {
                "description": "Cable",
                "quantity": Decimal("1"),
                "unit_price": amount,
                "budget_line": budget_line,
            }
        ],
    )
    return services.purchase_order_submit(order=order, actor=requester)


def _race(calls) -> list[BaseException | None]:
    """Run the calls in threads that start together; each in its own connection and transaction."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[BaseException | None] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            call()
        except BaseException as error:  # collected and asserted by the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(5))
def test_it_never_lets_two_approvals_share_the_same_remaining_budget(postgres_only, attempt):
    project = ProjectFactory()
    budget_line = BudgetLineFactory(project=project, budget=Decimal("1000.00"))
    requester = user_with_role(Role.PM_SUPPORT)
    user_with_role(Role.HEAD_OF_PM)  # who decides once the budget is exceeded
    first = _order(project, budget_line, requester, Decimal("600.00"))
    second = _order(project, budget_line, requester, Decimal("600.00"))
    manager = project.project_manager

    outcomes = _race(
        [
            lambda: services.purchase_order_approve(order=first, approver=manager),
            lambda: services.purchase_order_approve(order=second, approver=manager),
        ]
    )

    assert all(outcome is None or isinstance(outcome, ValidationError) for outcome in outcomes), outcomes
    statuses = sorted(
        PurchaseOrder.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)
    )
    assert statuses == [PurchaseOrderStatus.APPROVED, PurchaseOrderStatus.SUBMITTED]
    waiting = PurchaseOrder.objects.get(pk__in=[first.pk, second.pk], status=PurchaseOrderStatus.SUBMITTED)
    assert waiting.awaiting_roles == [Role.HEAD_OF_PM]  # over the budget now: the head of PM must decide


@pytest.mark.django_db(transaction=True)
def test_it_lets_both_pass_when_the_budget_covers_both(postgres_only):
    project = ProjectFactory()
    budget_line = BudgetLineFactory(project=project, budget=Decimal("1200.00"))
    requester = user_with_role(Role.PM_SUPPORT)
    orders = [_order(project, budget_line, requester, Decimal("600.00")) for _ in range(2)]
    outcomes = _race(
        [
            lambda order=order: services.purchase_order_approve(order=order, approver=project.project_manager)
            for order in orders
        ]
    )
    assert outcomes == [None, None]
    assert set(PurchaseOrder.objects.values_list("status", flat=True)) == {PurchaseOrderStatus.APPROVED}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(5))
def test_two_receipts_on_one_budget_line_at_once_both_land_in_its_running_totals(postgres_only, attempt):
    from procurement.models import BudgetLine
    from procurement.services.totals import budget_totals_drift

    project = ProjectFactory()
    budget_line = BudgetLineFactory(project=project, budget=Decimal("100000.00"))
    requester = user_with_role(Role.PM_SUPPORT)
    orders = [_order(project, budget_line, requester, Decimal("100.00")) for _ in range(2)]
    for order in orders:
        line = order.lines.get()
        services.purchase_order_update(
            order=order,
            actor=requester,
            lines=[
                {
                    "id": line.pk,
                    "description": "Cable",
                    "quantity": Decimal("10"),
                    "unit_price": Decimal("100.00"),
                    "budget_line": budget_line,
                }
            ],
        )
        services.purchase_order_approve(order=order, approver=project.project_manager)

    def receive(order):
        return lambda: services.goods_receipt_record(
            order=order,
            quantities={order.lines.get().pk: Decimal("4")},
            received_on=date(2026, 3, 2),
            actor=requester,
        )

    assert _race([receive(order) for order in orders]) == [None, None]

    line = BudgetLine.objects.get(pk=budget_line.pk)
    assert (line.committed_amount, line.received_not_invoiced_amount) == (
        Decimal("1200.00"),
        Decimal("800.00"),
    )
    assert budget_totals_drift() == {"budget_lines": 0, "orders": 0}
