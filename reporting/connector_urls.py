from django.urls import path

from reporting import connector_views as views

urlpatterns = [
    path("sync-runs/", views.sync_run_list, name="sync-run-list"),
    path("sync-runs/start/", views.sync_run_start, name="sync-run-start"),
    path("sync-runs/<int:pk>/", views.sync_run_detail, name="sync-run-detail"),
    path(
        "sync-runs/unmatched-time-entries/",
        views.unmatched_time_entry_list,
        name="unmatched-time-entry-list",
    ),
    path(  # before the records' path, which "rows" would match as a kind
        "sync-runs/unmatched-time-entries/rows/<int:pk>/map/",
        views.unmatched_time_entry_row_map,
        name="unmatched-time-entry-row-map",
    ),
    path(
        "sync-runs/unmatched-time-entries/<slug:kind>/<str:remote_id>/map/",
        views.unmatched_time_entry_map,
        name="unmatched-time-entry-map",
    ),
]
