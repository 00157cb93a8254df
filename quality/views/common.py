"""Small helpers shared by the quality views."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from pmo.lib.form_errors import form_add_service_error
from pmo.lib.views import post_action


def require_perm(user, perm: str, obj=None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def run_action(request: HttpRequest, action, *, success: str, target):
    """Call one service for a POST-only action (pmo.lib.views.post_action)."""
    return post_action(request, action, success=success, target=target)


def run_form_action(
    request: HttpRequest,
    form,
    action: Callable[..., object],
    *,
    success: str,
    target,
    page: Callable[..., HttpResponse],
) -> HttpResponse:
    """Validate a form embedded in a page and call its service with the cleaned data.

    On a refusal the page is shown again with the bound form (page(form)): what was typed stays and each
    error sits under the field it is about, instead of a generic message after a redirect.
    """
    if form.is_valid():
        try:
            action(**form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, success)
            return redirect(target)
    return page(form)
