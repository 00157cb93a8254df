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
