from django import forms
from django.utils.translation import gettext_lazy as _

from pmo.lib.forms import DateInput, ModelForm, model_choice
from pmo.lib.identifiers import normalize_eu_vat
from pmo.roles import Role
from pmo.selectors import user_list_with_role
from projects.models import Customer, CustomerContact, ProgressMethod, Project
from projects.services.core import PROJECT_FIELDS


class CustomerForm(ModelForm):
    class Meta:
        model = Customer
        fields = ["name", "vat_number", "street", "postal_code", "city", "country", "language", "is_active"]

    def clean(self):
        cleaned = super().clean()
        value = (cleaned.get("vat_number") or "").strip()
        if value:
            try:
                cleaned["vat_number"] = normalize_eu_vat(value, cleaned.get("country") or "BE")
            except forms.ValidationError as error:
                self.add_error("vat_number", error)
        return cleaned


class CustomerContactForm(ModelForm):
    class Meta:
        model = CustomerContact
        fields = ["name", "function", "email", "phone", "language"]


class ProjectForm(ModelForm):
    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"budget": _("The Level follows from the budget: Level 1 up to 250.000,00 EUR.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "customer").queryset = Customer.objects.filter(is_active=True)
        model_choice(self, "project_manager").queryset = user_list_with_role(role=Role.PROJECT_MANAGER)
        model_choice(self, "support_officer").queryset = user_list_with_role(role=Role.PM_SUPPORT)
        model_choice(self, "account_manager").queryset = user_list_with_role(role=Role.SALES)
        # A post without the choice (older clients, scripts) keeps the project's method.
        self.fields["progress_method"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("progress_method"):
            cleaned["progress_method"] = self.instance.progress_method or ProgressMethod.MANUAL
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned
