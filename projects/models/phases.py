"""The record of a project's phase moves, with the gate's findings and any override."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.models.core import Phase, Project


class PhaseChange(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="phase_changes", verbose_name=_("project")
    )
    from_phase = models.CharField(_("from"), max_length=20, choices=Phase.choices)
    to_phase = models.CharField(_("to"), max_length=20, choices=Phase.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("reason"), blank=True)
    is_override = models.BooleanField(_("gate overridden"), default=False)
    missing = models.JSONField(_("missing at the gate"), default=list, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("phase change")
        verbose_name_plural = _("phase changes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["project", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_phase} → {self.to_phase}"
