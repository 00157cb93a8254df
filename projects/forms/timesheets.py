"""Input of the timesheet pages: one cell of the week grid, a return reason, a cost rate."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pmo.lib.forms import DateField, DecimalField, Form, ModelForm
from pmo.lib.search_select import (
    EMPTY_LABEL,
    SEARCH_SUFFIX,
    OptionSource,
    SearchSelect,
    bind_search_selects,
    register_option_source,
)
from projects.models import CostRate, Resource, ResourceKind, RoleCostRate, Task
from projects.selectors.timesheets import task_to_add_list_for_user


def _task_label(task) -> str:
    return f"{task.project.code} {task.wbs_code} {task.name}"


# A technician can book on hundreds of tasks at scale: the grid's "add a task" searches them as they type.
TASKS_TO_ADD = register_option_source(
    OptionSource(
        "timesheet-tasks",
        lambda user: task_to_add_list_for_user(user=user),
        ("project__code", "wbs_code", "name"),
        label=_task_label,
    )
)


class TimeEntryForm(Form):
    task = forms.IntegerField(widget=forms.HiddenInput)
    day = DateField()
    # Typed in the user's locale (7,5 in fr/nl); a blank removes the hours of that day.
    hours = DecimalField(
        label=_("hours"), max_digits=5, decimal_places=2, min_value=0, max_value=24, required=False
    )


class TimesheetTaskAddForm(forms.Form):
    """The task to add as a row of the grid, picked among the matches of what the user typed."""

    task = forms.ModelChoiceField(
        queryset=Task.objects.none(),  # never validated: the grid shows the rows its selector allows
        required=False,
        empty_label=EMPTY_LABEL,  # the one the options endpoint swaps in, so the first choice does not change
        label=_("Add a task"),
        widget=SearchSelect(
            source=TASKS_TO_ADD.key, attrs={"class": "form-select form-select-sm", "id": "id_add_task"}
        ),
    )

    def __init__(self, *, term: str, user):
        super().__init__({f"task{SEARCH_SUFFIX}": term})
        bind_search_selects(self, user=user)


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
