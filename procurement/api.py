"""REST API of money: purchase orders (read, create, submit, approve, reject), budget lines, suppliers.

Every read goes through the procurement selectors and every change through its services, so a token
sees and does exactly what its user could on the pages.
"""

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.datastructures import MultiValueDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.parsers import BaseParser, DataAndFiles
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.lib.api import (
    CallerScopedField,
    CreatePermission,
    ScopedObjectMixin,
    StrictBooleanField,
    StrictModelSerializer,
    StrictSerializer,
    request_user,
    service_call,
)
from pmo.models import User
from pmo.roles import Role
from procurement import selectors, services
from procurement.filters import PurchaseOrderFilter
from procurement.models import (
    Approval,
    BudgetLine,
    EInvoice,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
    VatRate,
)
from procurement.rules import MONEY_READERS
from procurement.selectors.einvoices import finding_explained
from procurement.services.einvoices import EInvoiceRefused, einvoice_receive
from projects.models import Project
from projects.selectors import project_list_for_user


class PurchaseOrderLineSerializer(StrictModelSerializer):
    # Generated columns: declared so that they are strings with two places like every amount.
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    vat_amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = PurchaseOrderLine
        fields = [
            "id",
            "position",
            "description",
            "quantity",
            "unit",
            "unit_price",
            "vat_rate",
            "budget_line",
            "is_service",
            "amount",
            "vat_amount",
            "received_quantity",
            "invoiced_quantity",
        ]
        read_only_fields = fields


class ApprovalSerializer(StrictModelSerializer):
    approver_name = serializers.CharField(source="approver.__str__", read_only=True)

    class Meta:
        model = Approval
        fields = [
            "id",
            "approval_round",
            "approver",
            "approver_name",
            "role",
            "decision",
            "justification",
            "amount",
            "decided_at",
        ]
        read_only_fields = fields


class PurchaseOrderSerializer(StrictModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True, default=None, allow_null=True)
    supplier_name = serializers.CharField(source="supplier.name", read_only=True)
    total_excl = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    total_vat = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    total_incl = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = PurchaseOrder
        fields = [
            "id",
            "number",
            "project",
            "project_code",
            "supplier",
            "supplier_name",
            "requester",
            "status",
            "title",
            "delivery_address",
            "delivery_date",
            "notes",
            "awaiting_roles",
            "total_excl",
            "total_vat",
            "total_incl",
            "submitted_at",
            "approved_at",
            "created_at",
        ]
        read_only_fields = fields


class PurchaseOrderDetailSerializer(PurchaseOrderSerializer):
    lines = PurchaseOrderLineSerializer(many=True, read_only=True)
    approvals = ApprovalSerializer(many=True, read_only=True)

    class Meta(PurchaseOrderSerializer.Meta):
        fields = [*PurchaseOrderSerializer.Meta.fields, "lines", "approvals"]
        read_only_fields = fields


def _orderable_projects(user: User) -> QuerySet[Project]:
    """The projects the API caller may order for: all they see, or only their own without the
    permission to order anywhere."""
    projects = project_list_for_user(user=user)
    if not user.has_perm("procurement.add_purchaseorder_anywhere"):
        projects = projects.filter(project_manager=user)
    return projects


def _orderable_budget_lines(user: User) -> QuerySet[BudgetLine]:
    return BudgetLine.objects.filter(project__in=_orderable_projects(user))


class LineInputSerializer(StrictSerializer):
    description = serializers.CharField(max_length=300)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)
    unit = serializers.CharField(max_length=20, default="pcs")
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    vat_rate = serializers.ChoiceField(choices=VatRate.choices)
    budget_line = CallerScopedField(
        scope=_orderable_budget_lines, queryset=BudgetLine.objects.none(), allow_null=True
    )
    is_service = StrictBooleanField(default=False)


class PurchaseOrderCreateSerializer(StrictSerializer):
    """A draft order with its lines; the projects and budget lines offered are the caller's."""

    project = CallerScopedField(scope=_orderable_projects, queryset=Project.objects.none(), allow_null=True)
    supplier = serializers.PrimaryKeyRelatedField(queryset=Supplier.objects.filter(is_blocked=False))
    title = serializers.CharField(max_length=200)
    delivery_address = serializers.CharField(allow_blank=True, default="")
    delivery_date = serializers.DateField(allow_null=True, default=None)
    notes = serializers.CharField(allow_blank=True, default="")
    lines = LineInputSerializer(many=True, allow_empty=False)

    def validate_project(self, project):
        user = self.context["request"].user
        if project is None and not user.has_perm("procurement.add_purchaseorder_anywhere"):
            raise serializers.ValidationError(
                serializers.PrimaryKeyRelatedField.default_error_messages["required"]
            )
        return project


class DecisionSerializer(StrictSerializer):
    justification = serializers.CharField(allow_blank=True, default="")


class RejectionSerializer(StrictSerializer):
    reason = serializers.CharField()


