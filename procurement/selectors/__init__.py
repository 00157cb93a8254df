"""Reads of the procurement app, scoped to the user."""

from procurement.selectors.approvals import (
    Requirement,
    approval_requirements,
    order_amount,
    pending_roles_for,
    user_can_fill,
)
from procurement.selectors.budget import (
    ProjectPnl,
    budget_line_figures,
    money_totals_for_projects,
    portfolio_money_for_user,
    project_money_annotate,
    project_pnl,
    project_spend,
)
from procurement.selectors.orders import (
    purchase_order_approvals,
    purchase_order_get_for_user,
    purchase_order_lines,
    purchase_order_list_for_user,
    purchase_order_visibility_q,
    purchase_order_with_totals,
    purchase_orders_awaiting,
    purchase_orders_open_count,
    supplier_get_for_user,
    supplier_invoice_get_for_user,
    supplier_invoice_list,
    supplier_list,
)

__all__ = [
    "ProjectPnl",
    "Requirement",
    "approval_requirements",
    "budget_line_figures",
    "money_totals_for_projects",
    "order_amount",
    "pending_roles_for",
    "portfolio_money_for_user",
    "project_money_annotate",
    "project_pnl",
    "project_spend",
    "purchase_order_approvals",
    "purchase_order_get_for_user",
    "purchase_order_lines",
    "purchase_order_list_for_user",
    "purchase_order_visibility_q",
    "purchase_order_with_totals",
    "purchase_orders_awaiting",
    "purchase_orders_open_count",
    "supplier_get_for_user",
    "supplier_invoice_get_for_user",
    "supplier_invoice_list",
    "supplier_list",
    "user_can_fill",
]
