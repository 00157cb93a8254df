from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_role_groups(sender, using="default", **kwargs) -> None:
    """Recreate the role groups after a flush (the data migration made them once)."""
    from django.contrib.auth.models import Group

    from pmo.roles import Role

    for role in Role.values:
        Group.objects.using(using).get_or_create(name=role)


class PmoConfig(AppConfig):
    name = "pmo"
    verbose_name = _("PMO Desk core")

    def ready(self) -> None:
        post_migrate.connect(ensure_role_groups, sender=self)
