"""REST API of customers and projects: the same selectors, services and object rules as the pages."""

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.lib.api import (
    CreatePermission,
    ScopedListMixin,
    ScopedObjectMixin,
    StrictModelSerializer,
    request_user,
    service_call,
)
from pmo.models import User
from pmo.roles import PORTFOLIO_READERS
from projects import selectors, services
from projects.filters import CustomerFilter, ProjectFilter
from projects.models import (
    Action,
    ChangeRequest,
    Customer,
    Intake,
    Issue,
    Project,
    Risk,
    Task,
    TimesheetEntry,
)
from projects.selectors.timesheets import time_entry_list_for_user
from projects.services import registers as register_services
from projects.services.registers import RISK_FIELDS


class CustomerSerializer(StrictModelSerializer):
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


class ProjectSerializer(StrictModelSerializer):
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
    queryset = Customer.objects.none()
    list_selector = staticmethod(selectors.customer_list_for_user)
    object_getter = staticmethod(selectors.customer_get_for_user)
    filterset_class = CustomerFilter
    ordering_fields = ["name", "city", "created_at"]
    ordering = ["name", "pk"]

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
    queryset = Project.objects.none()
    list_selector = staticmethod(selectors.project_list_for_user)
    object_getter = staticmethod(selectors.project_get_for_user)
    filterset_class = ProjectFilter
    ordering_fields = ["code", "name", "customer__name", "phase", "level", "budget", "start_date", "end_date"]
    ordering = ["-code", "-pk"]

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


# --- Intakes, plan and registers (read) ------------------------------------------------------------
class IntakeSerializer(StrictModelSerializer):
    class Meta:
        model = Intake
        exclude = ["review_answers"]


