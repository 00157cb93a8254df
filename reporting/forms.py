"""Forms of the reporting app: they validate input only; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pmo.lib.forms import DateField, DateInput, Form, ModelForm, choice
from projects.choices import Language
from reporting.models import RAG_DIMENSIONS, Audience, DistributionRecipient, Rag, Tolerance


class ProgressUpdateForm(Form):
    period_start = DateField(label=_("Week starting"), widget=DateInput())
    rag_schedule = forms.ChoiceField(label=_("Schedule"), choices=Rag.choices)
    rag_cost = forms.ChoiceField(label=_("Cost"), choices=Rag.choices)
    rag_scope = forms.ChoiceField(label=_("Scope"), choices=Rag.choices)
    rag_quality = forms.ChoiceField(label=_("Quality"), choices=Rag.choices)
    rag_risk = forms.ChoiceField(label=_("Risk"), choices=Rag.choices)
    rag_safety = forms.ChoiceField(label=_("Safety"), choices=Rag.choices)
    rag_overall = forms.ChoiceField(label=_("Overall"), choices=Rag.choices)
    done_this_period = forms.CharField(label=_("Done this period"), widget=forms.Textarea(attrs={"rows": 4}))
    planned_next = forms.CharField(label=_("Planned next period"), widget=forms.Textarea(attrs={"rows": 4}))
    decisions_needed = forms.CharField(
        label=_("Decisions needed from the board"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    corrective_actions = forms.CharField(
        label=_("Corrective actions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lessons = forms.CharField(label=_("Lessons"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    override_comment = forms.CharField(
        label=_("Why the RAG differs from the suggestion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        rags = {dimension: data.pop(f"rag_{dimension}") for dimension in (*RAG_DIMENSIONS, "overall")}
        return {"period_start": data.pop("period_start"), "rags": rags, **data}


class ToleranceForm(ModelForm):
    class Meta:
        model = Tolerance
        fields = [
            "time_days",
            "cost_percent",
            "cost_amount",
            "scope_percent",
            "quality_findings",
            "risk_score",
        ]


class ReportRequestForm(Form):
    period_start = DateField(label=_("Week starting"), widget=DateInput())
    audience = forms.ChoiceField(label=_("Version"), choices=Audience.choices)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)

    def __init__(self, *args, audiences: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choice(self, "audience").choices = [choice for choice in Audience.choices if choice[0] in audiences]


class RecipientForm(ModelForm):
    class Meta:
        model = DistributionRecipient
        fields = ["name", "email", "language", "audience"]
