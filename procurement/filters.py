import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from pmo.lib.forms import DateInput
from pmo.lib.search_select import OptionSource, SearchSelect, bind_search_selects, register_option_source
from procurement.models import (
    CostCategory,
    EInvoice,
    EInvoiceStatus,
    PurchaseOrder,
    PurchaseOrderStatus,
    Supplier,
)
from procurement.selectors.orders import purchase_order_search_keys

# Hundreds of suppliers at scale: the order list's filter searches them instead of listing them.
register_option_source(
    OptionSource("suppliers", lambda user: Supplier.objects.order_by("name", "pk"), ("name", "vat_number"))
)


class PurchaseOrderFilter(django_filters.FilterSet):
    """The filters of the order list, shared by the CSV and XLSX exports."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=PurchaseOrderStatus.choices, label=_("Status"))
    project = django_filters.CharFilter(method="filter_project", label=_("Project code"))
    supplier = django_filters.ModelChoiceFilter(
        queryset=Supplier.objects.all(), label=_("Supplier"), widget=SearchSelect(source="suppliers")
    )
    category = django_filters.ModelChoiceFilter(
        queryset=CostCategory.objects.all(), method="filter_category", label=_("Cost category")
    )
    created_after = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("From")
    )
    created_before = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("To")
    )

    class Meta:
        model = PurchaseOrder
        fields = ["q", "status", "project", "supplier", "category", "created_after", "created_before"]

    @property
    def form(self):
        form = super().form
        return bind_search_selects(form, user=getattr(self.request, "user", None))

    def search(self, queryset, name, value):
        return queryset.filter(pk__in=purchase_order_search_keys(search=value))

    def filter_project(self, queryset, name, value):
        return queryset.filter(project__code__iexact=value.strip())

    @extend_schema_field(OpenApiTypes.INT)  # the API takes the category's id
    def filter_category(self, queryset, name, value):
        return queryset.filter(
            pk__in=PurchaseOrder.objects.filter(lines__budget_line__category=value).values("pk")
        )


class EInvoiceFilter(django_filters.FilterSet):
    """The inbox filters: state, supplier (ours, or the name in the document), received between two dates."""

    status = django_filters.ChoiceFilter(choices=EInvoiceStatus.choices, label=_("Status"))
    supplier = django_filters.CharFilter(method="filter_supplier", label=_("Supplier"))
    received_after = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__gte", label=_("Received from"), widget=DateInput
    )
    received_before = django_filters.DateFilter(
        field_name="received_at", lookup_expr="date__lte", label=_("Received until"), widget=DateInput
    )

    class Meta:
        model = EInvoice
        fields = ["status", "supplier", "received_after", "received_before"]

    def filter_supplier(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(supplier__name__icontains=value)
            | Q(supplier_name__icontains=value)
            | Q(supplier_vat__iexact=value)
        )


# Requisitions and requests for quotation (issue 16, branch feature/tenders).
from procurement.models import (  # noqa: E402
    PurchaseRequisition,
    RequestForQuotation,
    RequisitionStatus,
    RfqStatus,
)


class RequisitionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=RequisitionStatus.choices, label=_("Status"))
    project = django_filters.CharFilter(method="filter_project", label=_("Project code"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Mine only"))
    needed_before = django_filters.DateFilter(field_name="needed_by", lookup_expr="lte", label=_("Needed by"))

    class Meta:
        model = PurchaseRequisition
        fields = ["q", "status", "project", "mine", "needed_before"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(description__icontains=value))

    def filter_project(self, queryset, name, value):
        return queryset.filter(project__code__iexact=value.strip())

    def filter_mine(self, queryset, name, value):
        return queryset.filter(requester=self.request.user) if value and self.request else queryset


class RfqFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=RfqStatus.choices, label=_("Status"))
    project = django_filters.CharFilter(method="filter_project", label=_("Project code"))

    class Meta:
        model = RequestForQuotation
        fields = ["q", "status", "project"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value))

    def filter_project(self, queryset, name, value):
        return queryset.filter(project__code__iexact=value.strip())
