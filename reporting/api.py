"""The reporting app's REST routes (highlight reports, connector runs and the Dynamics 365 copies),
registered on the API router by pmo.api_urls."""

from reporting.connector_api import (
    D365ActualViewSet,
    D365OpportunityViewSet,
    D365PurchaseOrderViewSet,
    SyncRunViewSet,
)
from reporting.report_api import HighlightReportViewSet

ROUTES = [
    ("highlight-reports", HighlightReportViewSet, "highlight-report"),
    ("sync-runs", SyncRunViewSet, "sync-run"),
    ("d365-opportunities", D365OpportunityViewSet, "d365-opportunity"),
    ("d365-actuals", D365ActualViewSet, "d365-actual"),
    ("d365-purchase-orders", D365PurchaseOrderViewSet, "d365-purchase-order"),
]
