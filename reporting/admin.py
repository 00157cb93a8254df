"""Admin registrations of the reporting app."""

# --- Connectors (ServiceNow, Dynamics 365) ---------------------------------------------------------
from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from reporting.models import (
    D365Actual,
    D365Opportunity,
    D365PurchaseOrder,
    D365TimeEntry,
    D365Vendor,
    FieldMapping,
    RemoteLink,
    SyncCursor,
    SyncFailure,
    SyncRun,
)


@admin.register(FieldMapping)
class FieldMappingAdmin(admin.ModelAdmin):
    """Overrides of the default column mappings; `connector_discover` checks them against ServiceNow."""

    list_display = ["connector", "remote_table", "local_field", "remote_field"]
    list_filter = ["connector", "remote_table"]
    list_editable = ["remote_field"]


class SyncFailureInline(admin.TabularInline):
    model = SyncFailure
    extra = 0
    can_delete = False
    readonly_fields = ["entity", "reference", "http_status", "message", "created_at"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "connector", "direction", "status", "is_dry_run", "started_at", "failed_count"]
    list_filter = ["connector", "status", "is_dry_run"]
    inlines = [SyncFailureInline]


@admin.register(RemoteLink)
class RemoteLinkAdmin(SimpleHistoryAdmin):
    list_display = ["connector", "remote_table", "remote_id", "local_model", "local_id", "synced_at"]
    list_filter = ["connector", "remote_table"]
    search_fields = ["remote_id"]


@admin.register(SyncCursor)
class SyncCursorAdmin(admin.ModelAdmin):
    """Clearing a cursor makes the next pull read that entity set from the start."""

    list_display = ["connector", "entity", "modified_since", "updated_at"]


@admin.register(D365Opportunity, D365Vendor, D365PurchaseOrder, D365Actual)
class D365RecordAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "remote_id", "modified_on", "pulled_at"]
    search_fields = ["remote_id"]


@admin.register(D365TimeEntry)
class D365TimeEntryAdmin(ReadOnlyAdmin):
    """Pulled time entries and what they became. An unmapped one is mapped with a remote link (above),
    bookableresources → projects.resource or msdyn_projecttasks → projects.task: the next run imports it."""

    list_display = [
        "remote_id",
        "resource_name",
        "task_name",
        "day",
        "duration_minutes",
        "outcome",
        "problem",
    ]
    list_filter = ["outcome", "entry_status"]
    search_fields = ["remote_id", "resource_name", "task_name", "project_name"]
