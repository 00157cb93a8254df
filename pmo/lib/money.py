"""Money is EUR in a Decimal with two places, never a float."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.formats import number_format

CENT = Decimal("0.01")


class MoneyField(models.DecimalField):
    """An amount in EUR: DecimalField(max_digits=14, decimal_places=2), not negative by default."""

    def __init__(self, *args, allow_negative: bool = False, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("default", Decimal("0.00"))
        if not allow_negative:
            kwargs.setdefault("validators", [MinValueValidator(Decimal("0.00"))])
        self.allow_negative = allow_negative
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, value in (("max_digits", 14), ("decimal_places", 2), ("default", Decimal("0.00"))):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        if not self.allow_negative:
            kwargs.pop("validators", None)
        else:
            kwargs["allow_negative"] = True
        return name, path, args, kwargs


def quantize_money(amount: Decimal) -> Decimal:
    """Round an amount to the cent, half up, as invoices do."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def money_format(amount: Decimal | int | float | str | None) -> str:
    """An amount in EUR in the active locale, 1.234,56 €: the pages' `money` filter and messages alike."""
    if amount is None or amount == "":
        return "—"
    return f"{number_format(Decimal(str(amount)), decimal_pos=2, force_grouping=True)}\u00a0€"
