"""The one way forms of PMO Desk render and read decimals and dates.

Decimals (money, quantities, hours, percentages) are a text input with ``inputmode="decimal"``, shown in the
user's locale (Belgian conventions: 1.234,56) and read back whether typed ``1.234,56``, ``1234,56`` or
``1234.56``: a number input cannot hold a localized value, the browser blanks it and a blank was saved as 0.
A blank stays a blank (an error when the field is required). Dates are bounded to 2000-01-01..2100-12-31 so
that date arithmetic in the services never overflows on ``9999-12-31``.

Every form derives from :class:`Form` or :class:`ModelForm`; model fields get these form fields through
:func:`formfield_for_dbfield`, declared fields use :class:`DecimalField` and :class:`DateField` directly.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import ModelFormMetaclass
from django.utils import formats, numberformat
from django.utils.translation import gettext_lazy as _

DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)
_SPACES = re.compile(r"[\s\u00a0\u202f'\u2019]")


def parse_decimal(text: str, *, decimal_places: int | None = None) -> Decimal:
    """Read `1.234,56`, `1234,56`, `1234.56` or `1,234.56`: of two kinds, the last one is decimal.

    One separator alone is the decimal one, except a single dot followed by exactly three digits in a field
    with fewer decimal places (`12.000` in a money field is twelve thousand). Raises InvalidOperation.
    """
    value = _SPACES.sub("", text)
    dots, commas = value.count("."), value.count(",")
    if dots and commas:
        grouping = "." if value.rfind(",") > value.rfind(".") else ","
        value = value.replace(grouping, "").replace(",", ".")
    elif commas:
        value = value.replace(",", "") if commas > 1 else value.replace(",", ".")
    elif dots > 1 or (dots == 1 and _is_grouped_thousands(value, decimal_places)):
        value = value.replace(".", "")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", value):
        raise InvalidOperation(text)
    return Decimal(value)


def _is_grouped_thousands(value: str, decimal_places: int | None) -> bool:
    return (
        decimal_places is not None
        and decimal_places < 3
        and bool(re.fullmatch(r"[+-]?\d{1,3}\.\d{3}", value))
    )


def format_decimal(value: Decimal, *, decimal_places: int | None) -> str:
    """A decimal as the user reads it: money keeps its cents (12.000,00), quantities drop trailing zeros."""
    value = Decimal(value)
    if decimal_places is not None and decimal_places <= 2:
        places = decimal_places
    else:
        exponent = value.normalize().as_tuple().exponent  # a letter for NaN and infinity, never stored
        places = max(0, -exponent) if isinstance(exponent, int) else 0
    return numberformat.format(
        value,
        formats.get_format("DECIMAL_SEPARATOR"),
        decimal_pos=places,
        grouping=formats.get_format("NUMBER_GROUPING"),
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        # Grouped only when a decimal separator follows, so that what is shown reads back unchanged.
        force_grouping=places > 0,
    )


class DecimalInput(forms.TextInput):
    """A text input for a localized decimal; the phone keyboard shows digits and the separator."""

    decimal_places: int | None = None

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, str):  # what the user typed, shown back as typed
            return value
        return format_decimal(value, decimal_places=self.decimal_places)


class DecimalField(forms.DecimalField):
    """A decimal typed in the user's locale; see :func:`parse_decimal`."""

    widget = DecimalInput

    def __init__(self, **kwargs):
        kwargs.pop("localize", None)
        super().__init__(**kwargs)
        self.widget.decimal_places = self.decimal_places

    def widget_attrs(self, widget):
        return {}  # no min/max/step: they belong to number inputs, which cannot hold 1.234,56

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            try:
                value = parse_decimal(value, decimal_places=self.decimal_places)
            except InvalidOperation:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or "%Y-%m-%d")


def validate_date_range(value: datetime.date) -> None:
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError(
            _("Enter a date between %(min)s and %(max)s."),
            code="date_range",
            params={
                "min": formats.date_format(DATE_MIN, "SHORT_DATE_FORMAT"),
                "max": formats.date_format(DATE_MAX, "SHORT_DATE_FORMAT"),
            },
        )


class DateField(forms.DateField):
    """A date within 2000-2100: beyond that it is a typing error, and date arithmetic would overflow."""

    widget = DateInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_date_range)
        if getattr(self.widget, "input_type", None) == "date":
            self.widget.format = "%Y-%m-%d"  # a date input holds ISO dates whatever the locale

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if getattr(widget, "input_type", None) == "date":
            attrs.update(min=DATE_MIN.isoformat(), max=DATE_MAX.isoformat())
        return attrs


def formfield_for_dbfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    """The form field of a model field, with this module's decimal and date fields."""
    if isinstance(db_field, models.DecimalField) and not isinstance(db_field, models.GeneratedField):
        kwargs.pop("widget", None)
        kwargs.pop("localize", None)
        return db_field.formfield(form_class=DecimalField, **kwargs)
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("widget", DateInput())
        return db_field.formfield(form_class=DateField, **kwargs)
    return db_field.formfield(**kwargs)


class _ModelFormMetaclass(ModelFormMetaclass):
    """Gives every ModelForm's Meta the form fields of this module (a subclass's own Meta included)."""

    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and getattr(meta, "formfield_callback", None) is None:
            meta.formfield_callback = staticmethod(formfield_for_dbfield)
        return super().__new__(mcs, name, bases, attrs)


class Form(forms.Form):
    """The base of every plain form (declare decimals and dates with this module's fields)."""

    def clean(self) -> dict[str, Any]:
        # Django's own clean() returns cleaned_data; the stubs allow None for overrides that return nothing.
        super().clean()
        return self.cleaned_data


class ModelForm(forms.ModelForm, metaclass=_ModelFormMetaclass):
    """The base of every model form: decimals and dates as this module reads them."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        return self.cleaned_data


def model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's choice of a model `name`, to narrow its queryset or its labels."""
    return _field_of_kind(form, name, forms.ModelChoiceField)


def choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's choice field `name`, to narrow its choices."""
    return _field_of_kind(form, name, forms.ChoiceField)


def _field_of_kind[FieldT: forms.Field](form: forms.BaseForm, name: str, kind: type[FieldT]) -> FieldT:
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field
