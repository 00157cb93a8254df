"""REST API of customers and projects: the same selectors, services and object rules as the pages."""

from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from pmo.lib.api import CreatePermission, ScopedObjectMixin, service_call
from pmo.models import User
from projects import selectors, services
from projects.filters import CustomerFilter, ProjectFilter
from projects.models import Customer, Project


class CustomerSerializer(serializers.ModelSerializer):
    project_count = serializers.SerializerMethodField()

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "vat_number",
            "street",
            "postal_code",
            "city",
            "country",
            "language",
            "is_active",
            "created_at",
            "project_count",
        ]
        read_only_fields = ["created_at"]

    def get_project_count(self, customer: Customer) -> int | None:
        """Projects of this customer the caller may see (lists only)."""
        return getattr(customer, "project_count", None)


class ProjectSerializer(serializers.ModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    project_manager = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), allow_null=True, required=False
    )
    support_officer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), allow_null=True, required=False
    )
    account_manager = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "description",
            "customer",
            "customer_name",
            "project_manager",
            "support_officer",
            "account_manager",
            "contract_value",
            "budget",
            "level",
            "phase",
            "start_date",
            "end_date",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["code", "level", "phase", "created_at", "updated_at"]


class CustomerViewSet(
    ScopedObjectMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Customers; everyone reads them, sales and the PMO create and change them."""

    serializer_class = CustomerSerializer
    permission_classes = [IsAuthenticated, CreatePermission]
    create_perm = "projects.add_customer"
    object_getter = staticmethod(selectors.customer_get_for_user)
    filterset_class = CustomerFilter
    ordering_fields = ["name", "city", "created_at"]
    ordering = ["name", "pk"]

    def get_queryset(self) -> QuerySet[Customer]:
        if getattr(self, "swagger_fake_view", False):
            return Customer.objects.none()
        return selectors.customer_list_for_user(user=self.request.user)

    def perform_create(self, serializer) -> None:
        serializer.instance = service_call(
            services.customer_create, actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer) -> None:
        serializer.instance = service_call(
            services.customer_update,
            customer=serializer.instance,
            actor=self.request.user,
            **serializer.validated_data,
        )


class ProjectViewSet(
    ScopedObjectMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Projects the caller may see; the phase moves only through the gates of the web pages."""

    serializer_class = ProjectSerializer
    permission_classes = [IsAuthenticated, CreatePermission]
    create_perm = "projects.add_project"
    object_getter = staticmethod(selectors.project_get_for_user)
    filterset_class = ProjectFilter
    ordering_fields = ["code", "name", "customer__name", "phase", "level", "budget", "start_date", "end_date"]
    ordering = ["-code", "-pk"]

    def get_queryset(self) -> QuerySet[Project]:
        if getattr(self, "swagger_fake_view", False):
            return Project.objects.none()
        return selectors.project_list_for_user(user=self.request.user)

    def perform_create(self, serializer) -> None:
        serializer.instance = service_call(
            services.project_create, actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer) -> None:
        serializer.instance = service_call(
            services.project_update,
            project=serializer.instance,
            actor=self.request.user,
            **serializer.validated_data,
        )
