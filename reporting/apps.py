from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self):
        # The P&L (procurement) shows Dynamics 365 figures through its source hook: nothing imports reporting.
        from procurement.selectors import pnl_source_register
        from reporting.connectors.pnl import d365_pnl_figures

        pnl_source_register(d365_pnl_figures)
        # The role homes (issue 19): pmo.home draws the sections, reporting reads what they show.
        from reporting import home

        home.register()
