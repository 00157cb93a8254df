"""Builders shared by the procurement tests: orders made through the services, as users make them."""

from decimal import Decimal

from pmo.roles import Role
from procurement import services
from tests.factories import BudgetLineFactory, ProjectFactory, SupplierFactory, user_with_role


def make_order(
    *, project="new", amount=Decimal("500.00"), requester=None, budget=Decimal("10000.00"), supplier=None
):
    """A draft order of one line worth `amount` on the equipment budget line (or outside any project)."""
    if project == "new":
        project = ProjectFactory()
    line = BudgetLineFactory(project=project, budget=budget, forecast=budget) if project else None
    requester = requester or user_with_role(Role.PM_SUPPORT)
    return services.purchase_order_create(
        actor=requester,
        project=project,
        supplier=supplier or SupplierFactory(),
        title="Switches",
        lines=[
            {
                "description": "Switch 48 ports",
                "quantity": Decimal("1"),
                "unit": "pcs",
                "unit_price": amount,
                "vat_rate": "21",
                "budget_line": line,
            }
        ],
    )


def submitted_order(**kwargs):
    order = make_order(**kwargs)
    return services.purchase_order_submit(order=order, actor=order.requester)
