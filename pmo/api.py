"""The caller's own API identity and token: the token page of the profile and `GET /api/v1/me/`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from knox.settings import knox_settings
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.lib.api import StrictModelSerializer
from pmo.lib.http import AuthenticatedHttpRequest
from pmo.models import User


class MeSerializer(StrictModelSerializer):
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "preferred_language", "roles"]

    def get_roles(self, user: User) -> list[str]:
        return sorted(user.roles)


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request: Request) -> Response:
    """Who the token or session belongs to, with their roles."""
    return Response(MeSerializer(request.user).data)


def api_token_list(*, user: User) -> QuerySet[AuthToken]:
    """The user's tokens that still work, newest first (expired ones are removed by knox on use)."""
    return (
        AuthToken.objects.filter(user=user)
        .filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()))
        .order_by("-created")
    )


@transaction.atomic
def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """A new token; only its hash is stored, so the key is returned this once. Oldest beyond the limit go."""
    instance, key = AuthToken.objects.create(user=user)
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit:
        surplus = AuthToken.objects.filter(user=user).order_by("-created").values_list("digest", flat=True)
        AuthToken.objects.filter(digest__in=list(surplus[limit:])).delete()
    return instance, key


def api_token_revoke(*, user: User, digest: str | None = None) -> int:
    """Delete one of the user's tokens (or all of them without `digest`); how many were deleted."""
    tokens = AuthToken.objects.filter(user=user)
    if digest is not None:
        tokens = tokens.filter(digest=digest)
    deleted, _rows = tokens.delete()
    return deleted


def _token_page(request: AuthenticatedHttpRequest, new_key: str | None = None):
    return render(
        request, "pmo/api_token.html", {"tokens": api_token_list(user=request.user), "new_key": new_key}
    )


@login_required
@require_GET
def token_page(request: AuthenticatedHttpRequest):
    return _token_page(request)


@login_required
@require_POST
def token_create(request: AuthenticatedHttpRequest):
    _instance, key = api_token_create(user=request.user)
    # The key is shown this once; afterwards only its first characters and dates are.
    return _token_page(request, new_key=key)


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest):
    digest = request.POST.get("token") or None
    if api_token_revoke(user=request.user, digest=digest):
        messages.success(
            request, _("API token revoked.") if digest else _("All your API tokens are revoked.")
        )
    return redirect("api-token")
