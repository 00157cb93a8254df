"""The navigation: menus (groups) of entries, and which roles see them; later apps add theirs here.

An entry names its menu with `group=` (a key of GROUPS). A menu a role sees one entry of is shown as a
plain link; a role never sees more than seven top-level menus (`tests/pmo/test_navigation.py`).
"""

from dataclasses import dataclass, field
from functools import cache

from django.urls import get_script_prefix, reverse
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
    section: str = ""  # kept for the entries written before the menus; the active entry is found by URL
    group: str = ""  # the key of its menu in GROUPS; empty: a top-level link of its own
    # Also for people who hold no role (technicians, engineers on a project's team): their own timesheet,
    # their requisitions. The page itself still decides what they may see.
    any_signed_in: bool = False


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str | Promise
    icon: str


# The top-level menus, in the order of the top bar.
GROUPS: list[NavGroup] = [
    NavGroup("projects", _("Projects"), "kanban"),
    NavGroup("sales", _("Sales"), "briefcase"),
    NavGroup("procurement", _("Procurement"), "cart"),
    NavGroup("registers", _("Registers"), "journal-text"),
    NavGroup("quality", _("Quality and safety"), "patch-check"),
    NavGroup("reporting", _("Reporting"), "speedometer2"),
    NavGroup("admin", _("Administration"), "gear"),
]
MAX_TOP_LEVEL = 7


@dataclass
class NavItem:
    """One top-level item of the top bar: a menu of links, or a single link."""

    label: str | Promise
    icon: str
    key: str
    links: list["NavLink"] = field(default_factory=list)

    @property
    def is_menu(self) -> bool:
        return len(self.links) > 1

    @property
    def is_active(self) -> bool:
        return any(link.is_active for link in self.links)


@dataclass
class NavLink:
    label: str | Promise
    url: str
    icon: str
    is_active: bool = False


NAVIGATION: list[NavEntry] = [
    NavEntry(_("Projects"), "projects:project-list", "kanban", EVERYONE, "projects", group="projects"),
    NavEntry(_("Customers"), "projects:customer-list", "building", EVERYONE, "customers", group="sales"),
]


def navigation_for(user) -> list[NavEntry]:
    roles = user.roles if user.is_authenticated else frozenset()
    signed_in = user.is_authenticated
    return [entry for entry in NAVIGATION if entry.roles & roles or (signed_in and entry.any_signed_in)]


def navigation_menus(user, path: str = "") -> list[NavItem]:
    """The top bar of this user: menus in GROUPS order, the link that holds `path` marked active."""
    items: dict[str, NavItem] = {group.key: NavItem(group.label, group.icon, group.key) for group in GROUPS}
    for entry in navigation_for(user):
        key = entry.group or f"entry:{entry.url_name}"
        item = items.setdefault(key, NavItem(entry.label, entry.icon, key))
        item.links.append(NavLink(entry.label, _entry_url(entry.url_name, get_script_prefix()), entry.icon))
    _mark_active([link for item in items.values() for link in item.links], path)
    return [item for item in items.values() if item.links]


@cache
def _entry_url(url_name: str, script_prefix: str) -> str:
    """The entries' URLs take no argument, so they change only with the URLconf and the prefix the site is
    served under: reversing the top bar's twenty-odd links on every page was a tenth of a plain page."""
    return reverse(url_name)


def _mark_active(links: list[NavLink], path: str) -> None:
    # The longest URL that starts the path wins: /projects/customers/3/ is Customers, not Projects.
    matches = [link for link in links if link.url != "/" and path.startswith(link.url)]
    if matches:
        max(matches, key=lambda link: len(link.url)).is_active = True


# Intake and capacity (issue 3).
NAVIGATION += [
    NavEntry(
        _("Intakes"),
        "projects:intake-list",
        "inbox",
        frozenset({Role.SALES, Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.ADMINISTRATOR}),
        "intakes",
        group="sales",
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
        group="projects",
    ),
]

