"""Forms of requisitions and requests for quotation: they validate input only; services decide."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from pmo.lib.forms import DateField, DateInput, DecimalField, Form, ModelForm, model_choice
from procurement.models import (
    BudgetLine,
    PurchaseRequisition,
    RequestForQuotation,
    RfqLine,
    Supplier,
    SupplierQuote,
)
from procurement.services.requisitions import FIELDS as REQUISITION_FIELDS


class _BudgetLineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: BudgetLine) -> str:
        return f"{obj.project.code} · {obj.category}"


class _RequisitionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: PurchaseRequisition) -> str:
        return (
            f"{obj.number} · {obj.description} · {obj.quantity.normalize():f} "
            f"{obj.unit} · {obj.suggested_supplier or '—'}"
        )


class _SupplierChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Supplier) -> str:
        vca = _("VCA valid") if obj.is_vca_valid else _("no valid VCA")
        return f"{obj.name} · {obj.get_kind_display()} · {vca}"


class _QuoteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SupplierQuote) -> str:
        return str(obj.invitation.supplier)


class RequisitionForm(ModelForm):
    class Meta:
        model = PurchaseRequisition
        fields = ["project", *REQUISITION_FIELDS, "attachment"]
        field_classes = {"budget_line": _BudgetLineChoiceField}
        widgets = {"needed_by": DateInput(), "justification": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "project").queryset = projects
        model_choice(self, "suggested_supplier").queryset = Supplier.objects.filter(is_blocked=False)
        model_choice(self, "budget_line").queryset = BudgetLine.objects.filter(
            project__in=projects
        ).select_related("project", "category")
        self.fields["estimated_unit_price"].required = False  # "if you know it"
        if self.instance.pk:
            self.fields["project"].disabled = True

    def clean_estimated_unit_price(self):
        return self.cleaned_data["estimated_unit_price"] or Decimal("0.00")


class ReasonForm(Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class RequisitionOrderForm(Form):
    requisitions = _RequisitionChoiceField(
        label=_("Accepted requisitions"),
        queryset=PurchaseRequisition.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    supplier = forms.ModelChoiceField(
        label=_("Supplier for those without a suggestion"),
        queryset=Supplier.objects.filter(is_blocked=False),
        required=False,
    )
    budget_line = _BudgetLineChoiceField(
        label=_("Budget line for those without one"), queryset=BudgetLine.objects.none(), required=False
    )

    def __init__(self, *args, requisitions, project, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "requisitions").queryset = requisitions
        model_choice(self, "budget_line").queryset = BudgetLine.objects.filter(
            project=project
        ).select_related("project", "category")


class RfqForm(ModelForm):
    class Meta:
        model = RequestForQuotation
        fields = [
            "project",
            "title",
            "description",
            "deadline",
            "delivery_address",
            "price_weight",
            "delivery_weight",
            "quality_weight",
        ]
        widgets = {
            "deadline": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "delivery_address": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "project").queryset = projects


class RfqLineForm(ModelForm):
    class Meta:
        model = RfqLine
        fields = ["description", "quantity", "unit", "budget_line"]
        field_classes = {"budget_line": _BudgetLineChoiceField}

    def __init__(self, *args, budget_lines, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "budget_line").queryset = budget_lines


class InviteForm(Form):
    supplier = _SupplierChoiceField(label=_("Supplier"), queryset=Supplier.objects.filter(is_blocked=False))

    def __init__(self, *args, rfq, **kwargs):
        super().__init__(*args, **kwargs)
        invited = rfq.invitations.values("supplier")
        model_choice(self, "supplier").queryset = Supplier.objects.filter(is_blocked=False).exclude(
            pk__in=invited
        )


class DocumentForm(Form):
    file = forms.FileField(label=_("File"))


class QuoteForm(Form):
    """A price per line of the request (empty: not offered), delivery time, validity, conditions, offer."""

    delivery_days = forms.IntegerField(label=_("Delivery time (working days)"), min_value=0, max_value=999)
    valid_until = DateField(label=_("Offer valid until"), required=False, widget=DateInput())
    conditions = forms.CharField(
        label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    offer = forms.FileField(label=_("Offer (PDF)"), required=False)

    def __init__(self, *args, lines, rate: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"price_{line.pk}"] = DecimalField(
                label=_("Unit price excl. VAT"), max_digits=14, decimal_places=2, min_value=0, required=False
            )
            self.fields[f"price_{line.pk}"].widget.attrs["class"] = "form-control"
        if rate:
            self.fields["quality_score"] = forms.TypedChoiceField(
                label=_("Quality score (1 to 5)"),
                choices=[(score, str(score)) for score in range(1, 6)],
                coerce=int,
                initial=3,
            )

    def price_rows(self):
        return [(line, self[f"price_{line.pk}"]) for line in self.lines]

    def prices(self) -> dict:
        return {line.pk: self.cleaned_data.get(f"price_{line.pk}") for line in self.lines}

    def values(self) -> dict:
        names = ["delivery_days", "valid_until", "conditions", "quality_score"]
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


class AwardForm(Form):
    quote = _QuoteChoiceField(
        label=_("Quote to award"), queryset=SupplierQuote.objects.none(), widget=forms.RadioSelect
    )
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you do not choose the cheapest quote; kept with the award."),
    )

    def __init__(self, *args, quotes, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "quote").queryset = quotes
