"""Request types for the views: a signed-in request's `user` is the project's User, not an AnonymousUser."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from pmo.models import User


class HtmxHttpRequest(HttpRequest):
    """Any request that went through django-htmx's middleware (it sets `request.htmx`)."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """What a view behind `@login_required` (or `@permission_required`) receives.

    Never instantiated: Django builds a plain `HttpRequest`; this class only tells mypy that the
    decorator has already turned anonymous visitors away, so `request.user` is a `User`."""

    user: User
