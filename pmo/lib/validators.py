"""Validators for Belgian identifiers, backed by python-stdnum."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import iban
from stdnum.be import vat as be_vat
from stdnum.exceptions import ValidationError as StdnumError


def normalize_belgian_vat(value: str) -> str:
    """Return the VAT number as BE + 10 digits, or raise ValidationError."""
    try:
        return "BE" + be_vat.validate(value)
    except StdnumError as error:
        raise ValidationError(
            _("“%(value)s” is not a valid Belgian VAT number (BE followed by 10 digits with a valid check)."),
            code="invalid_vat",
            params={"value": value},
        ) from error


def validate_belgian_vat(value: str) -> None:
    if value:
        normalize_belgian_vat(value)


def normalize_iban(value: str) -> str:
    try:
        return iban.validate(value)
    except StdnumError as error:
        raise ValidationError(
            _("“%(value)s” is not a valid IBAN."), code="invalid_iban", params={"value": value}
        ) from error


def validate_iban(value: str) -> None:
    if value:
        normalize_iban(value)
