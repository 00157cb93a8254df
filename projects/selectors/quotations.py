"""Reads of quotations, scoped to the user: sales see the ones they wrote."""

from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from pmo.lib.access import object_get_for_user
from pmo.models import User
from projects.models import Quotation, QuotationLine, QuotationStatus
from projects.rules import quotation_visibility

MONEY = DecimalField(max_digits=16, decimal_places=2)


def quotation_visibility_q(user: User) -> Q:
    """The quotations a user may read, as a filter (the rule of projects.rules.can_view_quotation)."""
    return quotation_visibility.q(user)


def _line_sum(column: str):
    total = (
        QuotationLine.objects.filter(quotation=OuterRef("pk"))
        .order_by()
        .values("quotation")
        .annotate(total=Sum(column))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=MONEY), Decimal("0.00"), output_field=MONEY)


def quotation_with_totals(queryset: QuerySet[Quotation]) -> QuerySet[Quotation]:
    return queryset.annotate(
        total_price=_line_sum("amount"),
        total_cost=_line_sum("cost_amount"),
        total_vat=_line_sum("vat_amount"),
    ).annotate(total_margin=F("total_price") - F("total_cost"))


def quotation_list_for_user(*, user: User) -> QuerySet[Quotation]:
    """Visible quotations with their totals and customer, in one query."""
    return quotation_with_totals(
        Quotation.objects.filter(quotation_visibility_q(user)).select_related("customer", "created_by")
    )


def quotation_get_for_user(*, user: User, pk: int, write: bool = False) -> Quotation:
    return object_get_for_user(
        queryset=quotation_with_totals(
            Quotation.objects.select_related("customer", "contact", "created_by", "intake", "project")
        ),
        pk=pk,
        user=user,
        view_perm="projects.view_quotation",
        change_perm="projects.change_quotation",
        write=write,
    )


def quotation_counts_by_status(*, user: User) -> dict[str, int]:
    """How many of the quotations the user wrote are in each status (one query)."""
    rows = (
        Quotation.objects.filter(quotation_visibility_q(user), created_by=user)
        .order_by()
        .values("status")
        .annotate(count=Count("pk"))
    )
    return {row["status"]: row["count"] for row in rows}


def quotations_open_of(*, user: User) -> QuerySet[Quotation]:
    """The user's quotations still to send or to be answered, with their totals, soonest valid-until first."""
    return (
        quotation_list_for_user(user=user)
        .filter(created_by=user, status__in=(QuotationStatus.DRAFT, QuotationStatus.SENT))
        .order_by("valid_until", "pk")
    )
