"""Shared pieces of the REST API: paging, service errors as 400s, object access as the pages have it."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.views import exception_handler as drf_exception_handler


class PagePagination(PageNumberPagination):
    """`?page=N&page_size=M`, at most 200 rows a page; the schema says both start at 1."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = f"Rows per page; larger values are capped at {self.max_page_size}."
        return parameters


class StrictBooleanField(serializers.BooleanField):
    """JSON `true`/`false` only: DRF's own field also takes "yes", "1" or 0, which the schema forbids."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


class StrictModelSerializer(serializers.ModelSerializer):
    """Every API serializer: booleans are JSON booleans, as the published schema says."""

    serializer_field_mapping = serializers.ModelSerializer.serializer_field_mapping | {
        models.BooleanField: StrictBooleanField
    }


def api_not_found(request, *args, **kwargs):
    """Any /api/ URL that no route matches: a JSON 404, with DEBUG on or off."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


def exception_handler(exc, context):
    """DRF's answer, always a JSON object: a bare list of messages goes under `non_field_errors`."""
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {"non_field_errors": response.data}
    return response


def service_call(function, **kwargs):
    """Call a service; its ValidationError becomes DRF's, so the client gets a 400 with the messages."""
    try:
        return function(**kwargs)
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise serializers.ValidationError(detail) from error


class ScopedObjectMixin:
    """Fetch the object through the app's `*_get_for_user` selector: 404 invisible, 403 read-only."""

    object_getter = None  # a selector taking user=, pk=, write= (wrap it in staticmethod)

    def get_object(self):
        pk = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        try:
            pk = int(pk)
        except (TypeError, ValueError) as error:
            raise Http404 from error
        write = self.request.method not in ("GET", "HEAD", "OPTIONS")
        obj = self.object_getter(user=self.request.user, pk=pk, write=write)
        self.check_object_permissions(self.request, obj)
        return obj


class CreatePermission(BasePermission):
    """On `create`, the user needs the view's `create_perm` (a rules permission); reads pass."""

    def has_permission(self, request, view) -> bool:
        if getattr(view, "action", None) != "create":
            return True
        return request.user.has_perm(view.create_perm)


ERROR_SCHEMA = {
    "type": "object",
    "description": "DRF's error body: `detail`, or a list of messages per field.",
    "additionalProperties": True,
}
ERROR_RESPONSES = {
    "400": "Invalid input or filter; the messages say what to change.",
    "401": "No or an invalid token or session.",
    "403": "The caller may read this object but not change it, or lacks the role.",
    "404": "Not found, or not visible to the caller.",
}


def document_error_responses(result, generator, request, public):
    """drf-spectacular hook: every operation documents the error answers it can give."""
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    status,
                    {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}},
                )
    return result
