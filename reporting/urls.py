app_name = "reporting"

urlpatterns: list = []

from reporting import connector_urls  # noqa: E402  (the connectors' pages, kept in their own module)

urlpatterns += connector_urls.urlpatterns
