from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from pmo.lib.forms import Form, ModelForm
from pmo.lib.identifiers import normalize_enterprise_number
from pmo.lib.uploads import upload_check
from pmo.models import CompanyProfile, User
from pmo.services import COMPANY_PROFILE_FIELDS


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


class CompanyProfileForm(ModelForm):
    # Typed the way it is printed (0403.170.701); the service stores the 10 digits.
    enterprise_number = forms.CharField(
        label=_("enterprise number (KBO/BCE)"), max_length=14, help_text=_("10 digits, e.g. 0403.170.701.")
    )

    class Meta:
        model = CompanyProfile
        fields = COMPANY_PROFILE_FIELDS
        widgets = {
            field: forms.Textarea(attrs={"rows": 3}) for field in COMPANY_PROFILE_FIELDS if "terms" in field
        }

    def clean_enterprise_number(self) -> str:
        return normalize_enterprise_number(self.cleaned_data["enterprise_number"])

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload, not the stored file
            checked = upload_check(upload=logo, max_bytes=2 * 1024 * 1024)
            if checked.content_type not in ("image/png", "image/jpeg"):
                raise forms.ValidationError(_("The logo must be a PNG or JPEG image."))
        return logo


# Notifications (issue 16, branch feature/meetings).
class NotificationPreferencesForm(Form):
    """One choice of delivery per event."""

    def __init__(self, *args, initial_choices: dict[str, str], **kwargs):
        from pmo.models import NotificationDelivery, NotificationEvent

        super().__init__(*args, **kwargs)
        for event in NotificationEvent:
            self.fields[event.value] = forms.ChoiceField(
                label=event.label,
                choices=NotificationDelivery.choices,
                initial=initial_choices.get(event.value),
                widget=forms.RadioSelect,
            )
