"""Forms of meetings and minutes: input only, the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pmo.lib.forms import DateField, Form, ModelForm, choice, model_choice
from pmo.models import User
from projects.models import CustomerContact, Meeting
from projects.selectors.meetings import meeting_invitable_contacts, meeting_invitable_users, meeting_types

SCALE_CHOICES = [(level, str(level)) for level in range(1, 6)]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or "%Y-%m-%dT%H:%M")


class DateTimeField(forms.DateTimeField):
    """What the datetime-local input sends (with a "T"), and the same typed with a space."""

    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class MeetingForm(ModelForm):
    """A meeting's type, date, place, language and attendees (the team and the customer's contacts)."""

    users = forms.ModelMultipleChoiceField(
        label=_("Attendees of the team"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("Attendees of the customer"),
        queryset=CustomerContact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Meeting
        fields = ["meeting_type", "title", "starts_at", "duration_minutes", "place", "language"]
        field_classes = {"starts_at": DateTimeField}
        widgets = {"starts_at": DateTimeInput()}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "meeting_type").queryset = meeting_types()
        model_choice(self, "users").queryset = meeting_invitable_users(project=project)
        model_choice(self, "contacts").queryset = meeting_invitable_contacts(project=project)
        if self.instance.pk:
            attendees = self.instance.attendees.all()
            self.initial["users"] = [a.user_id for a in attendees if a.user_id]
            self.initial["contacts"] = [a.contact_id for a in attendees if a.contact_id]
        else:
            self.initial.setdefault("language", project.customer.language)


class AgendaItemForm(Form):
    title = forms.CharField(label=_("New agenda item"), max_length=250)


class AgendaProposalsForm(Form):
    """The register entries chosen among those the registers propose."""

    keys = forms.MultipleChoiceField(
        label=_("Proposed by the registers"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        choice(self, "keys").choices = [(p.key, f"{p.reference} {p.title}") for p in proposals]


class MinutesForm(Form):
    discussion = forms.CharField(
        label=_("Discussion"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class _PeopleForm(Form):
    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = meeting_invitable_users(project=project)


class MinutesActionForm(_PeopleForm):
    title = forms.CharField(label=_("Action"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_date = DateField(label=_("Due date"))


class MinutesDecisionForm(_PeopleForm):
    title = forms.CharField(label=_("Decision"), max_length=200)
    description = forms.CharField(
        label=_("What was decided"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MinutesRiskForm(_PeopleForm):
    title = forms.CharField(label=_("Risk"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    probability = forms.TypedChoiceField(label=_("Probability"), choices=SCALE_CHOICES, coerce=int, initial=3)
    impact = forms.TypedChoiceField(label=_("Impact"), choices=SCALE_CHOICES, coerce=int, initial=3)
