"""The role homes (issue 19): the sections reporting adds to the home page, registered at start-up.

Reporting reads every app, so the homes that cross apps live here; pmo.home draws them without
importing reporting. Each loader is in reporting/selectors/homes.py, each card a partial of
templates/reporting/home_sections.html.
"""

from pmo.home import HomeSection, home_section_register
from pmo.roles import Role
from reporting.selectors import homes

PARTIALS = "reporting/home_sections.html"

SECTIONS = [
    HomeSection("smo-waiting", frozenset({Role.SMO}), f"{PARTIALS}#smo-waiting", homes.smo_waiting),
    HomeSection("smo-returned", frozenset({Role.SMO}), f"{PARTIALS}#smo-returned", homes.smo_returned),
    HomeSection("smo-accepted", frozenset({Role.SMO}), f"{PARTIALS}#smo-accepted", homes.smo_accepted),
    HomeSection("smo-closing", frozenset({Role.SMO}), f"{PARTIALS}#smo-closing", homes.smo_closing),
    HomeSection(
        "engineering-over-allocated",
        frozenset({Role.ENGINEERING_MANAGER}),
        f"{PARTIALS}#engineering-over-allocated",
        homes.engineering_over_allocated,
    ),
    HomeSection(
        "engineering-starting",
        frozenset({Role.ENGINEERING_MANAGER}),
        f"{PARTIALS}#engineering-starting",
        homes.engineering_starting,
    ),
    HomeSection(
        "engineering-unassigned",
        frozenset({Role.ENGINEERING_MANAGER}),
        f"{PARTIALS}#engineering-unassigned",
        homes.engineering_unassigned,
    ),
    HomeSection(
        "sales-projects", frozenset({Role.SALES}), f"{PARTIALS}#sales-projects", homes.sales_projects
    ),
    HomeSection(
        "sales-quotations", frozenset({Role.SALES}), f"{PARTIALS}#sales-quotations", homes.sales_quotations
    ),
    HomeSection(
        "finance-commitments",
        frozenset({Role.FINANCE}),
        f"{PARTIALS}#finance-commitments",
        homes.finance_commitments,
    ),
    HomeSection(
        "finance-invoices", frozenset({Role.FINANCE}), f"{PARTIALS}#finance-invoices", homes.finance_invoices
    ),
    HomeSection(
        "finance-orders", frozenset({Role.FINANCE}), f"{PARTIALS}#finance-orders", homes.finance_orders
    ),
]


def register() -> None:
    for section in SECTIONS:
        home_section_register(section)
