"""Input of the timesheet pages: one cell of the week grid, a return reason, a cost rate."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pmo.lib.forms import DateField, DecimalField, Form, ModelForm
from projects.models import CostRate, Resource, ResourceKind, RoleCostRate


class TimeEntryForm(Form):
    task = forms.IntegerField(widget=forms.HiddenInput)
    day = DateField()
    # Typed in the user's locale (7,5 in fr/nl); a blank removes the hours of that day.
    hours = DecimalField(
        label=_("hours"), max_digits=5, decimal_places=2, min_value=0, max_value=24, required=False
    )


class TimesheetReturnForm(Form):
    reason = forms.CharField(
        label=_("reason for returning"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class CostRateForm(ModelForm):
    class Meta:
        model = CostRate
        fields = ["hourly_rate", "valid_from", "valid_to"]


class RoleCostRateForm(ModelForm):
    """A rate per role; the role is typed, and created with its first rate."""

    prefix = "role"  # beside the form of a person's rate, on the same page
    role_name = forms.CharField(label=_("role"), max_length=100)

    class Meta:
        model = RoleCostRate
        fields = ["hourly_rate", "valid_from", "valid_to"]

    field_order = ["role_name", "hourly_rate", "valid_from", "valid_to"]


class CostRateResourceForm(Form):
    resource = forms.ModelChoiceField(
        label=_("resource"), queryset=Resource.objects.filter(kind=ResourceKind.PERSON).order_by("name")
    )


class TimeEntryExportForm(Form):
    start = DateField(label=_("from"))
    end = DateField(label=_("until"))
    format = forms.ChoiceField(
        label=_("format"), choices=[("csv", "CSV"), ("xlsx", "XLSX")], initial="csv", required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            raise forms.ValidationError(_("The end comes before the start."))
        return cleaned
