"""Showing a service's refusal on the form that was posted, so the page can be shown again as typed."""

from django import forms
from django.core.exceptions import ValidationError


def form_add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put each message under its field when the form has that field, otherwise above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def form_error_text(form: forms.BaseForm) -> str:
    """The form's errors as one sentence per field, each named by its label (for a one-line alert)."""
    parts = []
    for field, errors in form.errors.items():
        text = " ".join(str(message) for message in errors)
        label = form.fields[field].label if field in form.fields else None
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)
