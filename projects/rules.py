"""Object permissions on customers and projects.

The selectors hold the same rules as querysets (projects.selectors.project_visibility_q);
tests check that both agree for every role.
"""

import rules

from pmo.rules import (
    is_head_of_pm,
    is_pm_support,
    is_portfolio_reader,
    is_portfolio_writer,
    is_project_manager,
    is_sales,
    is_smo,
)
from projects.models import Phase

SMO_VISIBLE_PHASES = (Phase.CLOSING, Phase.HANDED_OVER)


@rules.predicate
def manages_project(user, project) -> bool:
    return project is not None and user.pk in (project.project_manager_id, project.support_officer_id)


@rules.predicate
def sold_project(user, project) -> bool:
    return project is not None and project.account_manager_id == user.pk


@rules.predicate
def project_with_smo(user, project) -> bool:
    return project is not None and project.phase in SMO_VISIBLE_PHASES


can_view_project = (
    is_portfolio_reader
    | (is_project_manager & manages_project)
    | (is_sales & sold_project)
    | (is_smo & project_with_smo)
)
can_change_project = is_portfolio_writer | (is_project_manager & manages_project)

rules.add_perm("projects.view_project", can_view_project)
rules.add_perm("projects.change_project", can_change_project)
rules.add_perm("projects.add_project", is_pm_support | is_head_of_pm | is_portfolio_writer)

rules.add_perm("projects.view_customer", rules.is_authenticated)
rules.add_perm("projects.add_customer", is_portfolio_writer | is_sales)
rules.add_perm("projects.change_customer", is_portfolio_writer | is_sales)


# Intake, documents, plan and resources (issue 3).
from pmo.rules import is_administrator, is_engineering_manager  # noqa: E402
from projects.models import INTAKE_EDITABLE_STATUSES  # noqa: E402

is_intake_reviewer = is_pm_support | is_head_of_pm | is_administrator


@rules.predicate
def wrote_intake(user, intake) -> bool:
    return intake is not None and intake.created_by_id == user.pk


@rules.predicate
def intake_is_editable(user, intake) -> bool:
    return intake is not None and intake.status in INTAKE_EDITABLE_STATUSES


rules.add_perm("projects.view_intake", is_intake_reviewer | (is_sales & wrote_intake))
rules.add_perm("projects.add_intake", is_sales)
rules.add_perm("projects.change_intake", is_sales & wrote_intake & intake_is_editable)
rules.add_perm("projects.review_intake", is_intake_reviewer)
rules.add_perm("projects.override_gate", is_head_of_pm)
rules.add_perm(
    "projects.view_capacity",
    is_engineering_manager | is_pm_support | is_head_of_pm | is_administrator | is_project_manager,
)
rules.add_perm("projects.change_resource", is_engineering_manager | is_pm_support | is_administrator)
rules.add_perm("projects.view_intake_list", is_intake_reviewer | is_sales)
