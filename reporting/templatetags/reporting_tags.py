"""Reporting's pieces of other apps' pages (the project cockpit), loaded by name: no app imports it."""

from django import template
from django.db import models

from reporting.selectors.reports import progress_updates_for_project

register = template.Library()

DIMENSIONS = ("schedule", "cost", "scope", "quality", "risk", "safety")


@register.inclusion_tag("reporting/_project_status_card.html")
def project_status_card(project):
    """RAG per dimension of the project's last progress update, with its comment (one query)."""
    update = progress_updates_for_project(project=project).first()
    dimensions = []
    if update is not None:
        dimensions = [
            {"label": _field_label(update, f"rag_{name}"), "rag": getattr(update, f"rag_{name}")}
            for name in DIMENSIONS
        ]
    return {"project": project, "update": update, "dimensions": dimensions}


def _field_label(instance: models.Model, name: str):
    field = instance._meta.get_field(name)
    # A reverse relation has no verbose name; the rag_* names are the model's own columns.
    return field.verbose_name if isinstance(field, models.Field) else name
