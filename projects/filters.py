import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pmo.lib.search_select import OptionSource, SearchSelect, bind_search_selects, register_option_source
from pmo.roles import Role
from pmo.selectors import user_list_with_role
from projects.models import Customer, Level, Phase, Project

# Hundreds of customers and project managers at scale: the filters search them instead of listing them.
register_option_source(
    OptionSource("customers", lambda user: Customer.objects.order_by("name", "pk"), ("name",))
)
register_option_source(
    OptionSource(
        "project-managers",
        lambda user: user_list_with_role(role=Role.PROJECT_MANAGER),
        ("display_name", "first_name", "last_name", "username"),
    )
)


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    phase = django_filters.ChoiceFilter(choices=Phase.choices, label=_("Phase"))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Level"))
    project_manager = django_filters.ModelChoiceFilter(
        queryset=lambda request: user_list_with_role(role=Role.PROJECT_MANAGER),
        label=_("Project manager"),
        widget=SearchSelect(source="project-managers"),
    )
    customer = django_filters.ModelChoiceFilter(
        queryset=Customer.objects.all(), label=_("Customer"), widget=SearchSelect(source="customers")
    )

    class Meta:
        model = Project
        fields = ["q", "phase", "level", "project_manager", "customer"]

    @property
    def form(self):
        form = super().form
        return bind_search_selects(form, user=getattr(self.request, "user", None))

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
