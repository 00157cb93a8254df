"""REST API of highlight reports: list, request (a worker renders the PDF) and download.

The versions follow the pages: the internal version (with margins) only for those who may read margins
on that project, the customer version for everyone who sees the project.
"""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from pmo.lib.api import (
    ScopedObjectMixin,
    StrictModelSerializer,
    StrictSerializer,
    request_user,
    service_call,
)
from projects.choices import Language
from reporting import selectors, services
from reporting.models import Audience, HighlightReport


class HighlightReportSerializer(StrictModelSerializer):
    project_code = serializers.CharField(source="project.code", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = HighlightReport
        fields = [
            "id",
            "project",
            "project_code",
            "period_start",
            "period_end",
            "audience",
            "language",
            "status",
            "error",
            "file_size",
            "page_count",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, report: HighlightReport) -> str | None:
        if not report.is_downloadable:
            return None
        return self.context["request"].build_absolute_uri(f"/api/v1/highlight-reports/{report.pk}/download/")


class HighlightReportRequestSerializer(StrictSerializer):
    project = serializers.IntegerField()
    period_start = serializers.DateField(help_text="Any day of the week; the report covers that week.")
    audience = serializers.ChoiceField(choices=Audience.choices)
    language = serializers.ChoiceField(choices=Language.choices)


class HighlightReportViewSet(
    ScopedObjectMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Highlight reports as jobs: request one, follow its status, download the PDF when ready."""

    queryset = HighlightReport.objects.none()
    serializer_class = HighlightReportSerializer
    list_selector = staticmethod(selectors.report_queryset_for_user)
    object_getter = staticmethod(selectors.report_get_for_user)
    filterset_fields = ["project", "status", "audience", "language"]
    ordering_fields = ["period_start", "created_at"]
    ordering = ["-period_start", "-pk"]

    @extend_schema(request=HighlightReportRequestSerializer, responses={201: HighlightReportSerializer})
    def create(self, request: Request, *args, **kwargs):
        """Request a report; an existing one of the same week, version and language is returned."""
        serializer = HighlightReportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        user = request_user(request)
        project = selectors.project_get_for_reporting(user=user, pk=values.pop("project"))
        if values["audience"] not in selectors.visible_audiences(user=user, project=project):
            raise serializers.ValidationError({"audience": [Audience.INTERNAL.label]})
        report = service_call(
            services.highlight_report_request, project=project, actor=request.user, **values
        )
        data = HighlightReportSerializer(report, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY), 404: None},
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk=None):
        """The PDF, once the report is ready."""
        report = self.get_object()
        if not report.is_downloadable:
            raise Http404
        try:
            handle = report.file.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        filename = f"{report.project.code}-{report.filename}"
        return FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
