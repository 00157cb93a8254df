"""The roles of the design, kept as auth groups whose names are these values."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALES = "sales", _("Sales")
    PM_SUPPORT = "pm_support", _("PM support officer")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    HEAD_OF_PM = "head_of_pm", _("Head of project management")
    ENGINEERING_MANAGER = "engineering_manager", _("Engineering manager")
    FINANCE = "finance", _("Finance")
    SMO = "smo", _("Service management office")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that read every project of the portfolio.
PORTFOLIO_READERS = frozenset(
    {Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.ADMINISTRATOR, Role.FINANCE, Role.ENGINEERING_MANAGER}
)
# Roles that create and change any project administratively.
PORTFOLIO_WRITERS = frozenset({Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.ADMINISTRATOR})
