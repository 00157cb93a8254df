from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from pmo.roles import Role


class User(AbstractUser):
    """A person who signs in; roles are auth groups named after `Role` values."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("en", _("English")), ("fr", _("French")), ("nl", _("Dutch"))],
        default="en",
    )
    department = models.CharField(_("department"), max_length=100, blank=True)
    welcome_email_sent_at = models.DateTimeField(_("welcome email sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["display_name", "username"]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        """The user's role names; superusers hold the administrator role."""
        names = frozenset(self.groups.values_list("name", flat=True)) if self.pk else frozenset()
        return names | {Role.ADMINISTRATOR} if self.is_superuser else names

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


class NumberSequence(models.Model):
    """The last number handed out per series and year; locked while a number is taken."""

    series = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="unique_sequence_per_year")]

    def __str__(self) -> str:
        return f"{self.series}-{self.year}: {self.last_value}"
