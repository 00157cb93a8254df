from django import forms
from django.utils.translation import gettext_lazy as _

from pmo.lib.forms import Form, ModelForm, choice
from projects.models import Document, Phase


class DocumentUploadForm(ModelForm):
    file = forms.FileField(label=_("File"))

    class Meta:
        model = Document
        fields = ["category", "title", "phase"]

    def __init__(self, *args, with_phase: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_phase:
            del self.fields["phase"]
        else:
            choice(self, "phase").choices = [("", "—"), *Phase.choices]


class DocumentVersionForm(Form):
    file = forms.FileField(label=_("New version"))


class PhaseChangeForm(Form):
    target_phase = forms.ChoiceField(label=_("Move to"), choices=())
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    override = forms.BooleanField(
        label=_("Override the gate (head of project management only)"), required=False
    )

    def __init__(self, *args, targets: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choice(self, "target_phase").choices = [(target, Phase(target).label) for target in targets]


class RequiredDocumentForm(ModelForm):
    class Meta:
        from projects.models import RequiredDocument

        model = RequiredDocument
        fields = ["title", "category", "phase"]
