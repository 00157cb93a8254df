"""Reads behind each role's home page: every section one or two queries, whatever the data size.

The sections are registered in reporting/home.py; each loader returns its template partial's context.
Lists show their first HOME_LIMIT rows and say how many there are (pmo.lib.listing.first_with_total).
"""

from __future__ import annotations

from datetime import date, timedelta

from pmo.lib.listing import first_with_total, narrowing_keys
from pmo.models import User
from procurement.selectors.budget import order_commitment_totals
from procurement.selectors.einvoices import einvoices_to_resolve
from procurement.selectors.orders import purchase_orders_awaiting_by_amount, supplier_invoices_to_resolve
from projects.choices import QuotationStatus
from projects.selectors import project_list_for_user
from projects.selectors.plan import capacity_over_allocations, tasks_starting, tasks_without_resource
from projects.selectors.portfolio import project_next_milestone_annotate
from projects.selectors.quotations import quotation_counts_by_status, quotations_open_of
from quality.selectors.homes import (
    handover_status_label,
    handovers_accepted_since,
    handovers_returned_by,
    handovers_waiting_for,
    projects_closing_for_smo,
)
from reporting.selectors.dashboards import ACTIVE, portfolio_projects

HOME_LIMIT = 8
CAPACITY_WEEKS = 6  # this week and the five after it
TASK_WINDOW_DAYS = 14


def _rows(queryset, limit: int = HOME_LIMIT) -> dict:
    rows, total = first_with_total(queryset, limit)
    return {"rows": rows, "total": total}


# The service management office


def smo_waiting(*, user: User, today: date) -> dict:
    """Hand-overs submitted to the user, waiting for their decision."""
    return _rows(handovers_waiting_for(user=user))


def smo_returned(*, user: User, today: date) -> dict:
    """Hand-overs the user sent back, with the reason given."""
    return _rows(handovers_returned_by(user=user))


def smo_accepted(*, user: User, today: date) -> dict:
    """Hand-overs the user accepted since the first of this month."""
    return _rows(handovers_accepted_since(user=user, since=today.replace(day=1))) | {"month": today}


def smo_closing(*, user: User, today: date) -> dict:
    """Projects in their closing phase: the hand-overs to come."""
    section = _rows(projects_closing_for_smo(user=user))
    for project in section["rows"]:
        project.handover_label = handover_status_label(project.handover_status)
    return section


# The engineering manager


def engineering_over_allocated(*, user: User, today: date) -> dict:
    """Resource weeks booked past capacity, from this week on."""
    rows, total = capacity_over_allocations(start=today, weeks=CAPACITY_WEEKS, limit=HOME_LIMIT * 2)
    return {"rows": rows, "total": total, "weeks": CAPACITY_WEEKS}


def engineering_starting(*, user: User, today: date) -> dict:
    """Engineering and installation tasks starting in the next two weeks."""
    until = today + timedelta(days=TASK_WINDOW_DAYS - 1)
    return _rows(tasks_starting(user=user, since=today, until=until), limit=HOME_LIMIT * 2)


def engineering_unassigned(*, user: User, today: date) -> dict:
    """Engineering and installation tasks still to do that nobody is assigned to."""
    return _rows(tasks_without_resource(user=user, today=today))


# Sales


def sales_quotations(*, user: User, today: date) -> dict:
    """The user's quotations counted by status, and the open ones."""
    counts = quotation_counts_by_status(user=user)
    by_status = [(value, label, counts.get(value, 0)) for value, label in QuotationStatus.choices]
    return _rows(quotations_open_of(user=user)) | {"by_status": by_status}


def sales_projects(*, user: User, today: date) -> dict:
    """The projects the user sold that are still running, with their latest RAG and next milestone."""
    sold = portfolio_projects(user=user, today=today).filter(ACTIVE, account_manager=user)
    projects = project_next_milestone_annotate(projects=sold, today=today).order_by("end_date", "code")
    return _rows(projects, limit=HOME_LIMIT * 2)


# Finance


def _finance_scope(user: User):
    # None when finance reads every project: matching 10,000 waiting orders against the keys of all 20,000
    # projects (a hash join) was most of the count of the panel's orders at scale XL.
    return narrowing_keys(project_list_for_user(user=user))


def finance_commitments(*, user: User, today: date) -> dict:
    """Committed (the dashboards' definition), received and invoiced over the projects finance reads."""
    return {"totals": order_commitment_totals(projects=project_list_for_user(user=user))}


def finance_invoices(*, user: User, today: date) -> dict:
    """Supplier invoices and e-invoices that need finance's decision."""
    return {
        "invoices": _rows(supplier_invoices_to_resolve(projects=_finance_scope(user))),
        "einvoices": _rows(einvoices_to_resolve(user=user)),
    }


def finance_orders(*, user: User, today: date) -> dict:
    """Orders waiting for approval, the largest amounts first."""
    return _rows(purchase_orders_awaiting_by_amount(projects=_finance_scope(user)))
