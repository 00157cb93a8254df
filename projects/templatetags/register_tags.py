"""Template helpers of the registers: score badges and the register summary card."""

from django import template
from django.utils import timezone

from projects.selectors.registers import (
    band_for_score,
    my_open_actions_for,
    overdue_actions_q,
    register_summary,
)

register = template.Library()


@register.simple_tag
def band_for(bands, score):
    """The band a score falls in (bands come from the view, so this adds no query)."""
    return band_for_score(bands, score) if score is not None else None


@register.filter
def is_overdue(due_date) -> bool:
    return due_date is not None and due_date < timezone.localdate()


@register.inclusion_tag("projects/registers/_summary_card.html", takes_context=True)
def registers_summary(context, project, summary=None):
    """The registers card of a project page: open counts, overdue actions, contingency.

    A page that already holds the project's summary (the cockpit) passes it, rather than counting twice.
    """
    return {
        "project": project,
        "summary": summary if summary is not None else register_summary(project=project),
        "request": context.get("request"),
    }


@register.inclusion_tag("projects/registers/_my_actions.html", takes_context=True)
def my_open_actions(context, limit: int = 8):
    """The signed-in user's open actions, soonest due first; overdue ones stand out."""
    user = context["request"].user
    actions = my_open_actions_for(user=user)
    return {"actions": actions[:limit], "overdue_count": actions.filter(overdue_actions_q()).count()}
