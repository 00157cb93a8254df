"""Budget lines of a project per cost category."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from simple_history.models import HistoricalRecords

from pmo.lib.money import MoneyField

if TYPE_CHECKING:
    from procurement.selectors.budget import ExternalFigure


class CostCategory(models.Model):
    """A cost category (equipment, subcontracting, internal labour, travel, contingency)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("cost category")
        verbose_name_plural = _("cost categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return str(_(self.name))


ZERO = Decimal("0.00")
# The budget line's running totals (columns), left out of its history: they follow the orders'.
RUNNING_TOTALS = ("committed_amount", "received_not_invoiced_amount", "invoiced_amount")


class BudgetLine(models.Model):
    """What a project may spend in one cost category, and the forecast at completion."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("project")
    )
    category = models.ForeignKey(
        CostCategory, on_delete=models.PROTECT, related_name="budget_lines", verbose_name=_("cost category")
    )
    budget = MoneyField(_("budget"))
    forecast = MoneyField(_("forecast at completion"))
    # Running totals of the order lines on this line (procurement.services.totals keeps them in the same
    # transaction as every change to a line or to its order's status): the portfolio pages sum these
    # instead of every order line. Definitions as in budget_line_figures; budget_totals_check compares.
    committed_amount = MoneyField(_("committed"), editable=False, db_default=ZERO)
    received_not_invoiced_amount = MoneyField(_("received, not invoiced"), editable=False, db_default=ZERO)
    invoiced_amount = MoneyField(_("invoiced amount"), editable=False, db_default=ZERO)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=list(RUNNING_TOTALS))
    # Not columns: project_pnl sets them on the lines of a P&L (the other systems' figures on this line).
    external: "list[ExternalFigure]"
    external_spent: Decimal
    available_with_external: Decimal

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["project", "category__position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "category"], name="unique_budget_line_per_category"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="budget_line_budget_not_negative"),
            models.CheckConstraint(condition=Q(forecast__gte=0), name="budget_line_forecast_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.category}"


# The shipped categories (created by migration 0002); listed here so their names are translated.
DEFAULT_CATEGORY_NAMES = (
    gettext_noop("Equipment"),
    gettext_noop("Subcontracting"),
    gettext_noop("Internal labour"),
    gettext_noop("Travel"),
    gettext_noop("Contingency"),
)
