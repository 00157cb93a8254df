"""The role homes (issue 19): the sections reporting adds to the home page, registered at start-up.

Reporting reads every app, so the homes that cross apps live here; pmo.home draws them without
importing reporting. Each loader is in reporting/selectors/homes.py, each card a partial of
templates/reporting/home_sections.html.
"""

from pmo.home import HomeSection, home_section_register
from pmo.roles import Role
from reporting.selectors import homes

PARTIALS = "reporting/home_sections.html"


def _section(key: str, role: str, load) -> HomeSection:
    """A card for one role, drawn by the partial of the same name."""
    return HomeSection(key, frozenset({role}), f"{PARTIALS}#{key}", load)


SECTIONS = [
    _section("smo-waiting", Role.SMO, homes.smo_waiting),
    _section("smo-returned", Role.SMO, homes.smo_returned),
    _section("smo-accepted", Role.SMO, homes.smo_accepted),
    _section("smo-closing", Role.SMO, homes.smo_closing),
    _section("engineering-over-allocated", Role.ENGINEERING_MANAGER, homes.engineering_over_allocated),
    _section("engineering-starting", Role.ENGINEERING_MANAGER, homes.engineering_starting),
    _section("engineering-unassigned", Role.ENGINEERING_MANAGER, homes.engineering_unassigned),
    _section("sales-projects", Role.SALES, homes.sales_projects),
    _section("sales-quotations", Role.SALES, homes.sales_quotations),
    _section("finance-commitments", Role.FINANCE, homes.finance_commitments),
    _section("finance-invoices", Role.FINANCE, homes.finance_invoices),
    _section("finance-orders", Role.FINANCE, homes.finance_orders),
]


def register() -> None:
    for section in SECTIONS:
        home_section_register(section)