class PurchaseOrderViewSet(
    ScopedObjectMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Purchase orders the caller may see; created as drafts, then submitted, approved or rejected."""

    permission_classes = [IsAuthenticated, CreatePermission]
    create_perm = "procurement.add_purchaseorder"
    queryset = PurchaseOrder.objects.none()
    list_selector = staticmethod(selectors.purchase_order_list_for_user)
    object_getter = staticmethod(selectors.purchase_order_get_for_user)
    detail_serializer_class = PurchaseOrderDetailSerializer
    filterset_class = PurchaseOrderFilter
    ordering_fields = ["number", "status", "created_at", "delivery_date", "total_excl"]
    ordering = ["-number", "-pk"]

    def get_serializer_class(self):
        if self.action == "create":
            return PurchaseOrderCreateSerializer
        if self.action == "list":
            return PurchaseOrderSerializer
        if self.action == "approve":
            return DecisionSerializer
        if self.action == "reject":
            return RejectionSerializer
        return PurchaseOrderDetailSerializer

    def get_object(self):
        order = super().get_object()
        if self.action == "retrieve":
            order = self.detail_object(order)
        return order

    def detail_object(self, order):
        lines = Prefetch("lines", queryset=PurchaseOrderLine.objects.order_by("position", "pk"))
        approvals = Prefetch("approvals", queryset=Approval.objects.select_related("approver").order_by("pk"))
        order.__dict__.pop("_prefetched_objects_cache", None)  # forget what the selector prefetched
        prefetch_related_objects([order], lines, approvals)
        return order

    @extend_schema(request=PurchaseOrderCreateSerializer, responses={201: PurchaseOrderDetailSerializer})
    def create(self, request: Request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        order = service_call(services.purchase_order_create, actor=request.user, **values)
        return self.detail_response(order.pk, status=201)

    @extend_schema(request=None, responses=PurchaseOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk=None):
        """Submit a draft for approval; the approval matrix decides who is asked."""
        order = self.get_object()
        service_call(services.purchase_order_submit, order=order, actor=request.user)
        return self.detail_response(order.pk)

    @extend_schema(request=DecisionSerializer, responses=PurchaseOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk=None):
        """Record the caller's approval (a justification when the matrix asks for one)."""
        order = self.scoped_object(pk)
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service_call(
            services.purchase_order_approve,
            order=order,
            approver=request.user,
            justification=serializer.validated_data["justification"],
        )
        return self.detail_response(order.pk)

    @extend_schema(request=RejectionSerializer, responses=PurchaseOrderDetailSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk=None):
        """Reject a submitted order with a reason."""
        order = self.scoped_object(pk)
        serializer = RejectionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        service_call(
            services.purchase_order_reject,
            order=order,
            approver=request.user,
            reason=serializer.validated_data["reason"],
        )
        return self.detail_response(order.pk)


class BudgetLineSerializer(StrictModelSerializer):
    category_code = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    committed = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    received_not_invoiced = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    actual = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    available = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = BudgetLine
        fields = [
            "id",
            "project",
            "category",
            "category_code",
            "category_name",
            "budget",
            "forecast",
            "committed",
            "received_not_invoiced",
            "actual",
            "available",
            "updated_at",
        ]
        read_only_fields = fields


class BudgetLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Budget lines with committed, actual and available amounts, where the caller sees the money."""

    serializer_class = BudgetLineSerializer
    filterset_fields = ["project", "category"]
    ordering_fields = ["project", "category__position", "budget"]
    ordering = ["project", "category__position", "pk"]

    def get_queryset(self) -> QuerySet[BudgetLine]:
        if getattr(self, "swagger_fake_view", False):
            return BudgetLine.objects.none()
        user = request_user(self.request)
        lines = BudgetLine.objects.select_related("category")
        if user.has_role(*MONEY_READERS):
            return selectors.budget_line_figures(lines)
        if not user.has_role(Role.PROJECT_MANAGER):
            return BudgetLine.objects.none()
        # procurement.view_money: a project manager sees the money of the projects they manage.
        managed = Q(project__project_manager=user) | Q(project__support_officer=user)
        return selectors.budget_line_figures(lines.filter(managed))


class SupplierSerializer(StrictModelSerializer):
    class Meta:
        model = Supplier
        fields = [
            "id",
            "name",
            "kind",
            "vat_number",
            "email",
            "city",
            "country",
            "language",
            "is_vca_certified",
            "vca_expires_on",
            "is_blocked",
        ]
        read_only_fields = fields


class SupplierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Suppliers and subcontractors (read); the money readers and project managers see them."""

    serializer_class = SupplierSerializer
    ordering_fields = ["name", "city"]
    ordering = ["name", "pk"]
    filterset_fields = ["kind", "is_blocked"]

    def get_queryset(self) -> QuerySet[Supplier]:
        if getattr(self, "swagger_fake_view", False) or not self.request.user.has_perm(
            "procurement.view_supplier"
        ):
            return Supplier.objects.none()
        return Supplier.objects.all()


MAX_UBL_BYTES = 10 * 1024 * 1024


class DocumentTooLarge(APIException):
    status_code = 413
    default_detail = "A UBL document is at most 10 MB."


class UBLParser(BaseParser):
    """The request body as the bytes of one UBL document (the rules read it, not DRF)."""

    media_type = "application/xml"

    def parse(self, stream, media_type=None, parser_context=None) -> DataAndFiles:
        # DRF takes raw data as well, but its stubs want a mapping or DataAndFiles; request.data is the bytes.
        data = stream.read(MAX_UBL_BYTES + 1) if stream is not None else b""
        if len(data) > MAX_UBL_BYTES:
            raise DocumentTooLarge
        return DataAndFiles(data, MultiValueDict())


class TextUBLParser(UBLParser):
    media_type = "text/xml"


class CanDeliverEInvoices(BasePermission):
    """The access point's account (model permission) or finance (rules)."""

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("procurement.deliver_einvoice")


class FindingSerializer(StrictSerializer):
    rule = serializers.CharField(help_text="The official rule id (EN 16931 or Peppol), e.g. BR-CO-15.")
    flag = serializers.ChoiceField(choices=["fatal", "warning"])
    text = serializers.CharField(help_text="The rule's own (English) text.")
    explanation = serializers.CharField(help_text="In plain words, in the account's language when known.")


class EInvoiceDeliveredSerializer(StrictModelSerializer):
    findings = serializers.SerializerMethodField(help_text="Warnings only: a fatal one refuses.")
    problems = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Why it is to resolve, in the caller's language.",
    )
    order_number = serializers.CharField(source="order.number", read_only=True, default=None, allow_null=True)
    payable_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )

    class Meta:
        model = EInvoice
        fields = [
            "id",
            "kind",
            "status",
            "number",
            "issue_date",
            "supplier",
            "order",
            "order_number",
            "payable_amount",
            "problems",
            "findings",
        ]
        read_only_fields = fields

    @extend_schema_field(FindingSerializer(many=True))
    def get_findings(self, einvoice: EInvoice) -> list[dict]:
        return [finding_explained(f) for f in einvoice.findings if f["flag"] != "fatal"]


