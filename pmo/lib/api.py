"""Shared pieces of the REST API: paging, service errors as 400s, object access as the pages have it."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_filters import BooleanFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.exceptions import NotAuthenticated
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from pmo.models import User

if TYPE_CHECKING:
    # What the mixin is mixed into. Not imported at run time: DRF's settings import this module while
    # rest_framework.generics is still loading.
    from rest_framework.generics import GenericAPIView as _ViewBase
else:
    _ViewBase = object


class PagePagination(PageNumberPagination):
    """`?page=N&page_size=M`, at most 200 rows a page; the schema says both start at 1."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int | None:
        """The asked page size, capped at the maximum; anything but a positive integer is a 400."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise serializers.ValidationError(
                {self.page_size_query_param: [_("Enter a whole number from 1.")]}
            )
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Rows per page; above {self.max_page_size} you get {self.max_page_size}."
                )
        return parameters


class StrictBooleanField(serializers.BooleanField):
    """JSON `true`/`false` only: DRF's own field also takes "yes", "1" or 0, which the schema forbids."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


_STRING_FIELDS = (
    serializers.CharField,
    serializers.DecimalField,  # published as a string with a pattern (COERCE_DECIMAL_TO_STRING)
    serializers.DateField,
    serializers.DateTimeField,
    serializers.TimeField,
    serializers.DurationField,
)
_INTEGER_FIELDS = (serializers.IntegerField, serializers.PrimaryKeyRelatedField)


def _json_type_for(field) -> tuple[type, ...] | None:
    """The JSON type the published schema gives this field's input, or None when it says no one type."""
    if isinstance(field, serializers.ChoiceField) and not isinstance(field, serializers.MultipleChoiceField):
        kinds = {type(key) for key in field.choices}
        return (str,) if kinds <= {str} else (int,) if kinds <= {int} else None
    if isinstance(field, _STRING_FIELDS):
        return (str,)
    if isinstance(field, _INTEGER_FIELDS):
        return (int,)
    if isinstance(field, serializers.FloatField):
        return (int, float)
    if isinstance(field, (serializers.ListField, serializers.ManyRelatedField, serializers.ListSerializer)):
        return (list,)
    return None


class StrictTypesMixin(serializers.Serializer):
    """Refuse input whose JSON type is not the schema's: DRF coerces 7 into "7" and "7" into 7, which makes
    the published schema a lie for clients (and for schemathesis' negative cases)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {}
            for name, field in self.fields.items():
                value = data.get(name)
                if field.read_only or name not in data or value is None:
                    continue
                expected = _json_type_for(field)
                if expected and (not isinstance(value, expected) or isinstance(value, bool)):
                    errors[name] = [_("Expected a value of type %(type)s.") % {"type": _JSON_NAMES[expected]}]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


_JSON_NAMES = {(str,): "string", (int,): "integer", (int, float): "number", (list,): "array"}


class StrictSerializer(StrictTypesMixin, serializers.Serializer):
    """Every API input serializer: values must have the JSON type the schema publishes."""


class StrictModelSerializer(StrictTypesMixin, serializers.ModelSerializer):
    """Every API model serializer: booleans are JSON booleans and every value has its published type."""

    serializer_field_mapping = serializers.ModelSerializer.serializer_field_mapping | {
        models.BooleanField: StrictBooleanField
    }


@csrf_exempt  # it changes nothing: a POST to a wrong URL gets the 404, not a CSRF page
def api_not_found(request: HttpRequest, *args, **kwargs):
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


class ScopedListMixin(_ViewBase):
    """Rows through the app's `list_selector` (user= → what the caller may see), as the pages list them.

    The viewset also declares an empty `queryset` of its model, for the schema generator (no caller)."""

    # Selectors are plain functions: wrap them in staticmethod so they are not bound to the view.
    list_selector: Callable[..., models.QuerySet] | None = None

    def get_queryset(self):
        if self.list_selector is None or getattr(self, "swagger_fake_view", False):
            return super().get_queryset()
        return self.list_selector(user=request_user(self.request))


class ScopedObjectMixin(ScopedListMixin):
    """One object through the app's `object_getter` selector (user=, pk=, write=): 404 invisible, 403
    read-only; `detail_serializer_class` is what the viewset's actions answer after a change."""

    object_getter: Callable[..., models.Model]
    detail_serializer_class: type[serializers.BaseSerializer] | None = None

    def get_object(self):
        write = self.request.method not in ("GET", "HEAD", "OPTIONS")
        obj = self.scoped_object(self.kwargs[self.lookup_url_kwarg or self.lookup_field], write=write)
        self.check_object_permissions(self.request, obj)
        return obj

    def scoped_object(self, pk, *, write: bool = False) -> models.Model:
        """The object the caller may see (or change, with write=True); a malformed id is a 404.

        Actions whose rule is the service's (approve, review) read with write=False: an approver need
        not be able to change the order, the service checks who may decide."""
        try:
            pk = int(pk)
        except (TypeError, ValueError) as error:
            raise Http404 from error
        return self.object_getter(user=request_user(self.request), pk=pk, write=write)

    def detail_object(self, obj: models.Model) -> models.Model:
        """The object as its detail answer shows it (prefetch what the detail serializer reads)."""
        return obj

    def detail_response(self, pk: int, *, status: int = 200):
        """The object as the caller now sees it, re-read after a change, in the detail serializer."""
        assert self.detail_serializer_class is not None, f"{type(self).__name__} names no detail serializer"
        obj = self.detail_object(self.scoped_object(pk))
        serializer = self.detail_serializer_class(obj, context=self.get_serializer_context())
        return Response(serializer.data, status=status)


class CallerScopedField(serializers.PrimaryKeyRelatedField):
    """The id of a row among those the caller may pick: `scope(user)` narrows them on each request.

    The declared `queryset` only tells the schema what the ids point to; without a signed-in caller
    (the schema generator) nothing may be picked."""

    def __init__(self, *, scope: Callable[[User], models.QuerySet], **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self) -> models.QuerySet:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if not isinstance(user, User):
            declared = super().get_queryset()
            assert declared is not None, "declare queryset=<Model>.objects.none() for the schema"
            return declared.none()
        return self.scope(user)


def request_user(request: Request) -> User:
    """The signed-in caller. The API's default permission (IsAuthenticated) lets no one else through, so
    an anonymous user here means a view opened itself to the public and must not reach a selector."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated
    return user


class CreatePermission(BasePermission):
    """On `create`, the user needs the view's `create_perm` (a rules permission); reads pass."""

    def has_permission(self, request: Request, view) -> bool:
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


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter ignores `?status=` and reads `?is_active=maybe` as "no filter", so a client with a
    typo gets every row. Here a filter that is named carries a value of its published type, or it is a 400."""

    def filter_queryset(self, request: Request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            errors = {}
            for name, filter_ in filterset_class.base_filters.items():
                if name not in request.query_params:
                    continue
                values = request.query_params.getlist(name)
                if any(value == "" for value in values):
                    errors[name] = [_("Give a value, or leave the filter out.")]
                elif isinstance(filter_, BooleanFilter) and any(v not in ("true", "false") for v in values):
                    errors[name] = [_("Expected true or false.")]
            if errors:
                raise serializers.ValidationError(errors)
        return super().filter_queryset(request, queryset, view)