# Registers (issue 5): open high risks and overdue actions across projects; lessons learned.
NAVIGATION += [
    NavEntry(
        _("Risks and actions"),
        "projects:register-portfolio",
        "exclamation-triangle",
        EVERYONE,
        "registers",
        group="registers",
    ),
    NavEntry(
        _("Lessons learned"), "projects:lesson-search", "lightbulb", EVERYONE, "lessons", group="registers"
    ),
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
        group="reporting",
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
        group="procurement",
    ),
    NavEntry(
        _("Money"),
        "procurement:portfolio-money",
        "cash-coin",
        _MONEY_READERS | {Role.PROJECT_MANAGER},
        "procurement",
        group="procurement",
    ),
]
NAVIGATION.append(
    NavEntry(
        _("Quotations"),
        "projects:quotation-list",
        "file-earmark-text",
        frozenset({Role.SALES, Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.FINANCE, Role.ADMINISTRATOR}),
        "quotations",
        group="sales",
    )
)

NAVIGATION.append(
    NavEntry(
        _("Integrations"),
        "reporting:sync-run-list",
        "arrow-left-right",
        frozenset({Role.ADMINISTRATOR, Role.HEAD_OF_PM, Role.PM_SUPPORT}),
        "reporting",
        group="reporting",
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
        group="quality",
    ),
    NavEntry(
        _("Safety"),
        "quality:safety-dashboard",
        "cone-striped",
        frozenset({Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.PROJECT_MANAGER, Role.ENGINEERING_MANAGER}),
        "quality",
        group="quality",
    ),
    NavEntry(
        _("Hand-overs"),
        "quality:handover-list",
        "box-arrow-right",
        frozenset({Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.PROJECT_MANAGER, Role.SMO, Role.ADMINISTRATOR}),
        "quality",
        group="quality",
    ),
]

# Company profile (issue 11): who the company is, printed on every outgoing document.
NAVIGATION += [
    NavEntry(
        _("Company"),
        "pmo:company-profile",
        "buildings",
        frozenset({Role.ADMINISTRATOR}),
        "company",
        group="admin",
    ),
]

# E-invoice inbox (issue 11): Peppol invoices and credit notes received from suppliers.
NAVIGATION += [
    NavEntry(
        _("E-invoices"),
        "procurement:einvoice-inbox",
        "envelope-paper",
        frozenset({Role.FINANCE}),
        "procurement",
        group="procurement",
    ),
]

# feature/timesheets (issue 15): everyone books their own week; approvers see their queue. People of the
# project team without a role (technicians) reach their week from the home page link as well.
NAVIGATION += [
    NavEntry(
        _("My timesheet"),
        "projects:timesheet-week",
        "clock",
        EVERYONE,
        "timesheets",
        group="projects",
        any_signed_in=True,
    ),
    NavEntry(
        _("Timesheets to approve"),
        "projects:timesheet-approval-list",
        "check2-square",
        frozenset({Role.PROJECT_MANAGER, Role.ENGINEERING_MANAGER}),
        "timesheets",
        group="projects",
    ),
]
NAVIGATION += [  # feature/timesheets: internal cost rates, finance and head of PM only
    NavEntry(
        _("Cost rates"),
        "projects:cost-rate-list",
        "cash-coin",
        frozenset({Role.FINANCE, Role.HEAD_OF_PM}),
        "cost-rates",
        group="procurement",
    ),
]
NAVIGATION += [  # feature/timesheets: the portfolio's earned value, sortable by SPI/CPI
    NavEntry(
        _("Earned value"),
        "reporting:portfolio-evm",
        "graph-up-arrow",
        frozenset({Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.ADMINISTRATOR}),
        "reporting",
        group="reporting",
    ),
]
# feature/tenders (issue 16): purchase requisitions (anyone on a project's team) and requests for quotation.
NAVIGATION += [
    NavEntry(
        _("Requisitions"),
        "procurement:requisition-list",
        "basket",
        EVERYONE,
        "procurement",
        group="procurement",
        any_signed_in=True,
    ),
    NavEntry(
        _("Tenders"),
        "procurement:rfq-list",
        "people",
        frozenset({Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.PROJECT_MANAGER, Role.FINANCE, Role.ADMINISTRATOR}),
        "procurement",
        group="procurement",
    ),
]
NAVIGATION += [  # feature/timesheets: approved hours for Dynamics 365 (msdyn_timeentry)
    NavEntry(
        _("Approved hours"),
        "projects:time-entry-export",
        "download",
        frozenset({Role.FINANCE, Role.HEAD_OF_PM, Role.PM_SUPPORT}),
        "timesheets",
        group="reporting",
    ),
]
