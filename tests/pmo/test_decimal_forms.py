"""Every form with a decimal field renders its values so that submitting them unchanged changes nothing.

The forms are found by importing the forms modules of every app and walking the subclasses of BaseForm, so
a new form with a decimal field is covered (or fails here for want of a builder) without touching this file.
"""

import datetime
import importlib
import inspect
import pkgutil
from decimal import Decimal

import lxml.html
import pytest
from django import forms
from django.forms.models import model_to_dict
from django.http import QueryDict
from django.utils import translation

from pmo.lib import forms as pmo_forms
from tests import factories

APPS = ("pmo", "projects", "procurement", "quality", "reporting")


def _forms_modules():
    for app in APPS:
        module = importlib.import_module(f"{app}.forms")
        yield module
        for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
            yield importlib.import_module(f"{module.__name__}.{info.name}")


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def project_form_classes() -> list[type[forms.BaseForm]]:
    list(_forms_modules())
    return sorted(
        {
            cls
            for cls in _subclasses(forms.BaseForm)
            if cls.__module__.split(".")[0] in APPS and not cls.__module__.startswith("pmo.lib")
        },
        key=lambda cls: f"{cls.__module__}.{cls.__name__}",
    )


def _has_decimal(cls) -> bool:
    declared = any(isinstance(field, forms.DecimalField) for field in cls.base_fields.values())
    return declared or "DecimalField(" in inspect.getsource(cls)  # fields added in __init__


DECIMAL_FORMS = [cls for cls in project_form_classes() if _has_decimal(cls)]


def _order_lines():
    line = factories.PurchaseOrderLineFactory(quantity=Decimal("1234.500"), unit_price=Decimal("1234.56"))
    return line.order.lines.all()


def _tolerance():
    from reporting.models import Tolerance

    return Tolerance.objects.update_or_create(
        project=factories.ProjectFactory(),
        defaults={
            "time_days": 5,
            "cost_percent": Decimal("7.50"),
            "cost_amount": Decimal("12500.00"),
            "scope_percent": Decimal("2.25"),
            "quality_findings": 3,
            "risk_score": 12,
        },
    )[0]


def _model(instance, **kwargs):
    return {"instance": instance, **kwargs}


# Form class name -> what it needs to be shown "bound to an existing object" (an instance or initial values).
BUILDERS = {
    "ProjectForm": lambda: _model(
        factories.ProjectFactory(contract_value=Decimal("1234567.89"), budget=Decimal("180000.00"))
    ),
    "IntakeForm": lambda: _model(factories.IntakeFactory()),
    "IntakeConvertForm": lambda: {"initial": {"budget": Decimal("140000.00")}},
    "AssignmentForm": lambda: {
        "initial": {"resource": factories.ResourceFactory(), "hours": Decimal("37.5")}
    },
    "ResourceForm": lambda: _model(factories.ResourceFactory(weekly_capacity_hours=Decimal("38.0"))),
    "QuotationLineForm": lambda: _model(
        factories.QuotationLineFactory(
            quantity=Decimal("12.500"), unit_cost=Decimal("1000.10"), unit_price=Decimal("1234.56")
        )
    ),
    "RiskForm": lambda: _risk_like(factories.RiskFactory(cost_impact=Decimal("4321.09"))),
    "ChangeRequestForm": lambda: _risk_like(
        factories.ChangeRequestFactory(
            cost_impact=Decimal("3000.00"), price_impact=Decimal("3750.50"), is_billable=True
        )
    ),
    "ToleranceForm": lambda: _model(_tolerance()),
    "PurchaseOrderLineForm": lambda: _order_line(),
    "ReceiptForm": lambda: {"lines": _order_lines(), "initial": {"received_on": datetime.date(2026, 12, 1)}},
    "InvoiceForm": lambda: _invoice(),
    "BudgetLineForm": lambda: {"initial": {"budget": Decimal("25000.00"), "forecast": Decimal("1234.56")}},
    "WorkedHoursForm": lambda: {"initial": {"month": datetime.date(2026, 11, 1), "hours": Decimal("1234.5")}},
    # feature/timesheets (issue 15)
    "TimeEntryForm": lambda: {
        "initial": {"task": 1, "day": datetime.date(2027, 3, 1), "hours": Decimal("7.25")}
    },
    # feature/progress (issue 15)
    "TaskForm": lambda: _task_form(),
    "TaskRemainingForm": lambda: {"initial": {"remaining_hours": Decimal("1234.5")}},
    "RoleCostRateForm": lambda: {
        "initial": {
            "role_name": "Technician",
            "hourly_rate": Decimal("1234.56"),
            "valid_from": datetime.date(2027, 1, 1),
        }
    },
    "CostRateForm": lambda: {
        "initial": {
            "hourly_rate": Decimal("1234.56"),
            "valid_from": datetime.date(2027, 1, 1),
            "valid_to": None,
        }
    },
}


