"""`{% allowed_actions obj as actions %}`: what the signed-in user may do with obj now (pmo.lib.transitions).

Templates test `{% if actions.cancel %}` or render the buttons with `components/actions.html`; they never
compare status strings themselves.
"""

from django import template

from pmo.lib import transitions

register = template.Library()


@register.simple_tag(takes_context=True, name="allowed_actions")
def allowed_actions_tag(context, obj):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return transitions.allowed_actions(obj, user)


# How a state looks, for the states that have a tone of their own (success, partial, failure).
_BADGES = {"succeeded": "text-bg-success", "partial": "text-bg-warning", "failed": "text-bg-danger"}


@register.filter
def status_badge(status: str) -> str:
    """The badge class of a run's or job's state; any other state is neutral."""
    return _BADGES.get(str(status), "text-bg-secondary")


@register.filter
def phase_label(phase: str) -> str:
    """The name of a phase stored as a plain value (frozen snapshots keep the code, not a choice)."""
    from projects.models import Phase

    return str(Phase(phase).label) if phase in Phase.values else str(Phase.CANCELLED.label)
