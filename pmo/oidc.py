"""Sign-in with Microsoft Entra ID through OpenID Connect (mozilla-django-oidc), when configured.

People are matched to existing users by email (Entra's `email`, or `preferred_username`, which is the UPN);
the roles claim (app roles or group ids) maps to our roles through OIDC_ROLE_MAP. Local sign-in stays.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from pmo.roles import Role

logger = logging.getLogger(__name__)


def username_from_email(email: str, claims: dict | None = None) -> str:
    """New users from Entra get their email as user name: readable in lists and audit records."""
    return email.lower()[:150]


def claimed_email(claims: dict) -> str:
    return (claims.get("email") or claims.get("preferred_username") or claims.get("upn") or "").strip()


def mapped_roles(claims: dict) -> set[str]:
    """Our roles for the values of the configured claim (a list or one string); unknown values are ignored."""
    values = claims.get(settings.OIDC_ROLE_CLAIM) or []
    if isinstance(values, str):
        values = [values]
    mapping = settings.OIDC_ROLE_MAP
    return {mapping[value] for value in values if mapping.get(value) in Role.values}


class EntraIDBackend(OIDCAuthenticationBackend):
    def authenticate(self, request: HttpRequest, **kwargs):
        """A refused token (signature, audience, issuer, nonce) is a failed sign-in, not a 400 page."""
        try:
            return super().authenticate(request, **kwargs)
        except SuspiciousOperation as error:
            logger.warning("OpenID Connect sign-in refused: %s", error)
            return None

    def verify_token(self, token, **kwargs):
        """The library checks signature, expiry and nonce; the audience and issuer are checked here."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token issued for another client")
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("ID token from another issuer")
        self._id_token_claims = payload
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        """Entra puts roles and groups in the ID token only: the ID token's claims, then the userinfo's."""
        return payload | super().get_userinfo(access_token, id_token, payload)

    def verify_claims(self, claims) -> bool:
        return bool(claimed_email(claims))

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(email__iexact=claimed_email(claims), is_active=True)

    @transaction.atomic
    def create_user(self, claims):
        email = claimed_email(claims)
        user = self.UserModel.objects.create_user(
            username=username_from_email(email),
            email=email,
            first_name=claims.get("given_name", "")[:150],
            last_name=claims.get("family_name", "")[:150],
            display_name=claims.get("name", "")[:150],
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        return self.update_user(user, claims)

    @transaction.atomic
    def update_user(self, user, claims):
        """The provider owns role membership when a mapping is configured; other groups are kept."""
        if settings.OIDC_ROLE_MAP:
            role_groups = Group.objects.filter(name__in=Role.values)
            user.groups.remove(*role_groups.exclude(name__in=mapped_roles(claims)))
            user.groups.add(*role_groups.filter(name__in=mapped_roles(claims)))
            user.__dict__.pop("roles", None)
        return user


class OnlyWhenConfigured(View):
    """The sign-in URLs exist only when OIDC_RP_CLIENT_ID is set; otherwise they are a plain 404."""

    def dispatch(self, request: HttpRequest, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class AuthenticateView(OnlyWhenConfigured, OIDCAuthenticationRequestView):
    pass


class CallbackView(OnlyWhenConfigured, OIDCAuthenticationCallbackView):
    """Back on the login page with a message when the provider's answer is refused."""

    def login_failure(self):
        messages.error(
            self.request,
            _("Your Microsoft account could not sign you in. Try again, or sign in with your password."),
        )
        return super().login_failure()
