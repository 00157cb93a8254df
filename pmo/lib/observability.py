"""Middleware of the production shape: local health probes, one JSON log line per request, Sentry."""

import ipaddress
import logging
import time

from django.conf import settings
from django.http import HttpRequest, JsonResponse

__all__ = ["HealthProbeMiddleware", "RequestLogMiddleware", "sentry_init"]

request_logger = logging.getLogger("pmo.requests")


class HealthProbeMiddleware:
    """Answer GET /healthz for a probe from a trusted network before host checks and HTTPS redirects.

    The container's own health check asks http://127.0.0.1:8000/healthz: that host is not in
    ALLOWED_HOSTS and the request is plain HTTP, so SecurityMiddleware and CommonMiddleware would answer
    301 or 400 before the app is even asked. A probe from elsewhere takes the normal path. The report
    holds states and counts only: no host names, versions, settings or error messages.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.networks = [ipaddress.ip_network(net) for net in settings.HEALTHZ_PROBE_NETWORKS]

    def __call__(self, request: HttpRequest):
        if request.path_info == "/healthz" and request.method in ("GET", "HEAD") and self._trusted(request):
            from pmo.health import health_report

            report = health_report()
            response = JsonResponse(report, status=200 if report["status"] == "ok" else 503)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)

    def _trusted(self, request: HttpRequest) -> bool:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        return any(address in network for network in self.networks)


class RequestLogMiddleware:
    """One log line per request: who, what, the answer and how long it took (JSON in production)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        started = time.monotonic()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response


def sentry_init(dsn: str, *, environment: str, traces_sample_rate: float) -> bool:
    """Report unhandled errors to Sentry when a DSN is configured and sentry-sdk is installed."""
    if not dsn:
        return False
    try:
        import sentry_sdk
        from sentry_sdk.integrations.celery import CeleryIntegration
        from sentry_sdk.integrations.django import DjangoIntegration
    except ImportError:
        logging.getLogger(__name__).warning("SENTRY_DSN is set but sentry-sdk is not installed")
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
    )
    return True
