from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "quality"
    verbose_name = _("Quality and safety")

    def ready(self) -> None:
        from quality import closure_checks, gates  # noqa: F401  (registers the checks)
