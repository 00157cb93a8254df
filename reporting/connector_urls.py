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
    path(
        "sync-runs/unmatched-time-entries/<slug:kind>/<str:remote_id>/map/",
        views.unmatched_time_entry_map,
        name="unmatched-time-entry-map",
    ),
]
