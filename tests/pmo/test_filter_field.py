"""The filter bars' light field tag renders what crispy-bootstrap5 rendered, for every list filter."""

import pytest
from django.template import engines
from django.test.html import parse_html

from pmo.roles import Role
from procurement.filters import EInvoiceFilter, PurchaseOrderFilter, RequisitionFilter, RfqFilter
from projects.filters import CustomerFilter, ProjectFilter
from projects.forms.registers import (
    ActionFilter,
    ChangeRequestFilter,
    DecisionFilter,
    IssueFilter,
    LessonFilter,
    RiskFilter,
)
from projects.models import Project
from reporting.filters import PortfolioFilter
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

FILTERS = [
    ProjectFilter,
    CustomerFilter,
    RiskFilter,
    IssueFilter,
    ChangeRequestFilter,
    DecisionFilter,
    ActionFilter,
    LessonFilter,
    PurchaseOrderFilter,
    EInvoiceFilter,
    RequisitionFilter,
    RfqFilter,
    PortfolioFilter,
]
CRISPY = "{% load crispy_forms_tags %}{{ field|as_crispy_field }}"
LIGHT = "{% load pmo_tags %}{% filter_field field %}"


@pytest.mark.parametrize("filter_class", FILTERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("data", [{}, {"q": "net", "created_after": "not a date", "min_score": "x"}])
def test_every_filter_field_renders_as_crispy_did(rf, filter_class, data):
    request = rf.get("/", data)
    request.user = user_with_role(Role.PM_SUPPORT)
    model = filter_class._meta.model or Project  # the portfolio's filter declares no model
    form = filter_class(data, queryset=model.objects.none(), request=request).form
    form.is_valid()
    engine = engines["django"]
    for field in form:
        light = engine.from_string(LIGHT).render({"field": field})  # first: crispy adds to widget attrs
        crispy = engine.from_string(CRISPY).render({"field": field})
        assert parse_html(light) == parse_html(crispy), f"{field.name}\n{light}\n{crispy}"


@pytest.mark.parametrize(
    "filter_class", [RiskFilter, PurchaseOrderFilter, PortfolioFilter], ids=lambda f: f.__name__
)
def test_the_inputs_and_selects_of_djangos_templates_skip_the_template_engine(rf, monkeypatch, filter_class):
    """They are written directly (a select's options through templates were most of a filter bar's time);
    only the widgets with templates of their own, such as the searchable select, are rendered by them."""
    from django.forms.boundfield import BoundField

    request = rf.get("/")
    request.user = user_with_role(Role.PM_SUPPORT)
    model = filter_class._meta.model or Project
    form = filter_class({}, queryset=model.objects.none(), request=request).form
    templated = []
    monkeypatch.setattr(BoundField, "as_widget", lambda field, **kwargs: templated.append(field.name) or "")
    engine = engines["django"]

    for field in form:
        engine.from_string(LIGHT).render({"field": field})

    own_templates = [
        field.name
        for field in form
        if not field.field.widget.template_name.startswith("django/forms/widgets/")
    ]
    assert templated == own_templates
    assert len(own_templates) < len(list(form))
