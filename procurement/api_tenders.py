"""REST API of purchase requisitions (read, request, accept, return, reject) and requests for quotation
(read, with their lines, invited suppliers and quote totals). Reads go through the selectors, changes
through the services: a token sees and does what its user could on the pages."""

from decimal import Decimal

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated

from pmo.lib.api import (
    CallerScopedField,
    CreatePermission,
    ScopedListMixin,
    ScopedObjectMixin,
    StrictModelSerializer,
    StrictSerializer,
    service_call,
)
from pmo.models import User
from procurement.filters import RequisitionFilter, RfqFilter
from procurement.models import (
    BudgetLine,
    PurchaseRequisition,
    RequestForQuotation,
    RfqInvitation,
    RfqLine,
    Supplier,
)
from procurement.selectors import tenders as selectors
from procurement.services import requisitions as services
from projects.models import Project
from projects.selectors import projects_on_team_of


class RequisitionSerializer(StrictModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    order_number = serializers.CharField(
        source="order_line.order.number", read_only=True, default=None, allow_null=True
    )
    order_status = serializers.CharField(
        source="order_line.order.status", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = PurchaseRequisition
        fields = [
            "id",
            "number",
            "project",
            "project_code",
            "requester",
            "status",
            "description",
            "quantity",
            "unit",
            "estimated_unit_price",
            "needed_by",
            "suggested_supplier",
            "budget_line",
            "justification",
            "review_reason",
            "order_line",
            "order_number",
            "order_status",
            "created_at",
        ]
        read_only_fields = fields


def _caller_projects(user: User) -> QuerySet[Project]:
    return projects_on_team_of(user=user)


def _caller_budget_lines(user: User) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(project__in=_caller_projects(user))


class RequisitionCreateSerializer(StrictSerializer):
    """A requisition on a project the caller works on (attachments go through the page)."""

    # The querysets tell the schema what the ids point to; get_queryset() narrows them to the caller's.
    project = CallerScopedField(scope=_caller_projects, queryset=Project.objects.none())
    description = serializers.CharField(max_length=300)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=Decimal("0.001"))
    unit = serializers.CharField(max_length=20, default="pcs")
    estimated_unit_price = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, default=Decimal("0.00")
    )
    needed_by = serializers.DateField()
    suggested_supplier = serializers.PrimaryKeyRelatedField(
        queryset=Supplier.objects.filter(is_blocked=False), allow_null=True, default=None
    )
    budget_line = CallerScopedField(
        scope=_caller_budget_lines, queryset=BudgetLine.objects.none(), allow_null=True, default=None
    )
    justification = serializers.CharField(allow_blank=True, default="")


class ReasonSerializer(StrictSerializer):
    reason = serializers.CharField()


class RequisitionViewSet(
    ScopedObjectMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Purchase requisitions the caller may see: requested by the team, reviewed by the PMO or the PM."""

    permission_classes = [IsAuthenticated, CreatePermission]
    create_perm = "procurement.add_purchaserequisition"
    queryset = PurchaseRequisition.objects.none()
    list_selector = staticmethod(selectors.requisition_list_for_user)
    object_getter = staticmethod(selectors.requisition_get_for_user)
    detail_serializer_class = RequisitionSerializer
    filterset_class = RequisitionFilter
    ordering_fields = ["number", "status", "needed_by", "created_at"]
    ordering = ["-number", "-pk"]

    def get_serializer_class(self):
        if self.action == "create":
            return RequisitionCreateSerializer
        if self.action in ("return_", "reject"):
            return ReasonSerializer
        return RequisitionSerializer

    @extend_schema(request=RequisitionCreateSerializer, responses={201: RequisitionSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        requisition = service_call(
            services.requisition_submit, actor=request.user, **serializer.validated_data
        )
        return self.detail_response(requisition.pk, status=201)

    @extend_schema(request=None, responses=RequisitionSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept a submitted requisition (the PMO or the project's PM)."""
        requisition = self.scoped_object(pk)
        service_call(services.requisition_accept, requisition=requisition, actor=request.user)
        return self.detail_response(requisition.pk)

    @extend_schema(request=ReasonSerializer, responses=RequisitionSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Return a submitted requisition to its requester with what to change."""
        requisition = self.scoped_object(pk)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service_call(
            services.requisition_return,
            requisition=requisition,
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        return self.detail_response(requisition.pk)

    @extend_schema(request=ReasonSerializer, responses=RequisitionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject a requisition with a reason."""
        requisition = self.scoped_object(pk)
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service_call(
            services.requisition_reject,
            requisition=requisition,
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        return self.detail_response(requisition.pk)


class RfqLineSerializer(StrictModelSerializer):
    class Meta:
        model = RfqLine
        fields = ["id", "position", "description", "quantity", "unit", "budget_line", "requisition"]
        read_only_fields = fields


class RfqInvitationSerializer(StrictModelSerializer):
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    is_vca_valid = serializers.BooleanField(source="supplier.is_vca_valid", read_only=True)
    has_quoted = serializers.SerializerMethodField()
    quote_total = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, allow_null=True)

    class Meta:
        model = RfqInvitation
        fields = [
            "id",
            "supplier",
            "supplier_name",
            "is_vca_valid",
            "emailed_at",
            "has_quoted",
            "quote_total",
        ]
        read_only_fields = fields

    def get_has_quoted(self, invitation) -> bool:
        return hasattr(invitation, "quote")


class RfqSerializer(StrictModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    invited_count = serializers.IntegerField(read_only=True)
    quote_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = RequestForQuotation
        fields = [
            "id",
            "number",
            "project",
            "project_code",
            "title",
            "status",
            "deadline",
            "price_weight",
            "delivery_weight",
            "quality_weight",
            "invited_count",
            "quote_count",
            "purchase_order",
            "award_justification",
            "created_at",
        ]
        read_only_fields = fields


class RfqDetailSerializer(RfqSerializer):
    lines = serializers.SerializerMethodField()
    invitations = serializers.SerializerMethodField()

    class Meta(RfqSerializer.Meta):
        fields = [*RfqSerializer.Meta.fields, "lines", "invitations"]
        read_only_fields = fields

    @extend_schema_field(RfqLineSerializer(many=True))
    def get_lines(self, rfq) -> list:
        return [RfqLineSerializer(line).data for line in rfq.lines.order_by("position", "pk")]

    @extend_schema_field(RfqInvitationSerializer(many=True))
    def get_invitations(self, rfq) -> list:
        return [RfqInvitationSerializer(invitation).data for invitation in selectors.rfq_invitations(rfq=rfq)]


class RfqViewSet(ScopedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Requests for quotation the caller may see, with their lines, invited suppliers and quote totals."""

    queryset = RequestForQuotation.objects.none()
    list_selector = staticmethod(selectors.rfq_list_for_user)
    filterset_class = RfqFilter
    ordering_fields = ["number", "status", "deadline", "created_at"]
    ordering = ["-number", "-pk"]

    def get_serializer_class(self):
        return RfqSerializer if self.action == "list" else RfqDetailSerializer
