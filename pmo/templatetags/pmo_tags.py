from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import pgettext_lazy

register = template.Library()


@register.filter
def money(amount: Decimal | None) -> str:
    """An amount in EUR in the active locale: 1.234,56 €."""
    if amount is None or amount == "":
        return "—"
    return f"{number_format(Decimal(amount), decimal_pos=2, force_grouping=True)}\u00a0€"


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str) -> str:
    """A column header that sorts by `key`, toggling the direction when already sorted by it."""
    request = context["request"]
    current = context.get("sort", "")
    params = request.GET.copy()
    params.pop("page", None)
    new_sort = f"-{key}" if current == key else key
    params["sort"] = new_sort
    arrow = " ▲" if current == key else (" ▼" if current == f"-{key}" else "")
    return format_html('<a href="?{}">{}{}</a>', params.urlencode(), label, arrow)


# Units people type on lines, printed in the document's language (issue 11); others print as typed.
UNIT_LABELS = {
    "h": pgettext_lazy("unit", "h"),
    "hour": pgettext_lazy("unit", "h"),
    "pcs": pgettext_lazy("unit", "pcs"),
    "pc": pgettext_lazy("unit", "pcs"),
    "day": pgettext_lazy("unit", "day"),
    "days": pgettext_lazy("unit", "day"),
    "month": pgettext_lazy("unit", "month"),
    "set": pgettext_lazy("unit", "set"),
    "lot": pgettext_lazy("unit", "lot"),
}


@register.filter
def unit_label(unit: str) -> str:
    return str(UNIT_LABELS.get((unit or "").strip().lower(), unit))
