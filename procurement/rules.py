"""Object permissions on money: budgets, suppliers, orders, invoices.

Who sees an order is written once (`order_visibility`, a `pmo.lib.visibility` rule): the permission
uses its predicate, procurement.selectors.purchase_order_visibility_q its filter.
"""

import rules

from pmo.lib.visibility import has_role, in_scope, user_is
from pmo.roles import Role
from pmo.rules import (
    is_administrator,
    is_finance,
    is_head_of_pm,
    is_pm_support,
    is_project_manager,
    role_predicate,
)
from projects.rules import manages_project
from projects.selectors import projects_on_team_of

# Roles that read every budget and order of the portfolio.
MONEY_READERS = frozenset({Role.FINANCE, Role.HEAD_OF_PM, Role.PM_SUPPORT, Role.ADMINISTRATOR})
# Roles that raise orders on any project.
BUYERS = frozenset({Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.ADMINISTRATOR})

is_money_reader = role_predicate(*MONEY_READERS)
is_buyer = role_predicate(*BUYERS)


order_project_managed = user_is("project__project_manager") | user_is("project__support_officer")
order_visibility = (
    has_role(*MONEY_READERS) | user_is("requester") | (has_role(Role.PROJECT_MANAGER) & order_project_managed)
)
manages_order_project = order_project_managed.predicate
requested_order = user_is("requester").predicate


@rules.predicate
def stands_in_for_order_pm(user, order) -> bool:
    """The user is today's substitute of the order's project manager (so may open the order to approve it)."""
    from django.utils import timezone

    from procurement.models import ApproverSubstitute

    if order is None or order.project is None or order.project.project_manager_id is None:
        return False
    today = timezone.localdate()
    return ApproverSubstitute.objects.filter(
        absent_id=order.project.project_manager_id, substitute=user, starts_on__lte=today, ends_on__gte=today
    ).exists()


can_view_money = is_money_reader | (is_project_manager & manages_project)
can_change_budget = is_pm_support | is_head_of_pm | is_administrator | (is_project_manager & manages_project)
# Today's substitute of the order's PM opens it to approve it; the order lists do not show it to them.
can_view_order = order_visibility.predicate | stands_in_for_order_pm
# A PM changes the orders of their projects and the ones they raised outside any project.
can_change_order = is_buyer | (is_project_manager & (manages_order_project | requested_order))

rules.add_perm("procurement.view_money", can_view_money)
rules.add_perm("procurement.change_budgetline", can_change_budget)
# A PM sees the same view over the projects they manage (the selector scopes the rows to the user).
rules.add_perm(
    "procurement.view_portfolio_money",
    is_finance | is_head_of_pm | is_administrator | is_pm_support | is_project_manager,
)
rules.add_perm("procurement.view_purchaseorder", can_view_order)
rules.add_perm("procurement.change_purchaseorder", can_change_order)
rules.add_perm("procurement.add_purchaseorder", is_buyer | is_project_manager)
rules.add_perm("procurement.receive_purchaseorder", can_change_order)
rules.add_perm(
    "procurement.export_purchaseorder", is_finance | is_head_of_pm | is_administrator | is_pm_support
)
rules.add_perm("procurement.view_supplier", is_money_reader | is_project_manager)
rules.add_perm("procurement.add_supplier", is_pm_support | is_head_of_pm | is_finance | is_administrator)
rules.add_perm("procurement.change_supplier", is_pm_support | is_head_of_pm | is_finance | is_administrator)
rules.add_perm("procurement.add_supplierinvoice", is_finance)
rules.add_perm("procurement.view_supplierinvoice", is_money_reader)
rules.add_perm("procurement.change_supplierinvoice", is_finance)
# E-invoices: finance reads and resolves them; the Peppol access point's account holds the model permission
# `deliver_einvoice` (ModelBackend) and nothing else, finance has it here to post a document by hand.
rules.add_perm("procurement.view_einvoice", is_finance)
rules.add_perm("procurement.resolve_einvoice", is_finance)
rules.add_perm("procurement.deliver_einvoice", is_finance)
rules.add_perm("procurement.change_approvalrule", is_administrator)
rules.add_perm("procurement.view_purchaseorder_list", is_money_reader | is_project_manager)
rules.add_perm("procurement.add_purchaseorder_anywhere", is_buyer)


# Purchase requisitions and requests for quotation (issue 16, branch feature/tenders).
@rules.predicate
def on_project_team(user, project) -> bool:
    """The user works on the project: its PM, its support officer or an assigned resource."""
    from projects.selectors import project_team_user_ids

    return project is not None and user.pk in project_team_user_ids(project=project)


@rules.predicate
def requested_requisition(user, requisition) -> bool:
    return requisition is not None and requisition.requester_id == user.pk


@rules.predicate
def manages_requisition_project(user, requisition) -> bool:
    return requisition is not None and manages_project(user, requisition.project)


@rules.predicate
def manages_rfq_project(user, rfq) -> bool:
    return rfq is not None and manages_project(user, rfq.project)


# The PMO (buyers) or the project's PM review requisitions and run tenders.
can_review_requisition = is_buyer | (is_project_manager & manages_requisition_project)
can_change_rfq = is_buyer | (is_project_manager & manages_rfq_project)

rules.add_perm("procurement.add_purchaserequisition", rules.is_authenticated)
# Who reads a requisition: money readers and buyers, its requester, and the project's team (its PM and
# support officer, who review it, among them).
requisition_visibility = (
    has_role(*MONEY_READERS, *BUYERS) | user_is("requester") | in_scope("project", projects_on_team_of)
)
rules.add_perm("procurement.view_purchaserequisition", requisition_visibility.predicate)
rules.add_perm("procurement.change_purchaserequisition", requested_requisition)
rules.add_perm("procurement.review_purchaserequisition", can_review_requisition)
rules.add_perm("procurement.order_purchaserequisition", is_buyer | is_project_manager)
rules.add_perm("procurement.view_requestforquotation", is_money_reader | can_change_rfq)
rules.add_perm("procurement.change_requestforquotation", can_change_rfq)
rules.add_perm("procurement.add_requestforquotation", is_buyer | is_project_manager)
