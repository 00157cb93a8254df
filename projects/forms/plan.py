from django import forms
from django.utils.translation import gettext_lazy as _

from pmo.lib.forms import DateField, DateInput, DecimalField, Form, ModelForm, model_choice
from projects.models import Project, Resource, Task


class TaskForm(ModelForm):
    class Meta:
        model = Task
        fields = [
            "wbs_code",
            "name",
            "parent",
            "kind",
            "status",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "progress",
            "remaining_hours",
        ]
        widgets = {
            name: DateInput() for name in ("planned_start", "planned_end", "actual_start", "actual_end")
        }

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        parents = project.tasks.order_by("sort_order", "pk")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        model_choice(self, "parent").queryset = parents
        self.fields["progress"].widget.attrs.update(min=0, max=100)
        self.fields["remaining_hours"].help_text = _("Empty: planned hours less approved hours.")
        if project.has_derived_progress:
            # The hours give the progress: a typed figure would be overwritten at the next approval.
            self.fields["progress"].disabled = True
            self.fields["progress"].help_text = _("Derived from approved and remaining hours.")
        self.instance.project = project

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("planned_start"), cleaned.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The end date cannot be before the start date."))
        if (cleaned.get("progress") or 0) > 100:
            self.add_error("progress", _("Progress is at most 100%."))
        return cleaned

    def validate_unique(self):
        # The service checks the full model, unique WBS code included.
        pass


class TaskRemainingForm(Form):
    """The work left on a task, typed in the plan's row (7,5 in fr/nl); blank goes back to the plan."""

    remaining_hours = DecimalField(
        label=_("Remaining work (hours)"),
        max_digits=7,
        decimal_places=2,
        min_value=0,
        max_value=99999,
        required=False,
    )


class TaskRescheduleForm(Form):
    """New dates for a task dragged on the Gantt (ISO dates whatever the page's language)."""

    planned_start = DateField(label=_("planned start"))
    planned_end = DateField(label=_("planned end"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("planned_start"), cleaned.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The end date cannot be before the start date."))
        return cleaned


class DependencyForm(Form):
    predecessor = forms.ModelChoiceField(label=_("Predecessor"), queryset=Task.objects.none())
    lag_days = forms.IntegerField(label=_("Lag (days)"), initial=0, min_value=-365, max_value=365)

    def __init__(self, *args, task: Task, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "predecessor").queryset = task.project.tasks.exclude(pk=task.pk).order_by(
            "sort_order"
        )


class AssignmentForm(Form):
    resource = forms.ModelChoiceField(label=_("Resource"), queryset=Resource.objects.filter(is_active=True))
    hours = DecimalField(
        label=_("Hours"),
        max_digits=7,
        decimal_places=1,
        min_value=0,
        help_text=_("0 removes the assignment."),
    )


class BaselineForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PlanImportForm(Form):
    file = forms.FileField(label=_("CSV or XLSX file"))


class ResourceForm(ModelForm):
    class Meta:
        model = Resource
        fields = [
            "name",
            "kind",
            "user",
            "department",
            "role",
            "skills",
            "weekly_capacity_hours",
            "is_active",
        ]
