"""CSV and XLSX exports of a register: the columns a PMO hands to finance or to the customer."""

from collections.abc import Iterable, Iterator
from datetime import datetime

from django.utils import timezone
from django.utils.text import capfirst

from projects.models import Action, ChangeRequest, Decision, Issue, Lesson, Risk

EXPORT_FIELDS = {
    Risk: [
        "number",
        "title",
        "kind",
        "category",
        "status",
        "cause",
        "event",
        "effect",
        "probability",
        "impact",
        "inherent_score",
        "residual_probability",
        "residual_impact",
        "residual_score",
        "cost_impact",
        "inherent_emv",
        "residual_emv",
        "proximity",
        "response_category",
        "response",
        "owner",
        "actionee",
        "review_date",
        "closure_reason",
        "is_handed_over",
    ],
    Issue: [
        "number",
        "title",
        "issue_type",
        "priority",
        "severity",
        "status",
        "raised_by",
        "owner",
        "description",
        "impact_analysis",
        "decision",
        "resolution",
        "closure_reason",
        "source_risk",
        "created_at",
    ],
    ChangeRequest: [
        "number",
        "title",
        "status",
        "description",
        "requested_by",
        "cost_impact",
        "cost_category",
        "is_billable",
        "price_impact",
        "time_impact_days",
        "scope_added",
        "scope_removed",
        "justification",
        "decided_by",
        "decided_at",
        "source_issue",
    ],
    Decision: [
        "number",
        "title",
        "decided_on",
        "decided_by",
        "decision_body",
        "description",
        "alternatives",
        "rationale",
        "raised_in",
        "risk",
        "issue",
        "change_request",
    ],
    Action: [
        "number",
        "title",
        "owner",
        "due_date",
        "status",
        "raised_in",
        "risk",
        "issue",
        "change_request",
        "decision",
        "completed_at",
    ],
    Lesson: [
        "number",
        "title",
        "kind",
        "category",
        "what_happened",
        "recommendation",
        "created_by",
        "created_at",
    ],
}


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    """Text a spreadsheet will not run as a formula (CSV/formula injection)."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _value(entry, field) -> object:
    if field.choices:
        return str(getattr(entry, f"get_{field.name}_display")())
    value = getattr(entry, field.name)
    if value is None:
        return ""
    if field.is_relation:
        return _safe(str(value))
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return _safe(value) if isinstance(value, str) else value


def export_rows(entries: Iterable, model) -> Iterator[list]:
    """A header with the columns' labels, then one row per entry (the relations must be selected)."""
    fields = [model._meta.get_field(name) for name in EXPORT_FIELDS[model]]
    yield [capfirst(str(field.verbose_name)) for field in fields]
    for entry in entries:
        yield [_value(entry, field) for field in fields]


DETAIL_EXCLUDED = {"number", "title", "status", "project", "updated_at"}
# The detail page shows more than the export: the whole decision trail of a change.
DETAIL_FIELDS = {
    ChangeRequest: [
        "description",
        "justification",
        "requested_by",
        "cost_impact",
        "cost_category",
        "is_billable",
        "price_impact",
        "time_impact_days",
        "scope_added",
        "scope_removed",
        "risk_impact",
        "quality_impact",
        "source_issue",
        "submitted_at",
        "assessed_by",
        "decided_by",
        "decided_at",
        "decision_note",
        "baseline",
        "implemented_at",
    ],
    # What a meeting's minutes raised points back to the agenda item (issue 16).
    Risk: [*EXPORT_FIELDS[Risk], "meeting_item"],
    Decision: [*EXPORT_FIELDS[Decision], "meeting_item"],
    Action: [*EXPORT_FIELDS[Action], "meeting_item"],
}


def _detail_kind(field) -> str:
    if field.is_relation:
        return "link" if hasattr(field.related_model, "get_absolute_url") else "text"
    internal = field.get_internal_type()
    return {
        "MoneyField": "money",
        "DecimalField": "money",
        "DateField": "date",
        "DateTimeField": "datetime",
        "BooleanField": "bool",
    }.get(internal, "text")


def detail_fields(entry, overrides: dict | None = None) -> list[dict]:
    """Label, value and how to show it, for every field of an entry's page."""
    names = DETAIL_FIELDS.get(type(entry), EXPORT_FIELDS[type(entry)])
    rows = []
    for name in dict.fromkeys([*names, "created_by", "created_at"]):
        field = type(entry)._meta.get_field(name)
        if name in DETAIL_EXCLUDED:
            continue
        kind = "score" if name.endswith("_score") else _detail_kind(field)
        value = getattr(entry, f"get_{name}_display")() if field.choices else getattr(entry, name)
        rows.append({"label": field.verbose_name, "value": (overrides or {}).get(name, value), "kind": kind})
    return rows
