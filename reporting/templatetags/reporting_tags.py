"""Reporting's pieces of other apps' pages (the project cockpit), loaded by name: no app imports it."""

from django import template

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
            {
                "label": update._meta.get_field(f"rag_{name}").verbose_name,
                "rag": getattr(update, f"rag_{name}"),
            }
            for name in DIMENSIONS
        ]
    return {"project": project, "update": update, "dimensions": dimensions}
