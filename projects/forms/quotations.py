from django import forms
from django.utils.translation import gettext_lazy as _

from pmo.lib.forms import DateInput, Form, ModelForm, model_choice
from projects.models import Customer, CustomerContact, Quotation, QuotationLine


class _ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CustomerContact) -> str:
        return f"{obj.customer} · {obj.name}"


class QuotationForm(ModelForm):
    class Meta:
        model = Quotation
        fields = ["customer", "contact", "title", "language", "valid_until", "notes"]
        field_classes = {"contact": _ContactChoiceField}
        widgets = {
            "valid_until": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "customer").queryset = Customer.objects.filter(is_active=True)
        model_choice(self, "contact").queryset = CustomerContact.objects.select_related("customer")

    def clean(self):
        cleaned = super().clean()
        contact, customer = cleaned.get("contact"), cleaned.get("customer")
        if contact and customer and contact.customer_id != customer.pk:
            self.add_error("contact", _("This contact belongs to another customer."))
        return cleaned


class QuotationLineForm(ModelForm):
    class Meta:
        model = QuotationLine
        fields = ["item", "quantity", "unit", "unit_cost", "unit_price", "vat_rate"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            for name in ("unit_cost", "unit_price"):
                self.initial.pop(name, None)
                self.fields[name].initial = None


QuotationLineFormSet = forms.inlineformset_factory(
    Quotation, QuotationLine, form=QuotationLineForm, extra=3, can_delete=True, min_num=1, validate_min=True
)


def quotation_lines_from(formset) -> list[dict]:
    return [
        {field: form.cleaned_data[field] for field in QuotationLineForm.Meta.fields}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class QuotationDecisionForm(Form):
    reason = forms.CharField(
        label=_("Reason given by the customer"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
