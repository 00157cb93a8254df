from django.urls import path

from projects.views import core as views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("create/", views.project_create, name="project-create"),
    path("<int:pk>/", views.project_detail, name="project-detail"),
    path("<int:pk>/update/", views.project_update, name="project-update"),
    path("customers/", views.customer_list, name="customer-list"),
    path("customers/create/", views.customer_create, name="customer-create"),
    path("customers/<int:pk>/", views.customer_detail, name="customer-detail"),
    path("customers/<int:pk>/update/", views.customer_update, name="customer-update"),
]

# Registers (issue 5): one set of routes per kind, e.g. <project>/risks/, <project>/risks/<pk>/update/.
from projects.views import registers as register_views  # noqa: E402

for _kind in register_views.KINDS.values():
    _name, _kw = _kind.key.replace("_", "-"), {"kind": _kind.key}
    urlpatterns += [
        path(f"<int:project_pk>/{_kind.url}/", register_views.register_list, _kw, name=f"{_name}-list"),
        path(
            f"<int:project_pk>/{_kind.url}/export/",
            register_views.register_export,
            _kw,
            name=f"{_name}-export",
        ),
        path(
            f"<int:project_pk>/{_kind.url}/create/",
            register_views.register_create,
            _kw,
            name=f"{_name}-create",
        ),
        path(
            f"<int:project_pk>/{_kind.url}/<int:pk>/",
            register_views.register_detail,
            _kw,
            name=f"{_name}-detail",
        ),
        path(
            f"<int:project_pk>/{_kind.url}/<int:pk>/update/",
            register_views.register_update,
            _kw,
            name=f"{_name}-update",
        ),
        path(
            f"<int:project_pk>/{_kind.url}/<int:pk>/status/",
            register_views.register_status,
            _kw,
            name=f"{_name}-status",
        ),
        path(
            f"<int:project_pk>/{_kind.url}/<int:pk>/<slug:operation>/",
            register_views.register_operation,
            _kw,
            name=f"{_name}-operation",
        ),
    ]
urlpatterns += [
    path("registers/", register_views.register_portfolio, name="register-portfolio"),
    path("lessons/", register_views.lesson_search, name="lesson-search"),
]
