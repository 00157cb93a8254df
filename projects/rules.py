"""Object permissions on customers and projects.

Who sees a project, an intake or a quotation is written once, as a `pmo.lib.visibility` rule: its
`.predicate` is the permission below and its `.q(user)` the selectors' filter
(`tests/pmo/test_visibility.py` checks that both agree for every role).
"""

import rules

from pmo.lib.visibility import has_role, user_is, value_in
from pmo.roles import PORTFOLIO_READERS, Role
from pmo.rules import (
    is_head_of_pm,
    is_pm_support,
    is_portfolio_writer,
    is_project_manager,
    is_sales,
    is_smo,
)
from projects.models import Phase

SMO_VISIBLE_PHASES = (Phase.CLOSING, Phase.HANDED_OVER)


project_managed = user_is("project_manager") | user_is("support_officer")
project_sold = user_is("account_manager")
project_with_smo_rule = value_in("phase", SMO_VISIBLE_PHASES)
project_visibility = (
    has_role(*PORTFOLIO_READERS)
    | (has_role(Role.PROJECT_MANAGER) & project_managed)
    | (has_role(Role.SALES) & project_sold)
    | (has_role(Role.SMO) & project_with_smo_rule)
)

manages_project = project_managed.predicate
sold_project = project_sold.predicate
project_with_smo = project_with_smo_rule.predicate
can_view_project = project_visibility.predicate
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

INTAKE_REVIEWERS = (Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.ADMINISTRATOR)
is_intake_reviewer = is_pm_support | is_head_of_pm | is_administrator
intake_visibility = has_role(*INTAKE_REVIEWERS) | (has_role(Role.SALES) & user_is("created_by"))
wrote_intake = user_is("created_by").predicate


@rules.predicate
def intake_is_editable(user, intake) -> bool:
    return intake is not None and intake.status in INTAKE_EDITABLE_STATUSES


rules.add_perm("projects.view_intake", intake_visibility.predicate)
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


# --- quotations (issue 4, helper "money"): sales see and change their own; the PMO and finance see all.
from pmo.rules import is_administrator, is_finance  # noqa: E402

QUOTATION_READERS = (Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.ADMINISTRATOR, Role.FINANCE)
quotation_visibility = has_role(*QUOTATION_READERS) | (has_role(Role.SALES) & user_is("created_by"))
wrote_quotation = user_is("created_by").predicate
can_view_quotation = quotation_visibility.predicate
can_change_quotation = is_pm_support | is_administrator | (is_sales & wrote_quotation)
rules.add_perm("projects.view_quotation", can_view_quotation)
rules.add_perm("projects.change_quotation", can_change_quotation)
rules.add_perm("projects.add_quotation", is_sales | is_pm_support | is_administrator)
rules.add_perm(
    "projects.view_quotation_list", is_sales | is_pm_support | is_head_of_pm | is_administrator | is_finance
)


# --- documents (issue 20, helper "accounts"): the design gives sales the intakes and quotations they wrote.
# Being a project's account manager shows sales the project, but its files (signed offer, design, minutes)
# only when the sale was theirs: the project came from an intake or a quotation they wrote.
from pmo.rules import is_portfolio_reader as _is_portfolio_reader  # noqa: E402


@rules.predicate
def wrote_the_sale(user, project) -> bool:
    if project is None:
        return False
    intake = getattr(project, "intake", None)  # the reverse one-to-one raises AttributeError when absent
    if intake is not None and intake.created_by_id == user.pk:
        return True
    return project.quotations.filter(created_by=user).exists()


can_view_project_documents = (
    _is_portfolio_reader
    | (is_project_manager & manages_project)
    | (is_sales & wrote_the_sale)
    | (is_smo & project_with_smo)
)
rules.add_perm("projects.view_project_documents", can_view_project_documents)


# --- timesheets and cost rates (issue 15, helper "timesheets"). A person books and submits their own
# week; the project manager of the project approves its project-track sheets and the engineering manager
# the engineering and installation ones. Nobody else sees a person's sheet except the head of PM; cost
# rates are for finance and the head of PM only.
from pmo.rules import is_finance as _is_finance  # noqa: E402
from projects.models import ApprovalTrack  # noqa: E402


@rules.predicate
def books_the_timesheet(user, timesheet) -> bool:
    return timesheet is not None and timesheet.resource.user_id == user.pk


@rules.predicate
def approves_the_timesheet(user, timesheet) -> bool:
    if timesheet is None or timesheet.resource.user_id == user.pk:  # nobody approves their own hours
        return False
    if timesheet.track == ApprovalTrack.ENGINEERING:
        return user.has_role("engineering_manager")
    return user.has_role("project_manager") and timesheet.project.project_manager_id == user.pk


rules.add_perm("projects.submit_timesheet", books_the_timesheet)
rules.add_perm("projects.approve_timesheet", approves_the_timesheet)
rules.add_perm("projects.view_timesheet", books_the_timesheet | approves_the_timesheet | is_head_of_pm)
rules.add_perm("projects.view_timesheet_approvals", is_project_manager | is_engineering_manager)
rules.add_perm("projects.view_cost_rate", _is_finance | is_head_of_pm)
rules.add_perm("projects.change_cost_rate", _is_finance | is_head_of_pm)
rules.add_perm("projects.export_time_entries", _is_finance | is_head_of_pm | is_pm_support)


# Meetings (issue 16, branch feature/meetings): the project's team plans and minutes them; the PMO closes
# the minutes, which sends them to every attendee.
rules.add_perm("projects.close_meeting_minutes", is_pm_support | is_head_of_pm | is_administrator)
