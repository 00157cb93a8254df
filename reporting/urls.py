from django.urls import path

from reporting.views import dashboards, reports

app_name = "reporting"

urlpatterns = [
    path("", dashboards.dashboard_home, name="dashboard"),
    path("portfolio/", dashboards.portfolio, name="portfolio"),
    path("mine/", dashboards.my_dashboard, name="my-dashboard"),
    path("finance/", dashboards.finance, name="finance"),
    path("finance/export/", dashboards.finance_export, name="finance-export"),
    path("projects/<int:pk>/", reports.project_reporting, name="project-reporting"),
    path("projects/<int:pk>/progress/create/", reports.progress_update_create, name="progress-create"),
    path("projects/<int:pk>/tolerances/update/", reports.tolerance_update, name="tolerance-update"),
    path("projects/<int:pk>/reports/create/", reports.report_create, name="report-create"),
    path("projects/<int:pk>/recipients/create/", reports.recipient_create, name="recipient-create"),
    path(
        "projects/<int:pk>/recipients/<int:recipient_pk>/delete/",
        reports.recipient_delete,
        name="recipient-delete",
    ),
    path("reports/<int:pk>/", reports.report_detail, name="report-detail"),
    path("reports/<int:pk>/download/", reports.report_download, name="report-download"),
    path("reports/<int:pk>/retry/", reports.report_retry, name="report-retry"),
]

from reporting import connector_urls  # noqa: E402  (the connectors' pages, kept in their own module)

urlpatterns += connector_urls.urlpatterns

# Earned value (issue 15, helper "timesheets").
from reporting.views import evm as evm_views  # noqa: E402

urlpatterns += [
    path("projects/<int:pk>/evm/", evm_views.project_evm, name="project-evm"),
    path("evm/", evm_views.portfolio_evm_list, name="portfolio-evm"),
]
