"""Reads of the projects app, one module per area (core: customers and projects)."""

from projects.selectors.core import (
    customer_get_for_user,
    customer_list_for_user,
    customer_projects_for_user,
    project_get_for_user,
    project_list_for_user,
    project_queryset_for_user,
    project_team_user_ids,
    project_visibility_q,
    projects_on_team_of,
)

__all__ = [
    "customer_get_for_user",
    "customer_list_for_user",
    "customer_projects_for_user",
    "project_get_for_user",
    "project_list_for_user",
    "project_queryset_for_user",
    "project_team_user_ids",
    "project_visibility_q",
    "projects_on_team_of",
]

# Intake, documents and plan (issue 3).
from projects.selectors.intake import (
    intake_existing_customer,
    intake_get_for_user,
    intake_list_for_user,
    intake_missing,
    intake_template_list,
    intake_visibility_q,
)

__all__ += [
    "intake_existing_customer",
    "intake_get_for_user",
    "intake_list_for_user",
    "intake_missing",
    "intake_template_list",
    "intake_visibility_q",
]

from projects.selectors.documents import (  # noqa: E402
    document_get_for_user,
    document_list_for_project,
    document_version_get_for_user,
    required_documents_status,
)
from projects.selectors.gantt import gantt_chart  # noqa: E402
from projects.selectors.plan import (  # noqa: E402
    baseline_choose,
    baseline_list_for_project,
    capacity_first_week_with_work,
    capacity_rows,
    milestone_list_for_project,
    plan_progress,
    plan_row,
    plan_rows,
    resource_departments,
    resource_list,
)

__all__ += [
    "baseline_choose",
    "baseline_list_for_project",
    "capacity_first_week_with_work",
    "capacity_rows",
    "document_get_for_user",
    "document_list_for_project",
    "document_version_get_for_user",
    "gantt_chart",
    "milestone_list_for_project",
    "plan_progress",
    "plan_row",
    "plan_rows",
    "required_documents_status",
    "resource_departments",
    "resource_list",
]

# Registers: risks, issues, change requests, decisions, actions, lessons learned.
from projects.selectors import registers  # noqa: E402, F401

# Quotations (issue 4, helper "money").
from projects.selectors.quotations import (  # noqa: E402
    quotation_get_for_user,
    quotation_list_for_user,
    quotation_visibility_q,
    quotation_with_totals,
)

__all__ += [
    "quotation_get_for_user",
    "quotation_list_for_user",
    "quotation_visibility_q",
    "quotation_with_totals",
]
