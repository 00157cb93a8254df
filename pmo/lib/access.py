"""Fetch one object for a user: 404 when they may not see it, 403 when they may only read it."""

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

ModelT = TypeVar("ModelT", bound=Model)


def object_get_for_user[ModelT: Model](
    *, queryset: QuerySet[ModelT], pk: int, user, view_perm: str, change_perm: str, write: bool = False
) -> ModelT:
    """Return the object; invisible ones are indistinguishable from missing ones."""
    obj = queryset.filter(pk=pk).first()
    if obj is None or not user.has_perm(view_perm, obj):
        raise Http404
    if write and not user.has_perm(change_perm, obj):
        raise PermissionDenied
    return obj
