"""Forms of the quality app: they validate input only; the services hold the rules."""

from pathlib import Path
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pmo.lib.forms import DateField, DateInput, DecimalField, Form, ModelForm, choice, model_choice
from pmo.models import User
from pmo.roles import Role
from pmo.selectors import user_list_with_role
from projects.choices import Language, Phase
from projects.selectors.portfolio import document_queryset_for_project

if TYPE_CHECKING:
    from projects.models import CustomerContact
from quality.models import (
    ChecklistTemplate,
    ConfigurationItem,
    Finding,
    Handover,
    Hazard,
    LastMinuteRiskAnalysis,
    Rating,
    ReviewPurpose,
    SafetyIncident,
    SiteQualification,
    SupportContract,
    ToolboxMeeting,
    TransferredItem,
)

EVIDENCE_EXTENSIONS = {".pdf", ".png", ".jpg", ".jpeg", ".txt", ".docx", ".xlsx", ".csv"}
GATE_PHASES = [("", "—")] + [
    (phase.value, phase.label)
    for phase in (Phase.PLANNING, Phase.EXECUTION, Phase.CLOSING, Phase.HANDED_OVER)
]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def reviewers() -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name__in=[Role.PM_SUPPORT, Role.HEAD_OF_PM]).distinct()


class ReviewScheduleForm(Form):
    template = forms.ModelChoiceField(
        label=_("Checklist"), queryset=ChecklistTemplate.objects.filter(is_active=True)
    )
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=User.objects.none())
    scheduled_for = DateField(label=_("Scheduled for"), widget=DateInput())
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=ReviewPurpose.choices,
        initial=ReviewPurpose.REVIEW,
        required=False,
        help_text=_("An internal audit needs a reviewer who is not on the project's team."),
    )
    gate_phase = forms.ChoiceField(
        label=_("Required before phase"),
        choices=GATE_PHASES,
        required=False,
        help_text=_("When set, the project cannot enter this phase until the review is completed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "reviewer").queryset = reviewers()

    def clean_purpose(self) -> str:
        return self.cleaned_data.get("purpose") or ReviewPurpose.REVIEW


class AnswerForm(Form):
    rating = forms.ChoiceField(label=_("Rating"), choices=[("", "—"), *Rating.choices])
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence_reference = forms.CharField(label=_("Evidence"), required=False, max_length=300)
    evidence_document = forms.ModelChoiceField(
        label=_("Project document"), queryset=document_queryset_for_project(project=None), required=False
    )
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            model_choice(self, "evidence_document").queryset = document_queryset_for_project(project=project)

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload is None:
            return None
        if upload.size > settings.DOCUMENT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        if Path(upload.name).suffix.lower() not in EVIDENCE_EXTENSIONS:
            raise forms.ValidationError(_("This type of file is not accepted."))
        return upload


class SummaryForm(Form):
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class FindingForm(ModelForm):
    class Meta:
        model = Finding
        fields = ["source", "reference", "severity", "description", "containment"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "containment": forms.Textarea(attrs={"rows": 2}),
        }


class FindingUpdateForm(ModelForm):
    class Meta:
        model = Finding
        fields = ["containment", "root_cause"]
        widgets = {
            "containment": forms.Textarea(attrs={"rows": 2}),
            "root_cause": forms.Textarea(attrs={"rows": 3}),
        }


class CorrectiveActionForm(Form):
    description = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.filter(is_active=True))
    due_date = DateField(label=_("Due date"), widget=DateInput())


class ActionVerifyForm(Form):
    is_effective = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("Effective")), ("0", _("Not effective: reopen"))],
        coerce=lambda value: value == "1",
    )
    verification = forms.CharField(label=_("How it was checked"), widget=forms.Textarea(attrs={"rows": 2}))


