"""Admin registrations of the procurement app: administrators edit the approval matrix and categories here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from procurement.models import ApprovalRule, CostCategory, Supplier


@admin.register(ApprovalRule)
class ApprovalRuleAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "min_amount", "role", "requires_justification", "is_active"]
    list_editable = ["min_amount", "role", "requires_justification", "is_active"]
    list_filter = ["kind", "role", "is_active"]


@admin.register(CostCategory)
class CostCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "position", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(Supplier)
class SupplierAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "vat_number", "city", "is_blocked"]
    search_fields = ["name", "vat_number"]
    list_filter = ["kind", "is_blocked"]
