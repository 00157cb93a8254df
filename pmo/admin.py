from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from pmo.models import NumberSequence, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "email", "department", "preferred_language", "is_active"]
    list_filter = ["groups", "is_active", "preferred_language"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = [
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("PMO Desk"),
            {"fields": ["display_name", "department", "preferred_language", "welcome_email_sent_at"]},
        ),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["username", "email", "display_name", "password1", "password2"]},
        ),
    ]


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    list_display = ["series", "year", "last_value"]
    readonly_fields = ["series", "year", "last_value"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


# Notifications (issue 16, branch feature/meetings).
from pmo.models import Notification, NotificationDigest  # noqa: E402


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "event", "subject", "delivery", "created_at", "read_at", "emailed_at"]
    list_filter = ["event", "delivery"]
    list_select_related = ["recipient"]


@admin.register(NotificationDigest)
class NotificationDigestAdmin(admin.ModelAdmin):
    list_display = ["user", "day", "sent_at"]
    list_select_related = ["user"]
