from django import forms
from django.utils.translation import gettext_lazy as _

from pmo.lib.forms import DateInput, DecimalField, Form, ModelForm, model_choice
from pmo.models import User
from pmo.roles import Role
from pmo.selectors import user_list_with_role
from projects.models import Customer, DocumentCategory, Intake, IntakeTemplate
from projects.services.intake import INTAKE_FIELDS


class IntakeForm(ModelForm):
    class Meta:
        model = Intake
        fields = INTAKE_FIELDS
        widgets = {
            "requested_start": DateInput(),
            "requested_end": DateInput(),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in (
                    "scope_summary",
                    "in_scope",
                    "out_of_scope",
                    "site_addresses",
                    "customer_contacts",
                    "initial_risks",
                )
            },
        }

    # The form's sections, in the order a salesperson fills them in.
    SECTIONS = (
        (_("Customer"), ("customer", "new_customer_name", "new_customer_vat", "opportunity_reference")),
        (_("Commercial"), ("template", "title", "sold_value", "cost_estimate")),
        (
            _("Scope and site"),
            ("scope_summary", "in_scope", "out_of_scope", "site_addresses", "initial_risks"),
        ),
        (_("Dates"), ("requested_start", "requested_end")),
        (_("Contacts"), ("customer_contacts",)),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.templates = IntakeTemplate.objects.filter(is_active=True)
        model_choice(self, "template").queryset = self.templates
        model_choice(self, "customer").queryset = Customer.objects.filter(is_active=True)
        self.fields["customer"].required = False
        self.template_choice = self._chosen_template(self.templates)
        # Required before submission, not before a save: marked, never enforced here.
        required = set(self.template_choice.required_fields) if self.template_choice else set()
        for name in required & set(self.fields):
            self.fields[name].widget.attrs["data-template-required"] = "true"

    def _chosen_template(self, templates):
        value = self.data.get("template") if self.is_bound else self.initial.get("template")
        if value in (None, "") and self.instance.pk:
            return self.instance.template
        return next((template for template in templates if str(template.pk) == str(value)), None)

    def sections(self):
        """(title, [(bound field, required by the chosen project type)]) per section."""
        required = set(self.template_choice.required_fields) if self.template_choice else set()
        return [(title, [(self[name], name in required) for name in names]) for title, names in self.SECTIONS]

    def attachment_labels(self) -> list[str]:
        """The attachments the chosen project type requires, by their names."""
        if self.template_choice is None:
            return []
        return self.template_requirements()[str(self.template_choice.pk)]["attachments"]

    def template_requirements(self) -> dict:
        """Per active project type, the fields and attachments it requires (the page marks them)."""
        labels = dict(DocumentCategory.choices)
        return {
            str(template.pk): {
                "fields": list(template.required_fields),
                "attachments": [str(labels.get(c, c)) for c in template.required_attachments],
            }
            for template in self.templates
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("requested_start"), cleaned.get("requested_end")
        if start and end and end < start:
            self.add_error("requested_end", _("The end date cannot be before the start date."))
        if cleaned.get("customer") and cleaned.get("new_customer_name"):
            self.add_error("new_customer_name", _("Choose an existing customer or name a new one, not both."))
        return cleaned


class ReasonForm(Form):
    reason = forms.CharField(label=_("Reason (sales will read it)"), widget=forms.Textarea(attrs={"rows": 3}))


class IntakeAcceptForm(Form):
    """One tick box per item of the template's review checklist."""

    def __init__(self, *args, intake: Intake, **kwargs):
        super().__init__(*args, **kwargs)
        for index, item in enumerate(intake.template.checklist_items()):
            self.fields[str(index)] = forms.BooleanField(label=item, required=False)


class IntakeConvertForm(Form):
    # Quoted: Django's form fields are generic only in the stubs.
    project_manager: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(
        label=_("Project manager"), queryset=None, required=False
    )
    support_officer: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(
        label=_("PM support officer"), queryset=None, required=False
    )
    budget = DecimalField(
        label=_("Budget"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text=_("Defaults to the cost estimate of the intake."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "project_manager").queryset = user_list_with_role(role=Role.PROJECT_MANAGER)
        model_choice(self, "support_officer").queryset = user_list_with_role(role=Role.PM_SUPPORT)
