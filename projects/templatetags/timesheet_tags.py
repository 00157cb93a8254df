"""`{{ value|hours }}`: hours as the user reads and types them (7,5 in fr/nl, 7.5 in en)."""

from decimal import Decimal

from django import template

from pmo.lib.forms import format_decimal

register = template.Library()


@register.filter
def hours(value: Decimal | None) -> str:
    if value is None or value == "":
        return ""
    return format_decimal(Decimal(value), decimal_places=None)
