import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pmo.roles import Role
from pmo.selectors import user_list_with_role
from projects.models import Customer, Level, Phase, Project


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    phase = django_filters.ChoiceFilter(choices=Phase.choices, label=_("Phase"))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Level"))
    project_manager = django_filters.ModelChoiceFilter(
        queryset=lambda request: user_list_with_role(role=Role.PROJECT_MANAGER), label=_("Project manager")
    )
    customer = django_filters.ModelChoiceFilter(queryset=Customer.objects.all(), label=_("Customer"))

    class Meta:
        model = Project
        fields = ["q", "phase", "level", "project_manager", "customer"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(customer__name__icontains=value)
        )


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    language = django_filters.ChoiceFilter(
        choices=Customer._meta.get_field("language").choices, label=_("Language")
    )
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Customer
        fields = ["q", "language", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(vat_number__icontains=value) | Q(city__icontains=value)
        )
