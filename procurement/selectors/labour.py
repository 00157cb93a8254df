"""Internal labour in the P&L: approved hours x cost rate, read from projects' timesheet selectors.

Registered as a P&L source (procurement.apps) on the internal-labour budget line. Our people's hours are
never purchase-order lines, so nothing here is also counted as committed, received or invoiced; a
corrected hour is counted once (its reversal is negative) and only approved sheets count.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from procurement.selectors.budget import ExternalFigure
from projects.selectors.timesheets import project_labour

INTERNAL_LABOUR = "internal_labour"


def labour_pnl_figures(*, project) -> list[ExternalFigure]:
    """The project's approved internal labour at cost, in one query; nothing when no hour is approved."""
    labour = project_labour(project=project)
    if not labour["records"]:
        return []
    return [
        ExternalFigure(
            category_code=INTERNAL_LABOUR,
            source=_("Approved timesheets (internal labour)"),
            actual=labour["cost"].quantize(Decimal("0.01")),
            records=labour["records"],
        )
    ]
