"""Admin registrations of the quality app: checklist templates are edited here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from quality.models import (
    ChecklistItem,
    ChecklistSection,
    ChecklistTemplate,
    CorrectiveAction,
    Finding,
    Handover,
    SafetyIncident,
)


class ChecklistSectionInline(admin.TabularInline):
    model = ChecklistSection
    extra = 0


class ChecklistItemInline(admin.StackedInline):
    model = ChecklistItem
    extra = 0


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["code", "version", "kind", "name_en", "is_active"]
    list_filter = ["kind", "is_active"]
    inlines = [ChecklistSectionInline]


@admin.register(ChecklistSection)
class ChecklistSectionAdmin(admin.ModelAdmin):
    list_display = ["template", "position", "title_en"]
    list_filter = ["template"]
    inlines = [ChecklistItemInline]


@admin.register(Finding)
class FindingAdmin(SimpleHistoryAdmin):
    list_display = ["number", "project", "severity", "status", "found_on"]
    list_filter = ["severity", "status"]
    raw_id_fields = ["project", "review", "answer", "raised_by", "closed_by"]


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(SimpleHistoryAdmin):
    list_display = ["description", "project", "owner", "due_date", "status"]
    list_filter = ["status"]
    raw_id_fields = ["project", "finding", "incident", "owner", "verified_by"]


@admin.register(SafetyIncident)
class SafetyIncidentAdmin(SimpleHistoryAdmin):
    list_display = ["number", "project", "kind", "occurred_at", "status"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["project", "reported_by"]


@admin.register(Handover)
class HandoverAdmin(SimpleHistoryAdmin):
    list_display = ["project", "service_name", "smo_owner", "status"]
    list_filter = ["status"]
    raw_id_fields = ["project", "smo_owner", "created_by"]
