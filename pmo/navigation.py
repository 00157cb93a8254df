"""The navigation entries and which roles see them; later apps add theirs here."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pmo.roles import Role

EVERYONE = frozenset(Role.values)


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    icon: str
    roles: frozenset[str]
    section: str  # the first path segment that marks the entry active


NAVIGATION: list[NavEntry] = [
    NavEntry(_("Home"), "pmo:home", "house", EVERYONE, ""),
    NavEntry(_("Projects"), "projects:project-list", "kanban", EVERYONE, "projects"),
    NavEntry(_("Customers"), "projects:customer-list", "building", EVERYONE, "customers"),
]


def navigation_for(user) -> list[NavEntry]:
    roles = user.roles if user.is_authenticated else frozenset()
    return [entry for entry in NAVIGATION if entry.roles & roles]


# Intake and capacity (issue 3).
NAVIGATION += [
    NavEntry(
        _("Intakes"),
        "projects:intake-list",
        "inbox",
        frozenset({Role.SALES, Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.ADMINISTRATOR}),
        "intakes",
    ),
    NavEntry(
        _("Capacity"),
        "projects:capacity",
        "people",
        frozenset(
            {
                Role.ENGINEERING_MANAGER,
                Role.PM_SUPPORT,
                Role.HEAD_OF_PM,
                Role.ADMINISTRATOR,
                Role.PROJECT_MANAGER,
            }
        ),
        "capacity",
    ),
]

# Registers (issue 5): open high risks and overdue actions across projects; lessons learned.
NAVIGATION += [
    NavEntry(
        _("Risks and actions"), "projects:register-portfolio", "exclamation-triangle", EVERYONE, "registers"
    ),
    NavEntry(_("Lessons learned"), "projects:lesson-search", "lightbulb", EVERYONE, "lessons"),
]

# Reporting: the dashboards (the entry sends each role to its own).
NAVIGATION.append(
    NavEntry(
        _("Dashboards"),
        "reporting:dashboard",
        "speedometer2",
        frozenset(
            {
                Role.PM_SUPPORT,
                Role.HEAD_OF_PM,
                Role.ADMINISTRATOR,
                Role.PROJECT_MANAGER,
                Role.FINANCE,
                Role.SALES,
                Role.ENGINEERING_MANAGER,
            }
        ),
        "reporting",
    )
)

# --- procurement (helper "money") ---
_MONEY_READERS = frozenset({Role.FINANCE, Role.HEAD_OF_PM, Role.PM_SUPPORT, Role.ADMINISTRATOR})
NAVIGATION += [
    NavEntry(
        _("Orders"),
        "procurement:purchase-order-list",
        "cart",
        _MONEY_READERS | {Role.PROJECT_MANAGER},
        "procurement",
    ),
    NavEntry(
        _("Money"),
        "procurement:portfolio-money",
        "cash-coin",
        _MONEY_READERS | {Role.PROJECT_MANAGER},
        "procurement",
    ),
]
NAVIGATION.append(
    NavEntry(
        _("Quotations"),
        "projects:quotation-list",
        "file-earmark-text",
        frozenset({Role.SALES, Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.FINANCE, Role.ADMINISTRATOR}),
        "quotations",
    )
)

NAVIGATION.append(
    NavEntry(
        _("Integrations"),
        "reporting:sync-run-list",
        "arrow-left-right",
        frozenset({Role.ADMINISTRATOR, Role.HEAD_OF_PM, Role.PM_SUPPORT}),
        "reporting",
    )
)


# Quality and safety (quality app): reviews for those who see projects, hand-overs for the SMO too.
NAVIGATION += [
    NavEntry(
        _("Quality"),
        "quality:review-list",
        "patch-check",
        frozenset({Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.PROJECT_MANAGER, Role.ADMINISTRATOR}),
        "quality",
    ),
    NavEntry(
        _("Safety"),
        "quality:safety-dashboard",
        "cone-striped",
        frozenset({Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.PROJECT_MANAGER, Role.ENGINEERING_MANAGER}),
        "quality",
    ),
    NavEntry(
        _("Hand-overs"),
        "quality:handover-list",
        "box-arrow-right",
        frozenset({Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.PROJECT_MANAGER, Role.SMO, Role.ADMINISTRATOR}),
        "quality",
    ),
]

# Company profile (issue 11): who the company is, printed on every outgoing document.
NAVIGATION += [
    NavEntry(_("Company"), "pmo:company-profile", "buildings", frozenset({Role.ADMINISTRATOR}), "company"),
]

# E-invoice inbox (issue 11): Peppol invoices and credit notes received from suppliers.
NAVIGATION += [
    NavEntry(
        _("E-invoices"),
        "procurement:einvoice-inbox",
        "envelope-paper",
        frozenset({Role.FINANCE}),
        "procurement",
    ),
]

# feature/timesheets (issue 15): everyone books their own week; approvers see their queue. People of the
# project team without a role (technicians) reach their week from the home page link as well.
NAVIGATION += [
    NavEntry(_("My timesheet"), "projects:timesheet-week", "clock", EVERYONE, "timesheets"),
    NavEntry(
        _("Timesheets to approve"),
        "projects:timesheet-approval-list",
        "check2-square",
        frozenset({Role.PROJECT_MANAGER, Role.ENGINEERING_MANAGER}),
        "timesheets",
    ),
]
NAVIGATION += [  # feature/timesheets: internal cost rates, finance and head of PM only
    NavEntry(
        _("Cost rates"),
        "projects:cost-rate-list",
        "cash-coin",
        frozenset({Role.FINANCE, Role.HEAD_OF_PM}),
        "cost-rates",
    ),
]
NAVIGATION += [  # feature/timesheets: the portfolio's earned value, sortable by SPI/CPI
    NavEntry(
        _("Earned value"),
        "reporting:portfolio-evm",
        "graph-up-arrow",
        frozenset({Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.ADMINISTRATOR}),
        "reporting",
    ),
]
NAVIGATION += [  # feature/timesheets: approved hours for Dynamics 365 (msdyn_timeentry)
    NavEntry(
        _("Approved hours"),
        "projects:time-entry-export",
        "download",
        frozenset({Role.FINANCE, Role.HEAD_OF_PM, Role.PM_SUPPORT}),
        "timesheets",
    ),
]
