from decimal import Decimal

from django import forms, template
from django.utils.formats import get_format
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext_lazy

from pmo.lib.money import money_format

register = template.Library()


@register.filter
def money(amount: Decimal | None) -> str:
    """An amount in EUR in the active locale: 1.234,56 €."""
    return money_format(amount)


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


@register.simple_tag
def number_format_attrs() -> str:
    """data- attributes telling a script how the page writes numbers (charts, Gantt): no inline script."""
    return format_html(
        'data-locale="{}" data-decimal-separator="{}" data-thousand-separator="{}"',
        get_language() or "en",
        get_format("DECIMAL_SEPARATOR"),
        get_format("THOUSAND_SEPARATOR"),
    )


@register.filter
def minutes(duration) -> int:
    """A timedelta in whole minutes, rounded up (the lockout page's "try again in N minutes")."""
    return -(-int(duration.total_seconds()) // 60)


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
    # UN/ECE Recommendation 20 codes, as Peppol documents carry them.
    "hur": pgettext_lazy("unit", "h"),
    "h87": pgettext_lazy("unit", "pcs"),
    "c62": pgettext_lazy("unit", "pcs"),
    "ea": pgettext_lazy("unit", "pcs"),
    "mon": pgettext_lazy("unit", "month"),
}


@register.filter
def unit_label(unit: str) -> str:
    return str(UNIT_LABELS.get((unit or "").strip().lower(), unit))


@register.filter
def vat_mentions(lines) -> list[str]:
    """The reverse-charge mentions, with their legal basis, that these lines' VAT rates require."""
    from pmo.lib.vat import VAT_MENTIONS

    rates = dict.fromkeys(line.vat_rate for line in lines if line.vat_rate in VAT_MENTIONS)
    return [str(VAT_MENTIONS[rate]) for rate in rates]


_INPUT_TEMPLATES = {
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "date", "datetime", "email", "search", "url", "time")
}
_SELECT_TEMPLATES = ("django/forms/widgets/select.html", "django/forms/widgets/select_option.html")


def _attrs_html(attrs: dict) -> str:
    """Django's widgets/attrs.html: False leaves an attribute out, True writes its bare name."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _widget_html(field, attrs: dict) -> str:
    """`field.as_widget(attrs=attrs)`, written directly for the inputs and selects of Django's own templates.

    Django renders a select through a template, and each of its options through another: the filter bars'
    widgets were two thirds of `filter_field`'s time. Widgets with templates of their own (the searchable
    select) still go through them.
    """
    widget = field.field.widget
    is_select = (widget.template_name, getattr(widget, "option_template_name", None)) == _SELECT_TEMPLATES
    if not is_select and widget.template_name not in _INPUT_TEMPLATES:
        return field.as_widget(attrs=attrs)
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    name = conditional_escape(context["name"])
    if not is_select:
        value = "" if context["value"] is None else f' value="{conditional_escape(context["value"])}"'
        return mark_safe(
            f'<input type="{context["type"]}" name="{name}"{value}{_attrs_html(context["attrs"])}>'
        )
    options = []
    for group_name, group_choices, _index in context["optgroups"]:
        if group_name:
            options.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        options.extend(
            f'\n  <option value="{conditional_escape(option["value"])}"{_attrs_html(option["attrs"])}>'
            f"{conditional_escape(option['label'])}</option>"
            for option in group_choices
        )
        if group_name:
            options.append("\n  </optgroup>")
    return mark_safe(f'<select name="{name}"{_attrs_html(context["attrs"])}>{"".join(options)}\n</select>')


@register.simple_tag
def filter_field(field) -> str:
    """A filter bar's field as crispy-bootstrap5 lays it out (label, Bootstrap widget class, errors).

    A list page renders a handful of these on every request: crispy's chain of field templates cost
    a quarter of a register page's time (issue 14), while the markup it produces here is fixed.
    """
    widget = field.field.widget
    kind = "form-check-input" if getattr(widget, "input_type", None) == "checkbox" else ""
    if not kind:
        kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
    parts = [*widget.attrs.get("class", "").split(), type(widget).__name__.lower(), kind]
    classes = " ".join(dict.fromkeys(parts))  # in order, once each
    if field.errors:
        classes += " is-invalid"
    rendered = _widget_html(field, {"class": classes})
    errors = ""
    if field.errors:
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.auto_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((number, field.auto_id, error) for number, error in enumerate(field.errors, start=1)),
            ),
        )
    help_text = ""
    if field.help_text:
        help_text = format_html(
            '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, field.help_text
        )
    if kind == "form-check-input":
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check">{}'
            '<label for="{}" class="form-check-label">{}</label>{}{}</div></div>',
            field.auto_id,
            rendered,
            field.id_for_label,
            field.label,
            errors,
            help_text,
        )
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>{}{}{}</div>',
        field.auto_id,
        field.id_for_label,
        field.label,
        rendered,
        errors,
        help_text,
    )
