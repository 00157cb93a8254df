"""Reads of intakes and their templates, scoped to the user: sales see only their own."""

import contextlib
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from pmo.lib.access import object_get_for_user
from pmo.lib.fields import model_column
from pmo.lib.validators import normalize_belgian_vat
from pmo.models import User
from pmo.roles import Role
from projects.models import (
    Customer,
    DocumentCategory,
    Intake,
    IntakeStatus,
    IntakeStatusChange,
    IntakeTemplate,
)
from projects.rules import INTAKE_REVIEWERS, intake_visibility

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

__all__ = ["INTAKE_REVIEWERS"]  # the PMO roles that review every intake (pmo.views reads it here)


def intake_visibility_q(user: User) -> Q:
    """The intakes a user may read, as a filter (the rule of the projects.view_intake permission)."""
    return intake_visibility.q(user)


def intake_list_for_user(*, user: User) -> QuerySet[Intake]:
    """Visible intakes with what a list row shows, in one query; the PMO does not see drafts."""
    queryset = Intake.objects.filter(intake_visibility_q(user)).select_related(
        "template", "customer", "created_by", "project"
    )
    if not user.has_role(Role.SALES):
        queryset = queryset.exclude(status=IntakeStatus.DRAFT)
    return queryset


def intake_get_for_user(*, user: User, pk: int, write: bool = False) -> Intake:
    """One intake; 404 when invisible, 403 when the user may only read it."""
    return object_get_for_user(
        queryset=Intake.objects.select_related("template", "customer", "created_by", "project"),
        pk=pk,
        user=user,
        view_perm="projects.view_intake",
        change_perm="projects.change_intake",
        write=write,
    )


def intake_template_list(*, active_only: bool = True) -> QuerySet[IntakeTemplate]:
    queryset = IntakeTemplate.objects.all()
    return queryset.filter(is_active=True) if active_only else queryset


def _is_filled(intake: Intake, field: str) -> bool:
    if field == "customer":
        return bool(intake.customer_id or intake.new_customer_name.strip())
    value = getattr(intake, field)
    if isinstance(value, str):
        return bool(value.strip())
    return bool(value)  # zero money counts as missing


def intake_missing(*, intake: Intake) -> list[str]:
    """What the intake still lacks for its template, in plain words; empty when it can be submitted."""
    missing = [
        _("%(field)s is required for this project type.")
        % {"field": str(model_column(Intake, field).verbose_name).capitalize()}
        for field in intake.template.required_fields
        if not _is_filled(intake, field)
    ]
    attached = set(intake.documents.values_list("category", flat=True))
    labels = dict(DocumentCategory.choices)
    missing += [
        _("Attach the %(document)s.") % {"document": str(labels.get(category, category)).lower()}
        for category in intake.template.required_attachments
        if category not in attached
    ]
    return missing


def intake_existing_customer(*, intake: Intake) -> Customer | None:
    """The customer on file that an intake's new customer already is: same VAT number, else same name."""
    if intake.customer_id:
        return None
    vat = intake.new_customer_vat.strip()
    if vat:
        with contextlib.suppress(ValidationError):
            vat = normalize_belgian_vat(vat)
        by_vat = Customer.objects.filter(vat_number=vat).first()
        if by_vat is not None:
            return by_vat
    name = intake.new_customer_name.strip()
    return Customer.objects.filter(name__iexact=name).first() if name else None


# The order a salesperson's home lists their intakes in: what needs them first.
SALES_HOME_ORDER = (
    IntakeStatus.RETURNED,
    IntakeStatus.DRAFT,
    IntakeStatus.SUBMITTED,
    IntakeStatus.ACCEPTED,
    IntakeStatus.CONVERTED,
    IntakeStatus.REJECTED,
)


def intake_home_for_sales(*, user: User, limit: int = 50) -> list[tuple["StrPromise", list[Intake]]]:
    """A salesperson's own intakes grouped by status, each with the PMO's latest reason (one query)."""
    latest_reason = (
        IntakeStatusChange.objects.filter(intake=OuterRef("pk"))
        .exclude(reason="")
        .order_by("-created_at", "-pk")
        .values("reason")[:1]
    )
    # The home lists a number, a title and the project's code: the intake's dozen texts and the customer
    # were read and built into objects for nothing (50 rows on every visit of a seller's home).
    intakes = (
        Intake.objects.filter(created_by=user)
        .select_related("project")
        .only("number", "title", "status", "updated_at", "project__code")
        .annotate(latest_reason=Subquery(latest_reason))
        .order_by("-updated_at")[:limit]
    )
    grouped: dict[str, list[Intake]] = {}
    for intake in intakes:
        grouped.setdefault(intake.status, []).append(intake)
    return [(IntakeStatus(status).label, grouped[status]) for status in SALES_HOME_ORDER if status in grouped]


def intake_waiting_for_review(*, limit: int = 20) -> QuerySet[Intake]:
    """Submitted intakes waiting for the PMO, the oldest first."""
    return (
        Intake.objects.filter(status=IntakeStatus.SUBMITTED)
        .select_related("customer", "created_by", "template")
        .order_by("submitted_at", "pk")[:limit]
    )
