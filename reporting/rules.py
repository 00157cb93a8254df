"""Who may see which dashboard and which version of a highlight report."""

import rules

from pmo.rules import (
    is_administrator,
    is_finance,
    is_head_of_pm,
    is_pm_support,
    is_project_manager,
)
from projects.rules import can_change_project, can_view_project, manages_project

# Margins and P&L: the project's own managers and the roles that hold the money.
can_view_internal_report = can_view_project & (
    is_pm_support | is_head_of_pm | is_finance | is_administrator | (is_project_manager & manages_project)
)

rules.add_perm("reporting.view_portfolio_dashboard", is_pm_support | is_head_of_pm | is_administrator)
rules.add_perm("reporting.view_finance_dashboard", is_finance | is_head_of_pm | is_administrator)
rules.add_perm("reporting.view_pm_dashboard", is_project_manager | is_pm_support)
rules.add_perm("reporting.view_project_reporting", can_view_project)
rules.add_perm("reporting.change_project_reporting", can_change_project)
rules.add_perm("reporting.view_internal_report", can_view_internal_report)

# Connectors (issue 8): who sees the synchronisation runs and who starts one.
from reporting.connectors import permissions as _connector_permissions  # noqa: E402, F401
