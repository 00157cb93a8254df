"""The one shape of a POST-action view: call one service, show a refusal as messages, go back."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect


def post_action(
    request: HttpRequest,
    call: Callable[[], Any],
    *,
    success: str | Callable[[Any], str],
    target: Any,
    then: Callable[[Any], Any] | None = None,
) -> HttpResponseRedirect:
    """Run `call()`; on a ValidationError show its messages and redirect to `target`; otherwise show
    `success` (or `success(result)`) and redirect to `then(result)` when given, else to `target`."""
    try:
        result = call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(target)
    messages.success(request, success(result) if callable(success) else success)
    return redirect(then(result) if then is not None else target)
