"""The REST API: one router for every app's `api.py`, the OpenAPI schema and its two viewers."""

from django.conf import settings
from django.urls import include, path, re_path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from pmo import api as pmo_api
from pmo.lib.api import api_not_found
from procurement import api as procurement_api
from projects import api as projects_api
from reporting import connector_api, report_api

router = DefaultRouter()
router.register("customers", projects_api.CustomerViewSet, basename="customer")
router.register("projects", projects_api.ProjectViewSet, basename="project")
router.register("intakes", projects_api.IntakeViewSet, basename="intake")
router.register("tasks", projects_api.TaskViewSet, basename="task")
router.register("risks", projects_api.RiskViewSet, basename="risk")
router.register("issues", projects_api.IssueViewSet, basename="issue")
router.register("change-requests", projects_api.ChangeRequestViewSet, basename="change-request")
router.register("actions", projects_api.ActionViewSet, basename="action")
router.register("purchase-orders", procurement_api.PurchaseOrderViewSet, basename="purchase-order")
router.register("budget-lines", procurement_api.BudgetLineViewSet, basename="budget-line")
router.register("suppliers", procurement_api.SupplierViewSet, basename="supplier")
router.register("highlight-reports", report_api.HighlightReportViewSet, basename="highlight-report")
router.register("sync-runs", connector_api.SyncRunViewSet, basename="sync-run")
router.register("d365-opportunities", connector_api.D365OpportunityViewSet, basename="d365-opportunity")
router.register("d365-actuals", connector_api.D365ActualViewSet, basename="d365-actual")
router.register(
    "d365-purchase-orders", connector_api.D365PurchaseOrderViewSet, basename="d365-purchase-order"
)

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