class EInvoiceRefusalSerializer(StrictSerializer):
    detail = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField())
    findings = FindingSerializer(
        many=True, help_text="The fatal findings (422); empty for a duplicate (409)."
    )


UBL_EXAMPLE = OpenApiExample(
    "A Peppol BIS Billing 3.0 invoice",
    value='<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">…</Invoice>',
    request_only=True,
    media_type="application/xml",
)


class EInvoiceDeliveryViewSet(viewsets.GenericViewSet):
    """The company's Peppol access point delivers one inbound invoice or credit note per request."""

    permission_classes = [IsAuthenticated, CanDeliverEInvoices]
    parser_classes = [UBLParser, TextUBLParser]
    serializer_class = EInvoiceDeliveredSerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[EInvoice]:
        return EInvoice.objects.none()  # nothing is read back through this route

    @extend_schema(
        operation_id="einvoices_deliver",
        request={"application/xml": OpenApiTypes.BINARY, "text/xml": OpenApiTypes.BINARY},
        examples=[UBL_EXAMPLE],
        responses={
            201: OpenApiResponse(
                EInvoiceDeliveredSerializer,
                description="Received: matched to its order, or to resolve by finance (problems say why).",
            ),
            409: OpenApiResponse(
                EInvoiceRefusalSerializer,
                description="Refused, nothing stored: the supplier already sent this number.",
            ),
            413: OpenApiResponse(OpenApiTypes.OBJECT, description="Larger than 10 MB: `detail` says so."),
            415: OpenApiResponse(OpenApiTypes.OBJECT, description="Not sent as application/xml or text/xml."),
            422: OpenApiResponse(
                EInvoiceRefusalSerializer,
                description="Refused, nothing stored: not UBL, or fatal findings of the official rules.",
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        """Validate with the EN 16931 and Peppol rules, refuse duplicates, match to the order (as an upload
        by finance does). Token of an account holding `procurement.deliver_einvoice`."""
        xml = request.data if isinstance(request.data, bytes) else b""
        try:
            einvoice = einvoice_receive(xml=xml, actor=request.user, file_name="api", keep_refused=False)
        except EInvoiceRefused as refusal:
            return self._refusal(refusal)
        return Response(EInvoiceDeliveredSerializer(einvoice).data, status=201)

    def _refusal(self, refusal: EInvoiceRefused) -> Response:
        findings = [finding_explained(f) for f in refusal.einvoice.findings if f["flag"] == "fatal"]
        body = {
            "detail": str(refusal),
            "problems": [str(problem) for problem in refusal.einvoice.problems],
            "findings": findings,
        }
        return Response(body, status=409 if refusal.is_duplicate else 422)


from procurement.api_tenders import RequisitionViewSet, RfqViewSet  # noqa: E402

TENDER_ROUTES = [
    ("requisitions", RequisitionViewSet, "requisition"),
    ("rfqs", RfqViewSet, "rfq"),
]

# Registered on the API router by pmo.api_urls.
ROUTES = [
    ("purchase-orders", PurchaseOrderViewSet, "purchase-order"),
    ("budget-lines", BudgetLineViewSet, "budget-line"),
    ("suppliers", SupplierViewSet, "supplier"),
    ("einvoices", EInvoiceDeliveryViewSet, "einvoice"),
    *TENDER_ROUTES,
]
