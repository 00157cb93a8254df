"""The REST API: one router for every app's `api.py`, the OpenAPI schema and its two viewers."""

import importlib
import importlib.util
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.urls import include, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from pmo import api as pmo_api
from pmo.lib.api import api_not_found

router = DefaultRouter()
# Each app's `api.py` lists its ROUTES (prefix, viewset, basename); the router takes them in the order of
# INSTALLED_APPS. Found by name, so the URL configuration imports no app (nothing imports `reporting`).
for app_config in apps.get_app_configs():
    is_ours = Path(app_config.path).resolve().parent == Path(settings.BASE_DIR).resolve()
    if not is_ours or importlib.util.find_spec(f"{app_config.name}.api") is None:
        continue
    for prefix, viewset, basename in getattr(importlib.import_module(f"{app_config.name}.api"), "ROUTES", ()):
        router.register(prefix, viewset, basename=basename)

# Redoc styles itself with inline <style> (styled-components) and runs a blob: worker: this one page, which
# shows only our own schema, gets those two exceptions; every other page keeps the strict policy.
redoc_view = csp_override(
    settings.SECURE_CSP | {"style-src": [CSP.SELF, CSP.UNSAFE_INLINE], "worker-src": [CSP.SELF, "blob:"]}
)(SpectacularRedocView.as_view(url_name="api-schema"))

urlpatterns = [
    path("v1/me/", pmo_api.me, name="api-me"),
    path("v1/", include((router.urls, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("schema/swagger/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-swagger"),
    path("schema/redoc/", redoc_view, name="api-redoc"),
    path("token/", pmo_api.token_page, name="api-token"),
    path("token/create/", pmo_api.token_create, name="api-token-create"),
    path("token/revoke/", pmo_api.token_revoke, name="api-token-revoke"),
]

# Last: whatever no route above matched is a JSON 404, never Django's HTML page.
urlpatterns += [re_path(r"^.*$", api_not_found)]
