"""Input of the registers: entry forms, reason forms, and the list filters."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pmo.lib.forms import DateInput, Form, ModelForm, model_choice
from pmo.lib.search_select import OptionSource, SearchSelect, bind_search_selects, register_option_source
from pmo.models import User
from projects import hooks
from projects.models import (
    Action,
    ChangeRequest,
    Decision,
    Issue,
    Lesson,
    Proximity,
    Risk,
    RiskCategory,
    RiskResponse,
)
from projects.models.registers import RegisterEntry
from projects.services.registers import RISK_FIELDS

SCALE_CHOICES = [(level, str(level)) for level in range(1, 6)]


def _people() -> QuerySet[User]:
    return User.objects.filter(is_active=True).order_by("display_name", "username")


class RegisterEntryForm(ModelForm):
    """Chooses people among active users and links only among the same project's entries."""

    person_fields: tuple[str, ...] = ()
    link_fields: dict[str, type[RegisterEntry]] = {}

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.person_fields:
            model_choice(self, name).queryset = _people()
        for name, model in self.link_fields.items():
            entries = model._default_manager.filter(project=project)
            model_choice(self, name).queryset = entries.order_by("number")


class RiskForm(RegisterEntryForm):
    person_fields = ("owner", "actionee")

    class Meta:
        model = Risk
        fields = RISK_FIELDS
        widgets = {
            "cause": forms.Textarea(attrs={"rows": 2}),
            "event": forms.Textarea(attrs={"rows": 2}),
            "effect": forms.Textarea(attrs={"rows": 2}),
            "response": forms.Textarea(attrs={"rows": 3}),
            "probability": forms.Select(choices=SCALE_CHOICES),
            "impact": forms.Select(choices=SCALE_CHOICES),
            "residual_probability": forms.Select(choices=SCALE_CHOICES),
            "residual_impact": forms.Select(choices=SCALE_CHOICES),
            "review_date": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "category").queryset = RiskCategory.objects.filter(is_active=True)


class IssueForm(RegisterEntryForm):
    person_fields = ("raised_by", "owner")

    class Meta:
        model = Issue
        fields = [
            "title",
            "issue_type",
            "priority",
            "severity",
            "raised_by",
            "owner",
            "description",
            "impact_analysis",
            "decision",
            "resolution",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in ("description", "impact_analysis")} | {
            name: forms.Textarea(attrs={"rows": 2}) for name in ("decision", "resolution")
        }


