"""Small helpers shared by the quality views."""

from django.core.exceptions import PermissionDenied

from pmo.lib.views import post_action


def require_perm(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def run_action(request, action, *, success: str, target):
    """Call one service for a POST-only action (pmo.lib.views.post_action)."""
    return post_action(request, action, success=success, target=target)
