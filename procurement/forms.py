"""Forms of the procurement app: they validate input only; services decide."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from pmo.lib.forms import DateField, DateInput, DecimalField, Form, ModelForm, choice, model_choice
from pmo.lib.money import quantize_money
from pmo.models import User
from procurement.models import BudgetLine, PurchaseOrder, PurchaseOrderLine, Supplier, VatRate
from procurement.services.suppliers import SUPPLIER_FIELDS

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class SupplierForm(ModelForm):
    class Meta:
        model = Supplier
        fields = SUPPLIER_FIELDS
        widgets = {"vca_expires_on": DateInput()}


class PurchaseOrderForm(ModelForm):
    # Set by chosen_project when the project typed is not one the user may choose.
    project_error: "str | StrPromise" = ""

    class Meta:
        model = PurchaseOrder
        fields = ["project", "supplier", "title", "delivery_address", "delivery_date", "notes"]
        widgets = {
            "delivery_date": DateInput(),
            "delivery_address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "project").queryset = projects
        model_choice(self, "supplier").queryset = Supplier.objects.filter(is_blocked=False)


class _BudgetLineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: BudgetLine) -> str:
        return str(obj.category)


class PurchaseOrderLineForm(ModelForm):
    class Meta:
        model = PurchaseOrderLine
        fields = ["description", "quantity", "unit", "unit_price", "vat_rate", "budget_line", "is_service"]
        field_classes = {"budget_line": _BudgetLineChoiceField}

    def __init__(self, *args, budget_lines=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "budget_line").queryset = (
            budget_lines if budget_lines is not None else BudgetLine.objects.none()
        )

        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select form-select-sm")
            elif isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-check-input")
            else:
                field.widget.attrs.setdefault("class", "form-control form-control-sm")
        self.fields["vat_rate"].initial = VatRate.STANDARD
        if self.instance.pk is None:
            self.initial.pop("unit_price", None)  # an empty extra line stays empty (and unchanged)
            self.fields["unit_price"].initial = None


PurchaseOrderLineFormSet = forms.inlineformset_factory(
    PurchaseOrder,
    PurchaseOrderLine,
    form=PurchaseOrderLineForm,
    extra=0,
    can_delete=True,
    min_num=1,
    validate_min=True,
)


def chosen_project(form: PurchaseOrderForm):
    """The project chosen on the order form, or None when none or not one the user may choose (`abc`)."""
    raw = form["project"].value()
    if raw in (None, ""):
        return None
    try:
        return form.fields["project"].clean(raw)
    except forms.ValidationError:
        form.project_error = _("Choose one of your projects.")
        return None


def edited_lines(data):
    """The posted order data with a line row added ("add_line") or a new row removed ("remove_line")."""
    if data is None or not ({"add_line", "remove_line"} & set(data)):
        return data
    data = data.copy()
    total = int(data.get("lines-TOTAL_FORMS") or 0)
    if "add_line" in data:
        data["lines-TOTAL_FORMS"] = str(total + 1)
        return data
    removed = data.get("remove_line", "")
    if not removed.isdigit() or int(removed) >= total:
        return data
    prefix = "lines-"
    for index in range(int(removed), total):
        for name in [*PurchaseOrderLineForm.Meta.fields, "id", "DELETE"]:
            following = data.get(f"{prefix}{index + 1}-{name}")
            data.pop(f"{prefix}{index}-{name}", None)
            if following is not None:
                data[f"{prefix}{index}-{name}"] = following
    data["lines-TOTAL_FORMS"] = str(total - 1)
    return data


def _typed(form, name):
    try:
        return form.fields[name].clean(form[name].value()) or Decimal(0)
    except forms.ValidationError:
        return Decimal(0)


def order_form_figures(formset, project) -> dict:
    """Running totals of the lines as typed, and what each budget line has left once this order is counted."""
    from procurement.models import VAT_PERCENT
    from procurement.selectors import budget_line_figures

    excl, vat = Decimal(0), Decimal(0)
    asked: dict[int, Decimal] = {}
    for form in formset.forms:
        if form["DELETE"].value() if "DELETE" in form.fields else False:
            continue
        amount = quantize_money(_typed(form, "quantity") * _typed(form, "unit_price"))
        excl += amount
        vat += quantize_money(amount * VAT_PERCENT.get(str(form["vat_rate"].value()), Decimal(0)) / 100)
        budget_line = str(form["budget_line"].value() or "")
        if budget_line.isdigit():
            asked[int(budget_line)] = asked.get(int(budget_line), Decimal(0)) + amount
    budget_rows = []
    if project is not None:
        for line in budget_line_figures(project.budget_lines.select_related("category")):
            this_order = asked.get(line.pk, Decimal(0))
            budget_rows.append(
                {
                    "line": line,
                    "available": line.available,
                    "this_order": this_order,
                    "remaining": line.available - this_order,
                }
            )
    return {"totals": {"excl": excl, "vat": vat, "incl": excl + vat}, "budget_rows": budget_rows}


def lines_from_formset(formset) -> list[dict]:
    """The kept lines of a valid formset, as the services take them."""
    lines = []
    for form in formset.forms:
        if not form.cleaned_data or form.cleaned_data.get("DELETE"):
            continue
        values = {field: form.cleaned_data[field] for field in PurchaseOrderLineForm.Meta.fields}
        values["id"] = form.instance.pk
        lines.append(values)
    return lines


class ApproveForm(Form):
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the order is outside any project, over budget or past the Level 1 limit."),
    )


class TakeOverForm(Form):
    role = forms.ChoiceField(label=_("Step to take over"))
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the approval and printed on the order."),
    )

    def __init__(self, *args, steps, **kwargs):
        super().__init__(*args, **kwargs)
        choice(self, "role").choices = [(step.role, step.role_label) for step in steps]


class RejectForm(Form):
    reason = forms.CharField(label=_("Reason for rejection"), widget=forms.Textarea(attrs={"rows": 3}))


class ReceiptForm(Form):
    received_on = DateField(label=_("Received on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = DecimalField(
                label=line.description,
                required=False,
                min_value=Decimal(0),
                max_digits=12,
                decimal_places=3,
            )

    def line_rows(self):
        return [(line, self[f"line_{line.pk}"]) for line in self.lines]

    def quantities(self) -> dict[int, Decimal]:
        return {line.pk: self.cleaned_data.get(f"line_{line.pk}") or Decimal(0) for line in self.lines}


class InvoiceForm(Form):
    number = forms.CharField(label=_("Supplier's invoice number"), max_length=50)
    invoice_date = DateField(label=_("Invoice date"), widget=DateInput())
    due_date = DateField(label=_("Due date"), required=False, widget=DateInput())
    structured_communication = forms.CharField(
        label=_("Structured communication"), required=False, max_length=20, help_text="+++123/4567/89002+++"
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"quantity_{line.pk}"] = DecimalField(
                label=_("Quantity"), required=False, min_value=Decimal(0), max_digits=12, decimal_places=3
            )
            self.fields[f"price_{line.pk}"] = DecimalField(
                label=_("Unit price"),
                required=False,
                min_value=Decimal(0),
                max_digits=14,
                decimal_places=2,
                initial=line.unit_price,
            )

    def line_inputs(self):
        from procurement.services import InvoiceLineInput

        return [
            InvoiceLineInput(
                order_line_id=line.pk,
                quantity=self.cleaned_data.get(f"quantity_{line.pk}") or Decimal(0),
                unit_price=self.cleaned_data.get(f"price_{line.pk}") or line.unit_price,
            )
            for line in self.lines
        ]


class ResolveForm(Form):
    note = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}))
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Accept the invoice as it is")), ("0", _("Reject the invoice"))],
        coerce=lambda value: value == "1",
    )


class BudgetLineForm(Form):
    budget = DecimalField(label=_("Budget"), min_value=Decimal(0), max_digits=14, decimal_places=2)
    forecast = DecimalField(
        label=_("Forecast at completion"), min_value=Decimal(0), max_digits=14, decimal_places=2
    )


class SubstituteForm(Form):
    # Quoted: Django's form fields are generic only in the stubs.
    substitute: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(label=_("Substitute"), queryset=None)
    starts_on = DateField(label=_("From"))
    ends_on = DateField(label=_("Until"))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from pmo.models import User

        model_choice(self, "substitute").queryset = (
            User.objects.filter(is_active=True, groups__isnull=False)
            .exclude(pk=user.pk)
            .distinct()
            .order_by("display_name")
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        return cleaned


class _OrderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PurchaseOrder) -> str:
        return f"{obj.number} · {obj.supplier} · {obj.title}"


class EInvoiceMatchForm(Form):
    order = _OrderChoiceField(label=_("Order"), queryset=PurchaseOrder.objects.none())

    def __init__(self, *args, orders, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "order").queryset = orders


class EInvoiceRejectForm(Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the e-invoice: say what the supplier must correct."),
    )