class LmraForm(ModelForm):
    hazards = forms.MultipleChoiceField(
        label=_("Hazards checked"),
        choices=Hazard.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = LastMinuteRiskAnalysis
        fields = [
            "performed_on",
            "site",
            "task",
            "team",
            "hazards",
            "controls",
            "permit_number",
            "is_ppe_ok",
            "is_emergency_known",
            "is_go",
            "remarks",
        ]
        widgets = {
            "performed_on": DateInput(),
            "controls": forms.Textarea(attrs={"rows": 2}),
            "remarks": forms.Textarea(attrs={"rows": 2}),
        }


class ToolboxForm(ModelForm):
    class Meta:
        model = ToolboxMeeting
        fields = ["held_on", "topic", "presenter", "attendees", "remarks", "actions"]
        widgets = {
            "held_on": DateInput(),
            "attendees": forms.Textarea(attrs={"rows": 4}),
            "remarks": forms.Textarea(attrs={"rows": 2}),
            "actions": forms.Textarea(attrs={"rows": 2}),
        }


INCIDENT_TEXT = {"rows": 2}


class IncidentForm(ModelForm):
    class Meta:
        model = SafetyIncident
        fields = [
            "kind",
            "occurred_at",
            "place",
            "description",
            "people_involved",
            "injury",
            "lost_days",
            "immediate_actions",
            "root_cause",
            "is_reported_to_client",
            "is_reported_to_authority",
        ]
        widgets = {
            "occurred_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "people_involved": forms.Textarea(attrs=INCIDENT_TEXT),
            "injury": forms.Textarea(attrs=INCIDENT_TEXT),
            "immediate_actions": forms.Textarea(attrs=INCIDENT_TEXT),
            "root_cause": forms.Textarea(attrs=INCIDENT_TEXT),
        }


class WorkedHoursForm(Form):
    month = DateField(label=_("Month"), widget=DateInput(), help_text=_("Any day of the month."))
    hours = DecimalField(label=_("Hours worked"), min_value=0, max_digits=10, decimal_places=1)


class HandoverForm(ModelForm):
    class Meta:
        model = Handover
        fields = [
            "smo_owner",
            "language",
            "service_name",
            "scope",
            "service_levels",
            "support_model",
            "documentation",
            "access_handover",
            "els_start",
            "els_end",
            "els_exit_criteria",
            "concessions",
        ]
        widgets = {
            "els_start": DateInput(),
            "els_end": DateInput(),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    "scope",
                    "service_levels",
                    "support_model",
                    "documentation",
                    "access_handover",
                    "els_exit_criteria",
                    "concessions",
                )
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "smo_owner").queryset = user_list_with_role(role=Role.SMO)
        self.fields["language"].required = False
        choice(self, "language").choices = [
            ("", _("The SMO service owner's language")),
            *Language.choices,
        ]
        self.fields["language"].initial = ""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("els_start"), cleaned.get("els_end")
        if start and end and end < start:
            self.add_error("els_end", _("The end date cannot be before the start date."))
        return cleaned


class ConfigurationItemForm(ModelForm):
    class Meta:
        model = ConfigurationItem
        fields = ["name", "item_type", "serial_number", "location", "warranty_end"]
        widgets = {"warranty_end": DateInput()}


class SupportContractForm(ModelForm):
    class Meta:
        model = SupportContract
        fields = ["supplier", "reference", "coverage", "starts_on", "ends_on", "contact"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class TransferredItemForm(ModelForm):
    class Meta:
        model = TransferredItem
        fields = ["kind", "reference", "description", "owner"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


PART_FORMS = {
    "configuration_item": ConfigurationItemForm,
    "support_contract": SupportContractForm,
    "open_item": TransferredItemForm,
}


class SurveySendForm(Form):
    # Quoted: Django's form fields are generic only in the stubs.
    contact: "forms.ModelChoiceField[CustomerContact]" = forms.ModelChoiceField(
        label=_("Customer contact"), queryset=None
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "contact").queryset = project.customer.contacts.exclude(email="")


SCALE = [(value, str(value)) for value in range(1, 6)]


class SurveyAnswerForm(Form):
    overall = forms.TypedChoiceField(
        label=_("Overall, how satisfied are you with the project?"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    quality = forms.TypedChoiceField(
        label=_("How satisfied are you with the quality of the result?"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    communication = forms.TypedChoiceField(
        label=_("How well did we keep you informed?"), choices=SCALE, coerce=int, widget=forms.RadioSelect
    )
    timeliness = forms.TypedChoiceField(
        label=_("How well did we keep to the agreed schedule?"),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    recommend = forms.TypedChoiceField(
        label=_("How likely are you to recommend us to a colleague (0 = not at all, 10 = certainly)?"),
        choices=[(value, str(value)) for value in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything you want to tell us?"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class NotApplicableForm(Form):
    """Declare a control not applicable to a project (with a reason), or withdraw that decision."""

    reference = forms.CharField(label=_("Clause or control"), max_length=20)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    applicable = forms.BooleanField(label=_("Applies again"), required=False)


class SiteQualificationForm(ModelForm):
    class Meta:
        model = SiteQualification
        fields = ["person", "company", "kind", "certificate_number", "valid_until"]
        widgets = {"valid_until": DateInput()}
