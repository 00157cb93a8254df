from django.conf import settings
from django.http import HttpRequest

from pmo.navigation import navigation_for


def navigation(request: HttpRequest):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": [], "languages": settings.LANGUAGES}
    return {"navigation": navigation_for(user), "languages": settings.LANGUAGES}
