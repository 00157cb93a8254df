from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils import translation

from pmo.lib.forms import Form, ModelForm
from pmo.models import User


class ProfileForm(ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "email", "department", "preferred_language"]


class LanguageForm(Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form; the email is written in the language the user chose, not the requester's."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        with translation.override(context["user"].preferred_language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
