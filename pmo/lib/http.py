"""Request types for the views: a signed-in request's `user` is the project's User, not an AnonymousUser."""

from django.http import HttpRequest

from pmo.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """What a view behind `@login_required` (or `@permission_required`) receives.

    Never instantiated: Django builds a plain `HttpRequest`; this class only tells mypy that the
    decorator has already turned anonymous visitors away, so `request.user` is a `User`."""

    user: User
