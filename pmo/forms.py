from django import forms
from django.conf import settings

from pmo.lib.forms import Form, ModelForm
from pmo.models import User


class ProfileForm(ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "email", "department", "preferred_language"]


class LanguageForm(Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)
