from django.contrib import admin
from django.http import HttpRequest
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


# Intake templates, resources and read-only views of the plan data (issue 3).
from projects.models import (  # noqa: E402
    Document,
    DocumentVersion,
    Intake,
    IntakeStatusChange,
    IntakeTemplate,
    Resource,
    Task,
)


@admin.register(IntakeTemplate)
class IntakeTemplateAdmin(SimpleHistoryAdmin):
    """Administrators edit templates here; the JSON fields follow projects/data/intake_templates.json."""

    list_display = ["code", "name_en", "name_fr", "name_nl", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name_en", "name_fr", "name_nl"]


class IntakeStatusChangeInline(admin.TabularInline):
    model = IntakeStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "reason", "created_at", "notified_at"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Intake)
class IntakeAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "template", "status", "created_by", "sold_value"]
    list_filter = ["status", "template"]
    search_fields = ["number", "title", "opportunity_reference"]
    readonly_fields = ["number", "status", "project"]
    raw_id_fields = ["customer", "created_by"]
    inlines = [IntakeStatusChangeInline]


@admin.register(Resource)
class ResourceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "department", "weekly_capacity_hours", "is_active"]
    list_filter = ["kind", "department", "is_active"]
    search_fields = ["name", "skills"]
    raw_id_fields = ["user"]


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = [
        "wbs_code",
        "name",
        "project",
        "kind",
        "status",
        "planned_start",
        "planned_end",
        "progress",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["name", "project__code"]
    raw_id_fields = ["project", "parent"]
    list_select_related = ["project"]


class DocumentVersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    can_delete = False
    readonly_fields = [
        "number",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    ]
    exclude = ["file"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "category", "project", "intake", "current_version"]
    list_filter = ["category"]
    search_fields = ["title", "project__code"]
    raw_id_fields = ["project", "intake", "uploaded_by"]
    inlines = [DocumentVersionInline]


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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


for _model in (Risk, Issue, ChangeRequest, Decision, Action, Lesson):
    admin.site.register(_model, RegisterEntryAdmin)


# Meetings (issue 16, branch feature/meetings): administrators edit the types and their default agendas.
from projects.models import Meeting, MeetingType, MinutesDistribution  # noqa: E402


@admin.register(MeetingType)
class MeetingTypeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_en", "name_fr", "name_nl", "default_duration_minutes", "is_active"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["project", "number", "title", "meeting_type", "starts_at", "status"]
    list_filter = ["status", "meeting_type"]
    list_select_related = ["project", "meeting_type"]
    readonly_fields = ["status"]


@admin.register(MinutesDistribution)
class MinutesDistributionAdmin(admin.ModelAdmin):
    list_display = ["meeting", "status", "sent_count", "attempts", "finished_at"]
    list_select_related = ["meeting"]