def _task_form():
    task = factories.TaskFactory(progress=40, remaining_hours=Decimal("1234.5"))
    return _model(task, project=task.project)


def _risk_like(entry):
    return _model(entry, project=entry.project)


def _order_line():
    line = factories.PurchaseOrderLineFactory(quantity=Decimal("1234.500"), unit_price=Decimal("12000.00"))
    return _model(line, budget_lines=line.order.project.budget_lines.all())


def _invoice():
    lines = _order_lines()
    initial = {"number": "F-1", "invoice_date": datetime.date(2026, 12, 1)}
    for line in lines:
        initial[f"quantity_{line.pk}"] = Decimal("2.000")
    return {"lines": lines, "initial": initial}


def _submitted_values(form) -> QueryDict:
    """What a browser posts for the rendered form, untouched."""
    html = lxml.html.fromstring(f"<form>{form.as_div()}</form>")
    data = QueryDict(mutable=True)
    for name, value in html.form_values():
        data.appendlist(name, value)
    return data


def test_every_decimal_form_is_found():
    names = {cls.__name__ for cls in DECIMAL_FORMS}
    assert {"ProjectForm", "IntakeForm", "PurchaseOrderLineForm", "ToleranceForm", "ReceiptForm"} <= names
    assert not names - set(BUILDERS), "add a builder for these forms"


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
@pytest.mark.parametrize("form_class", DECIMAL_FORMS, ids=lambda cls: cls.__name__)
def test_rendered_decimals_submitted_unchanged_change_nothing(db, form_class, language):
    kwargs = BUILDERS[form_class.__name__]()
    instance = kwargs.get("instance")
    before = model_to_dict(instance) if instance is not None else None
    with translation.override(language):
        shown = form_class(**kwargs)
        decimals = [name for name, field in shown.fields.items() if isinstance(field, forms.DecimalField)]
        assert decimals
        for name in decimals:
            assert isinstance(shown.fields[name], pmo_forms.DecimalField), name
            widget = str(shown[name])
            assert 'inputmode="decimal"' in widget and 'type="text"' in widget, widget
        data = _submitted_values(shown)
        submitted = form_class(data=data, **kwargs)
        assert submitted.is_valid(), (submitted.errors, dict(data))
        assert not set(submitted.changed_data) & set(decimals), submitted.changed_data
        if instance is not None:
            submitted.save()
            instance.refresh_from_db()
            assert model_to_dict(instance) == before
        else:
            for name in decimals:
                expected = shown.get_initial_for_field(shown.fields[name], name)
                assert submitted.cleaned_data[name] == expected, name


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("1234,56", Decimal("1234.56")),
        ("1234.56", Decimal("1234.56")),
        ("12.000", Decimal("12000")),
        ("1 234,5", Decimal("1234.5")),
    ],
)
def test_decimal_field_reads_the_usual_ways_of_typing(typed, expected):
    assert pmo_forms.DecimalField(max_digits=14, decimal_places=2).clean(typed) == expected


def test_a_blank_decimal_is_a_blank_never_zero():
    assert pmo_forms.DecimalField(required=False, max_digits=14, decimal_places=2).clean("") is None
    with pytest.raises(forms.ValidationError):
        pmo_forms.DecimalField(max_digits=14, decimal_places=2).clean("")
    with pytest.raises(forms.ValidationError):
        pmo_forms.DecimalField(max_digits=14, decimal_places=2).clean("12,3a")


def test_every_date_field_of_every_form_is_bounded(db):
    for cls in project_form_classes():
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                assert isinstance(field, pmo_forms.DateField), f"{cls.__name__}.{name}"


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_date_beyond_2100_is_a_translated_form_error(db, language):
    with translation.override(language):
        form = factories_task_form()
        form_data = {"name": "Pull cables", "planned_start": "2026-12-01", "planned_end": "9999-12-31"}
        bound = type(form)(data=form_data, project=form.project, instance=form.instance)
        assert not bound.is_valid()
        message = bound.errors["planned_end"][0]
        assert "31/12/2100" in message
        assert {"fr": "Saisissez une date", "nl": "Geef een datum"}[language] in message


def factories_task_form():
    from projects.forms.plan import TaskForm

    task = factories.TaskFactory()
    form = TaskForm(instance=task, project=task.project)
    form.project = task.project
    return form
