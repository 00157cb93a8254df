"""Who may see which dashboard and which version of a highlight report.

Who reads a project's internal reports, and which reports a user sees, are `pmo.lib.visibility` rules:
the permission below and the selectors' querysets are built from them (`tests/pmo/test_visibility.py`).
"""

import rules

from pmo.lib.visibility import has_role, through, value_in
from pmo.roles import Role
from pmo.rules import (
    is_administrator,
    is_finance,
    is_head_of_pm,
    is_pm_support,
    is_project_manager,
)
from projects.rules import can_change_project, can_view_project, project_managed, project_visibility
from reporting.models import Audience

# Margins and P&L: the project's own managers and the roles that hold the money (a rule on projects).
INTERNAL_READERS = (Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.FINANCE, Role.ADMINISTRATOR)
internal_report_readers = project_visibility & (
    has_role(*INTERNAL_READERS) | (has_role(Role.PROJECT_MANAGER) & project_managed)
)
can_view_internal_report = internal_report_readers.predicate

# A report: its project is visible, and it is the customer version or the user reads internal ones.
report_visibility = through("project", project_visibility) & (
    value_in("audience", [Audience.CUSTOMER]) | through("project", internal_report_readers)
)

rules.add_perm("reporting.view_portfolio_dashboard", is_pm_support | is_head_of_pm | is_administrator)
rules.add_perm("reporting.view_finance_dashboard", is_finance | is_head_of_pm | is_administrator)
rules.add_perm("reporting.view_pm_dashboard", is_project_manager | is_pm_support)
rules.add_perm("reporting.view_project_reporting", can_view_project)
rules.add_perm("reporting.change_project_reporting", can_change_project)
rules.add_perm("reporting.view_internal_report", can_view_internal_report)
rules.add_perm("reporting.view_highlightreport", report_visibility.predicate)


@rules.predicate
def may_change_report_project(user, report) -> bool:
    """Changing a report (asking for it again) is changing its project's reporting."""
    return report is not None and can_change_project(user, report.project)


rules.add_perm("reporting.change_highlightreport", report_visibility.predicate & may_change_report_project)

# Connectors (issue 8): who sees the synchronisation runs and who starts one.
from reporting.connectors import permissions as _connector_permissions  # noqa: E402, F401
