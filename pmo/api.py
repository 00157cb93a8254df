"""The caller's own API identity and token: the token page of the profile and `GET /api/v1/me/`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.models import User


class MeSerializer(serializers.ModelSerializer):
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


@transaction.atomic
def api_token_rotate(*, user: User) -> Token:
    """Replace the user's API token by a new one; the old key stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def api_token_revoke(*, user: User) -> bool:
    """Delete the user's API token; True when there was one."""
    deleted, _rows = Token.objects.filter(user=user).delete()
    return bool(deleted)


@login_required
@require_GET
def token_page(request):
    token = Token.objects.filter(user=request.user).first()
    return render(request, "pmo/api_token.html", {"token": token, "new_key": None})


@login_required
@require_POST
def token_create(request):
    token = api_token_rotate(user=request.user)
    # The key is shown this once; afterwards only its creation date is.
    return render(request, "pmo/api_token.html", {"token": token, "new_key": token.key})


@login_required
@require_POST
def token_revoke(request):
    if api_token_revoke(user=request.user):
        messages.success(request, _("Your API token is revoked."))
    return redirect("api-token")
