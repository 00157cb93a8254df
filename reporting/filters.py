"""Filters of the portfolio dashboard."""

import django_filters
from django.utils.translation import gettext_lazy as _

from pmo.lib.search_select import SearchSelect, bind_search_selects
from pmo.roles import Role
from pmo.selectors import user_list_with_role
from projects.choices import Level, Phase
from projects.selectors.portfolio import customer_choices
from reporting.models import Rag

RAG_CHOICES = [*Rag.choices, ("none", _("No update yet"))]


class PortfolioFilter(django_filters.FilterSet):
    # Hundreds of managers and customers at scale: searched on demand (the sources are the project list's).
    project_manager = django_filters.ModelChoiceFilter(
        queryset=lambda request: user_list_with_role(role=Role.PROJECT_MANAGER),
        label=_("Project manager"),
        widget=SearchSelect(source="project-managers"),
    )
    customer = django_filters.ModelChoiceFilter(
        queryset=customer_choices(), label=_("Customer"), widget=SearchSelect(source="customers")
    )
    phase = django_filters.ChoiceFilter(choices=Phase.choices, label=_("Phase"))
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Level"))
    rag = django_filters.ChoiceFilter(choices=RAG_CHOICES, method="filter_rag", label=_("RAG"))

    @property
    def form(self):
        form = super().form
        return bind_search_selects(form, user=getattr(self.request, "user", None))

    def filter_rag(self, queryset, name, value):
        if value == "none":
            return queryset.filter(latest_rag__isnull=True)
        return queryset.filter(latest_rag=value)