class IntakeViewSet(
    ScopedObjectMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Intakes: sales see the ones they wrote, the PMO every submitted one."""

    serializer_class = IntakeSerializer
    queryset = Intake.objects.none()
    list_selector = staticmethod(selectors.intake_list_for_user)
    object_getter = staticmethod(selectors.intake_get_for_user)
    filterset_fields = ["status", "customer", "template"]
    ordering_fields = ["number", "created_at", "submitted_at", "sold_value"]
    ordering = ["-number", "-pk"]


class ProjectScopedReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rows that belong to a project: the caller sees those of the projects they see (`?project=` filters)."""

    model: type[Model] = Model
    related: tuple[str, ...] = ()

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.model._default_manager.none()
        rows = self.model._default_manager.select_related("project", *self.related)
        user = request_user(self.request)
        if not user.has_role(*PORTFOLIO_READERS):
            rows = rows.filter(project__in=selectors.project_queryset_for_user(user=user).values("pk"))
        return rows


class TaskSerializer(StrictModelSerializer):
    class Meta:
        model = Task
        fields = [
            "id",
            "project",
            "parent",
            "wbs_code",
            "name",
            "kind",
            "status",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "progress",
            "remaining_hours",
            "sort_order",
            "updated_at",
        ]
        read_only_fields = fields


class TaskRemainingSerializer(StrictModelSerializer):
    """The one thing a client sets on a task: the work left, in hours (null: planned less approved)."""

    class Meta:
        model = Task
        fields = ["remaining_hours"]
        extra_kwargs = {"remaining_hours": {"required": True, "allow_null": True, "min_value": 0}}


class TaskViewSet(ProjectScopedReadViewSet):
    """The work breakdown of the projects the caller sees; PATCH sets a task's remaining work."""

    model = Task
    serializer_class = TaskSerializer
    filterset_fields = ["project", "kind", "status"]
    ordering_fields = ["planned_start", "planned_end", "sort_order", "wbs_code"]
    ordering = ["project", "sort_order", "pk"]

    @extend_schema(request=TaskRemainingSerializer, responses={200: TaskSerializer})
    def partial_update(self, request: Request, *args, **kwargs):
        task = self.get_object()
        user = request_user(request)
        # The same rule as the plan page: who may change the project sets remaining work (403 otherwise).
        selectors.project_get_for_user(user=user, pk=task.project_id, write=True)
        serializer = TaskRemainingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        unknown = set(request.data) - {"remaining_hours"} if isinstance(request.data, dict) else set()
        if unknown:
            message = _("Only remaining_hours can be changed through the API.")
            raise serializers.ValidationError({field: [message] for field in sorted(unknown)})
        task = service_call(
            services.task_remaining_set,
            task=task,
            actor=user,
            remaining_hours=serializer.validated_data["remaining_hours"],
        )
        return Response(self.get_serializer(task).data)


def _register_serializer(register_model, excluded: tuple[str, ...] = ()) -> type[serializers.ModelSerializer]:
    # Output only (the viewsets are read-only); no read_only_fields, so that blank choices stay in the schema.
    meta = type(
        "Meta",
        (),
        {
            "model": register_model,
            "exclude": list(excluded),
        },
    )
    return type(f"{register_model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


RiskSerializer = _register_serializer(Risk, ("reminded_on",))


class RiskInputSerializer(StrictModelSerializer):
    """A new risk: the project (which the caller may change) and the analysis; scores are computed."""

    residual_probability = serializers.IntegerField(min_value=1, max_value=5, required=False)
    residual_impact = serializers.IntegerField(min_value=1, max_value=5, required=False)

    class Meta:
        model = Risk
        fields = [
            "project",
            *(field for field in RISK_FIELDS if field not in ("residual_probability", "residual_impact")),
        ]
        fields += ["residual_probability", "residual_impact"]


class RiskViewSet(mixins.CreateModelMixin, ProjectScopedReadViewSet):
    """Risks and opportunities, with inherent and residual scores and expected values; register one."""

    model = Risk
    related = ("owner", "category")
    serializer_class = RiskSerializer
    filterset_fields = ["project", "status", "kind", "proximity", "response_category"]
    ordering_fields = ["number", "residual_score", "inherent_score", "review_date", "created_at"]
    ordering = ["project", "number", "pk"]

    @extend_schema(request=RiskInputSerializer, responses={201: RiskSerializer})
    def create(self, request: Request, *args, **kwargs):
        serializer = RiskInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        # The same rule as the register pages: only who may change the project adds to its registers.
        user = request_user(request)
        project = selectors.project_get_for_user(user=user, pk=values.pop("project").pk, write=True)
        risk = service_call(register_services.risk_create, project=project, actor=request.user, **values)
        return Response(self.get_serializer(risk).data, status=status.HTTP_201_CREATED)


class IssueViewSet(ProjectScopedReadViewSet):
    model = Issue
    related = ("owner",)
    serializer_class = _register_serializer(Issue)
    filterset_fields = ["project", "status", "issue_type", "priority", "severity"]
    ordering_fields = ["number", "priority", "created_at"]
    ordering = ["project", "number", "pk"]


class ChangeRequestViewSet(ProjectScopedReadViewSet):
    model = ChangeRequest
    related = ("requested_by",)
    serializer_class = _register_serializer(ChangeRequest)
    filterset_fields = ["project", "status"]
    ordering_fields = ["number", "cost_impact", "created_at"]
    ordering = ["project", "number", "pk"]


class ActionViewSet(ProjectScopedReadViewSet):
    model = Action
    related = ("owner",)
    serializer_class = _register_serializer(Action)
    filterset_fields = ["project", "status", "owner"]
    ordering_fields = ["number", "due_date", "created_at"]
    ordering = ["project", "number", "pk"]


# Registered on the API router by pmo.api_urls.
class TimeEntrySerializer(StrictModelSerializer):
    """An entry of a week sheet; reversing entries (corrections) are negative and name what they reverse."""

    project = serializers.IntegerField(source="task.project_id", read_only=True)
    status = serializers.CharField(source="timesheet.status", read_only=True)
    week_start = serializers.DateField(source="timesheet.week_start", read_only=True)

    class Meta:
        model = TimesheetEntry
        fields = [
            "id",
            "timesheet",
            "project",
            "task",
            "resource",
            "day",
            "hours",
            "reverses",
            "status",
            "week_start",
        ]
        read_only_fields = fields


class TimeEntryViewSet(
    ScopedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Time entries the caller may read: their own, their projects' (PM), all (PMO, finance)."""

    serializer_class = TimeEntrySerializer
    filterset_fields = ["task", "resource", "day", "timesheet"]
    ordering_fields = ["day", "id"]
    ordering = ["day", "id"]
    queryset = TimesheetEntry.objects.none()
    list_selector = staticmethod(time_entry_list_for_user)


ROUTES = [
    ("customers", CustomerViewSet, "customer"),
    ("projects", ProjectViewSet, "project"),
    ("intakes", IntakeViewSet, "intake"),
    ("tasks", TaskViewSet, "task"),
    ("risks", RiskViewSet, "risk"),
    ("issues", IssueViewSet, "issue"),
    ("change-requests", ChangeRequestViewSet, "change-request"),
    ("actions", ActionViewSet, "action"),
    ("time-entries", TimeEntryViewSet, "time-entry"),  # issue 15
]
