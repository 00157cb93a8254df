from importlib import import_module

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_default_categories_and_rules(sender, apps=None, **kwargs) -> None:
    """Re-create the shipped cost categories and approval rules after a flush (transactional tests).

    Only into empty tables: an administrator's deletions must survive the next `migrate`.
    """
    apps = apps or global_apps  # flush sends the signal without the migration state
    try:
        category_model = apps.get_model("procurement", "CostCategory")
    except LookupError:  # migrating to a state before procurement existed
        return
    if category_model.objects.exists():
        return
    import_module("procurement.migrations.0002_default_categories_and_rules").create_defaults(apps, None)


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self) -> None:
        post_migrate.connect(ensure_default_categories_and_rules, sender=self)
        from procurement import ports

        ports.register()  # projects reaches budget lines only through its budget port
        from procurement.selectors import pnl_source_register
        from procurement.selectors.labour import labour_pnl_figures

        pnl_source_register(labour_pnl_figures)  # approved hours x cost rate (issue 15)
