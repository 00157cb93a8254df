"""REST API of the connectors: runs and their failures, and what Dynamics 365 gave us (read-only)."""

from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.lib.api import StrictModelSerializer, StrictSerializer, request_user, service_call
from pmo.roles import Role
from procurement.rules import MONEY_READERS
from projects.api import IntakeSerializer
from projects.selectors import intake_template_list
from reporting.connectors import permissions  # noqa: F401  (registers the permissions)
from reporting.connectors.opportunities import intake_create_from_opportunity
from reporting.models import D365Actual, D365Opportunity, D365PurchaseOrder, SyncFailure, SyncRun
from reporting.models.connectors import D365Record

# Who prepares intakes from opportunities.
OPPORTUNITY_READERS = (Role.SALES, Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.ADMINISTRATOR)


class SyncFailureSerializer(StrictModelSerializer):
    class Meta:
        model = SyncFailure
        fields = ["id", "entity", "reference", "http_status", "message", "created_at"]
        read_only_fields = fields


class SyncRunSerializer(StrictModelSerializer):
    class Meta:
        model = SyncRun
        fields = [
            "id",
            "connector",
            "direction",
            "status",
            "is_dry_run",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "created_count",
            "updated_count",
            "skipped_count",
            "failed_count",
            "error",
            "details",
        ]
        read_only_fields = fields


class SyncRunDetailSerializer(SyncRunSerializer):
    failures = SyncFailureSerializer(many=True, read_only=True)

    class Meta(SyncRunSerializer.Meta):
        fields = [*SyncRunSerializer.Meta.fields, "failures"]
        read_only_fields = fields


class SyncRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Connector runs with their counts; one run with each failure and the remote's message."""

    filterset_fields = ["connector", "status", "direction"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-pk"]

    def get_serializer_class(self):
        return SyncRunDetailSerializer if self.action == "retrieve" else SyncRunSerializer

    def get_queryset(self) -> QuerySet[SyncRun]:
        if getattr(self, "swagger_fake_view", False):
            return SyncRun.objects.none()
        if not self.request.user.has_perm("reporting.view_syncrun"):
            raise PermissionDenied
        if self.action == "retrieve":
            return SyncRun.objects.prefetch_related("failures")
        return SyncRun.objects.all()


class D365OpportunitySerializer(StrictModelSerializer):
    class Meta:
        model = D365Opportunity
        fields = [
            "id",
            "remote_id",
            "name",
            "account_name",
            "account_id",
            "estimated_value",
            "estimated_close_date",
            "state",
            "description",
            "modified_on",
        ]
        read_only_fields = fields


class IntakeFromOpportunitySerializer(StrictSerializer):
    template = serializers.SlugRelatedField(slug_field="code", queryset=intake_template_list())


class D365OpportunityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Opportunities pulled from Dynamics 365, to pre-fill an intake (sales and the PMO)."""

    serializer_class = D365OpportunitySerializer
    filterset_fields = ["state"]
    ordering_fields = ["modified_on", "estimated_close_date", "estimated_value", "name"]
    ordering = ["-modified_on", "pk"]

    def get_queryset(self) -> QuerySet[D365Opportunity]:
        if getattr(self, "swagger_fake_view", False) or not request_user(self.request).has_role(
            *OPPORTUNITY_READERS
        ):
            return D365Opportunity.objects.none()
        return D365Opportunity.objects.all()

    @extend_schema(request=IntakeFromOpportunitySerializer, responses={201: IntakeSerializer})
    @action(detail=True, methods=["post"])
    def intake(self, request: Request, pk=None):
        """Start a draft intake pre-filled from this opportunity (sales)."""
        if not request.user.has_perm("projects.add_intake"):
            raise PermissionDenied
        opportunity = self.get_object()
        serializer = IntakeFromOpportunitySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        intake = service_call(
            intake_create_from_opportunity,
            opportunity=opportunity,
            template=serializer.validated_data["template"],
            actor=request.user,
        )
        return Response(
            IntakeSerializer(intake, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


def _money_scope(user) -> Q | None:
    """The projects whose money the user sees (procurement.view_money), as a filter; None: nothing."""
    if user.has_role(*MONEY_READERS):
        return Q()
    if user.has_role(Role.PROJECT_MANAGER):
        return Q(project__project_manager=user) | Q(project__support_officer=user)
    return None


class D365ActualSerializer(StrictModelSerializer):
    class Meta:
        model = D365Actual
        fields = [
            "id",
            "remote_id",
            "project",
            "project_reference",
            "description",
            "document_date",
            "quantity",
            "amount",
            "transaction_type",
            "classification",
            "modified_on",
        ]
        read_only_fields = fields


class D365PurchaseOrderSerializer(StrictModelSerializer):
    class Meta:
        model = D365PurchaseOrder
        fields = [
            "id",
            "remote_id",
            "number",
            "project",
            "project_reference",
            "vendor_name",
            "status",
            "approval_status",
            "amount",
            "expected_date",
            "modified_on",
        ]
        read_only_fields = fields


class MoneyScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    model: type[D365Record] = D365Actual
    filterset_fields = ["project"]

    def get_queryset(self) -> QuerySet:
        scope = _money_scope(self.request.user) if not getattr(self, "swagger_fake_view", False) else None
        if scope is None:
            return self.model._default_manager.none()
        return self.model._default_manager.filter(scope)


class D365ActualViewSet(MoneyScopedViewSet):
    """Cost actuals pulled from Dynamics 365, on the projects whose money the caller sees."""

    model = D365Actual
    serializer_class = D365ActualSerializer
    ordering_fields = ["document_date", "amount"]
    ordering = ["-document_date", "pk"]


class D365PurchaseOrderViewSet(MoneyScopedViewSet):
    """Purchase orders raised in Dynamics 365 for our projects."""

    model = D365PurchaseOrder
    serializer_class = D365PurchaseOrderSerializer
    ordering_fields = ["modified_on", "amount", "number"]
    ordering = ["-modified_on", "pk"]
