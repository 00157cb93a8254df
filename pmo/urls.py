from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pmo import views
from pmo.lib.search_select import search_select_options_view

pmo_patterns = (
    [
        path("", views.home, name="home"),
        path("search/", views.search, name="search"),
        path("profile/", views.profile, name="profile"),
        path("language/", views.language_set, name="language-set"),
        path("company/", views.company_profile, name="company-profile"),
        path("company/logo/", views.company_logo, name="company-logo"),
        # Searchable selects of the list filters (issue 14): the options matching what the user typed.
        path("options/<slug:source>/", search_select_options_view, name="search-select-options"),
        # Notifications (issue 16, branch feature/meetings).
        path("notifications/", views.notification_list, name="notification-list"),
        path("notifications/bell/", views.notification_bell, name="notification-bell"),
        path("notifications/read-all/", views.notification_read_all, name="notification-read-all"),
        path("notifications/preferences/", views.notification_preferences, name="notification-preferences"),
        path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    ],
    "pmo",
)

urlpatterns = [
    path("", include(pmo_patterns)),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("projects/", include("projects.urls")),
    path("procurement/", include("procurement.urls")),
    path("quality/", include("quality.urls")),
    path("reporting/", include("reporting.urls")),
    path("admin/", admin.site.urls),
]

urlpatterns += [path("api/", include("pmo.api_urls"))]

# Password reset by email (issue 20): Django's views, our templates, the email in the user's language.
urlpatterns += [
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
# Sign-in with Microsoft Entra ID; the views answer 404 unless OIDC_RP_CLIENT_ID is configured.
urlpatterns += [path("accounts/oidc/", include("mozilla_django_oidc.urls"))]

# Under /api/ every error is JSON, including the 404 and 500 of URLs no view answers.
handler404 = "pmo.views.page_not_found"
handler500 = "pmo.views.server_error"