class ChangeRequestForm(RegisterEntryForm):
    person_fields = ("requested_by",)

    class Meta:
        model = ChangeRequest
        fields = [
            "title",
            "description",
            "justification",
            "requested_by",
            "cost_impact",
            "cost_category",
            "is_billable",
            "price_impact",
            "time_impact_days",
            "scope_added",
            "scope_removed",
            "risk_impact",
            "quality_impact",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in (
                "description",
                "justification",
                "scope_added",
                "scope_removed",
                "risk_impact",
                "quality_impact",
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cost_category"] = forms.ChoiceField(
            label=_("Budget category"),
            choices=hooks.budget.category_choices(),  # the budget lines' categories live in procurement
            initial="contingency",
            help_text=_("The budget line the cost impact goes to."),
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("is_billable") and cleaned.get("price_impact"):
            self.add_error("price_impact", _("Only a billable change has a price to the customer."))
        return cleaned


class DecisionForm(RegisterEntryForm):
    person_fields = ("decided_by",)
    link_fields = {"risk": Risk, "issue": Issue, "change_request": ChangeRequest}

    class Meta:
        model = Decision
        fields = [
            "title",
            "description",
            "decided_by",
            "decision_body",
            "decided_on",
            "alternatives",
            "rationale",
            "raised_in",
            "risk",
            "issue",
            "change_request",
        ]
        widgets = {
            "decided_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "alternatives": forms.Textarea(attrs={"rows": 2}),
            "rationale": forms.Textarea(attrs={"rows": 2}),
        }


class ActionForm(RegisterEntryForm):
    person_fields = ("owner",)
    link_fields = {"risk": Risk, "issue": Issue, "change_request": ChangeRequest, "decision": Decision}

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "owner",
            "due_date",
            "raised_in",
            "risk",
            "issue",
            "change_request",
            "decision",
        ]
        widgets = {"due_date": DateInput(), "description": forms.Textarea(attrs={"rows": 3})}


class LessonForm(RegisterEntryForm):
    class Meta:
        model = Lesson
        fields = ["title", "kind", "category", "what_happened", "recommendation"]
        widgets = {
            "what_happened": forms.Textarea(attrs={"rows": 3}),
            "recommendation": forms.Textarea(attrs={"rows": 3}),
        }


class ReasonForm(Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class OptionalReasonForm(Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class StatusForm(Form):
    status = forms.CharField(max_length=20)
    reason = forms.CharField(required=False, max_length=2000)


# Filters --------------------------------------------------------------------------------------


# Hundreds of active users at scale: the owner filters search them instead of listing every one.
register_option_source(
    OptionSource("people", lambda user: _people(), ("display_name", "first_name", "last_name", "username"))
)


class SearchFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    search_fields: tuple[str, ...] = ("title",)

    @property
    def form(self):
        form = super().form
        return bind_search_selects(form, user=getattr(self.request, "user", None))

    def search(self, queryset, name, value):
        query = Q()
        for field in self.search_fields:
            query |= Q(**{f"{field}__icontains": value})
        if value.strip().isdigit():
            query |= Q(number=int(value.strip()))
        return queryset.filter(query)


def _owner_filter():
    return django_filters.ModelChoiceFilter(
        queryset=_people(), label=_("Owner"), widget=SearchSelect(source="people")
    )


class RiskFilter(SearchFilterSet):
    search_fields = ("title", "cause", "event", "effect")
    status = django_filters.ChoiceFilter(choices=Risk.Status.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=Risk.Kind.choices, label=_("Threat or opportunity"))
    category = django_filters.ModelChoiceFilter(queryset=RiskCategory.objects.all(), label=_("Category"))
    proximity = django_filters.ChoiceFilter(choices=Proximity.choices, label=_("Proximity"))
    response_category = django_filters.ChoiceFilter(choices=RiskResponse.choices, label=_("Response"))
    owner = _owner_filter()
    min_score = django_filters.NumberFilter(
        field_name="residual_score", lookup_expr="gte", label=_("Score from")
    )
    # A heat-map cell: ?basis=residual&p=4&i=3
    p = django_filters.NumberFilter(method="cell", label=_("Probability"))
    i = django_filters.NumberFilter(method="cell", label=_("Impact"))

    class Meta:
        model = Risk
        fields = ["q", "status", "kind", "category", "proximity", "response_category", "owner", "min_score"]

    def cell(self, queryset, name, value):
        inherent = self.data.get("basis") == "inherent"
        field = {"p": "probability", "i": "impact"}[name]
        return queryset.filter(**{field if inherent else f"residual_{field}": value})


class IssueFilter(SearchFilterSet):
    search_fields = ("title", "description")
    status = django_filters.ChoiceFilter(choices=Issue.Status.choices, label=_("Status"))
    issue_type = django_filters.ChoiceFilter(choices=Issue.Type.choices, label=_("Type"))
    priority = django_filters.ChoiceFilter(choices=Issue.Priority.choices, label=_("Priority"))
    severity = django_filters.ChoiceFilter(choices=Issue.Severity.choices, label=_("Severity"))
    owner = _owner_filter()

    class Meta:
        model = Issue
        fields = ["q", "status", "issue_type", "priority", "severity", "owner"]


class ChangeRequestFilter(SearchFilterSet):
    search_fields = ("title", "description", "justification")
    status = django_filters.ChoiceFilter(choices=ChangeRequest.Status.choices, label=_("Status"))
    is_billable = django_filters.BooleanFilter(label=_("Billable"))

    class Meta:
        model = ChangeRequest
        fields = ["q", "status", "is_billable"]


class DecisionFilter(SearchFilterSet):
    search_fields = ("title", "description", "decision_body")
    decided_after = django_filters.DateFilter(
        field_name="decided_on", lookup_expr="gte", label=_("Decided from"), widget=DateInput()
    )

    class Meta:
        model = Decision
        fields = ["q", "decided_after"]


class ActionFilter(SearchFilterSet):
    search_fields = ("title", "description", "raised_in")
    status = django_filters.ChoiceFilter(choices=Action.Status.choices, label=_("Status"))
    owner = _owner_filter()
    overdue = django_filters.BooleanFilter(
        method="only_overdue", label=_("Overdue only"), widget=forms.CheckboxInput
    )

    class Meta:
        model = Action
        fields = ["q", "status", "owner", "overdue"]

    def only_overdue(self, queryset, name, value):
        if value:
            return queryset.filter(status__in=Action.OPEN_STATUSES, due_date__lt=timezone.localdate())
        return queryset


class LessonFilter(SearchFilterSet):
    search_fields = ("title", "what_happened", "recommendation", "project__name", "project__code")
    kind = django_filters.ChoiceFilter(choices=Lesson.Kind.choices, label=_("Repeat or avoid"))
    category = django_filters.ChoiceFilter(choices=Lesson.Category.choices, label=_("Category"))

    class Meta:
        model = Lesson
        fields = ["q", "kind", "category"]
