"""Searchable selects: a filter with hundreds of choices renders only the chosen one and a few matches.

A list's filter form used to render every customer and every project manager as an `<option>` (~600 on
the project list at scale L, most of the page's time). `SearchSelect` renders the chosen value, the
first `LIMIT` matches of the text typed into its companion search box (`<name>_search`) and nothing
else. With JavaScript, htmx asks `pmo:search-select-options` for the matches while the user types;
without it, the search box is part of the GET form: submitting it narrows the options, then the user
picks one and filters again.

Each option source is registered once (`register_option_source`) by the app that owns the data; the
endpoint looks it up by key, so `pmo` imports no app. A source with a `scope_param` narrows its rows by one
more value (the tasks of one project): the widget sends it along, and its queryset receives it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import BooleanField, ExpressionWrapper, Model, Q, QuerySet
from django.forms.models import ModelChoiceIterator
from django.http import Http404
from django.shortcuts import render
from django.template import loader
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

LIMIT = 25  # options shown besides the chosen one
SEARCH_SUFFIX = "_search"
EMPTY_LABEL = "---------"  # django-filter's, so that the swapped options look like the first ones


@dataclass(frozen=True)
class OptionSource:
    """Where a searchable select takes its options: the rows a user may pick, and the fields searched."""

    key: str
    queryset: Callable[..., QuerySet]  # (user) -> rows, or (user, scope) -> rows with a scope_param
    search_fields: tuple[str, ...]
    label: Callable[[Model], str] = str
    scope_param: str = ""

    def rows(self, user, scope: str | None = None) -> QuerySet:
        return self.queryset(user, scope) if self.scope_param else self.queryset(user)


OPTION_SOURCES: dict[str, OptionSource] = {}


def register_option_source(source: OptionSource) -> OptionSource:
    OPTION_SOURCES[source.key] = source
    return source


def option_matches(
    *, source: OptionSource, user, term: str, chosen: str | None = None, scope: str | None = None
) -> list[Model]:
    """The chosen row (if the user may still pick it) and the first LIMIT matches of `term`, in one query."""
    rows = source.rows(user, scope)
    term = term.strip()
    wanted = reduce(or_, (Q(**{f"{f}__icontains": term}) for f in source.search_fields)) if term else Q()
    chosen_pk = int(chosen) if chosen and str(chosen).isdigit() else None
    if chosen_pk is None:
        return list(rows.filter(wanted)[:LIMIT])
    ordering = rows.query.order_by or rows.model._meta.ordering or ["pk"]
    rows = rows.annotate(is_chosen=ExpressionWrapper(Q(pk=chosen_pk), output_field=BooleanField()))
    if term:
        rows = rows.filter(wanted | Q(pk=chosen_pk))
    return list(rows.order_by("-is_chosen", *ordering)[: LIMIT + 1])


class SearchSelect(forms.Select):
    """A `<select>` holding only the chosen option and the matches of its search box."""

    template_name = "components/search_select.html"

    def __init__(self, *, source: str, attrs=None, scope: str | None = None):
        super().__init__(attrs)
        self.source = source
        self.scope = scope
        self.user = None
        self.term = ""

    def optgroups(self, name, value, attrs=None):
        chosen = next((item for item in value if item), None)
        source = OPTION_SOURCES[self.source]
        rows = option_matches(source=source, user=self.user, term=self.term, chosen=chosen, scope=self.scope)
        # The field's own empty label (None when it is required); a ModelChoiceField's choices know it.
        choices = self.choices
        empty_label = choices.field.empty_label if isinstance(choices, ModelChoiceIterator) else EMPTY_LABEL
        options = search_select_options(
            empty_label=empty_label, widget=self, name=name, rows=rows, chosen=chosen
        )
        return [(None, options, 0)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        scope_param = OPTION_SOURCES[self.source].scope_param
        context["widget"].update(
            source=self.source,
            search_name=f"{name}{SEARCH_SUFFIX}",
            term=self.term,
            limit=LIMIT,
            scope_query=urlencode({scope_param: self.scope}) if scope_param and self.scope else "",
        )
        return context

    def _render(self, template_name, context, renderer=None):
        # The site's template engine (templates/components/), not the form renderer's own.
        return mark_safe(loader.render_to_string(template_name, context))


def bind_search_selects(form: forms.Form, *, user) -> forms.Form:
    """Give the form's searchable selects the user and the typed terms before the form renders."""
    for name, field in form.fields.items():
        if isinstance(field.widget, SearchSelect):
            field.widget.user = user
            field.widget.term = (form.data.get(f"{form.add_prefix(name)}{SEARCH_SUFFIX}") or "")[:100]
    return form


def search_select_options(
    *, empty_label: "str | StrPromise | None", widget: forms.Select, name: str, rows: list[Model], chosen
) -> list[dict]:
    """The option dicts of a searchable select: the empty choice, then `rows` labelled by their source."""
    options = [widget.create_option(name, "", str(empty_label or ""), not chosen, 0)]
    for index, row in enumerate(rows, start=1):
        label = OPTION_SOURCES[widget.source].label(row) if isinstance(widget, SearchSelect) else str(row)
        options.append(widget.create_option(name, str(row.pk), label, str(row.pk) == str(chosen), index))
    return options


_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,60}$")


@login_required
@require_GET
def search_select_options_view(request, source: str):
    """The `<option>`s of a searchable select for what the user typed (htmx swaps them in)."""
    option_source = OPTION_SOURCES.get(source)
    name = request.GET.get("field", "")
    if option_source is None or not _FIELD_NAME.match(name):
        raise Http404
    term = request.GET.get(f"{name}{SEARCH_SUFFIX}", "")[:100]
    chosen = request.GET.get(name) or None
    scope = request.GET.get(option_source.scope_param) if option_source.scope_param else None
    if option_source.scope_param and not (scope or "").isdigit():
        raise Http404
    rows = option_matches(source=option_source, user=request.user, term=term, chosen=chosen, scope=scope)
    widget = SearchSelect(source=source, scope=scope)
    options = search_select_options(
        empty_label=EMPTY_LABEL, widget=widget, name=name, rows=rows, chosen=chosen
    )
    context = {"widget": {"optgroups": [(None, options, 0)]}}
    return render(request, "components/search_select.html#options", context)
