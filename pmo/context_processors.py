from django.conf import settings
from django.http import HttpRequest

from pmo.navigation import navigation_for, navigation_menus


def navigation(request: HttpRequest):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": [], "navigation_menus": [], "languages": settings.LANGUAGES}
    return {
        "navigation": navigation_for(user),
        "navigation_menus": navigation_menus(user, request.path),
        "languages": settings.LANGUAGES,
    }
