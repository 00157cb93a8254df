from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from projects.models import Customer, CustomerContact, Project


class CustomerContactInline(admin.TabularInline):
    model = CustomerContact
    extra = 0


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "vat_number", "city", "language", "is_active"]
    search_fields = ["name", "vat_number"]
    list_filter = ["language", "is_active"]
    inlines = [CustomerContactInline]


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "customer", "project_manager", "phase", "level", "budget"]
    list_filter = ["phase", "level"]
    search_fields = ["code", "name", "customer__name"]
    list_select_related = ["customer", "project_manager"]
    readonly_fields = ["code", "level"]
    raw_id_fields = ["customer", "project_manager", "support_officer", "account_manager"]


# Registers (issue 5): administrators edit the scales, bands and categories risks are scored with.
from projects.models import (  # noqa: E402
    Action,
    ChangeRequest,
    Decision,
    Issue,
    Lesson,
    Risk,
    RiskBand,
    RiskCategory,
    RiskScaleLevel,
)


@admin.register(RiskScaleLevel)
class RiskScaleLevelAdmin(SimpleHistoryAdmin):
    list_display = ["scale", "level", "name_en", "name_fr", "name_nl", "descriptor_en", "probability_percent"]
    list_filter = ["scale"]
    ordering = ["scale", "level"]


@admin.register(RiskBand)
class RiskBandAdmin(SimpleHistoryAdmin):
    list_display = ["code", "min_score", "max_score", "colour", "is_high", "name_en", "name_fr", "name_nl"]


@admin.register(RiskCategory)
class RiskCategoryAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_en", "name_fr", "name_nl", "is_active"]
    list_filter = ["is_active"]


class RegisterEntryAdmin(SimpleHistoryAdmin):
    """Entries are changed through their pages (services keep numbers, links and scores right)."""

    list_display = ["project", "number", "title"]
    search_fields = ["project__code", "title"]
    list_select_related = ["project"]
    raw_id_fields = ["project"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


for _model in (Risk, Issue, ChangeRequest, Decision, Action, Lesson):
    admin.site.register(_model, RegisterEntryAdmin)
