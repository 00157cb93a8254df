"""Reads of purchase requisitions and requests for quotation, scoped to the user; the tender comparison."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from pmo.lib.access import object_get_for_user
from pmo.models import User
from pmo.roles import Role
from procurement.models import (
    PurchaseRequisition,
    RequestForQuotation,
    RfqInvitation,
    RfqLine,
    SupplierQuote,
    SupplierQuoteLine,
)
from procurement.rules import MONEY_READERS, requisition_visibility

MONEY = DecimalField(max_digits=16, decimal_places=2)


def requisition_visibility_q(user: User) -> Q:
    """The requisitions a user may read (procurement.rules.requisition_visibility)."""
    return requisition_visibility.q(user)


def requisition_list_for_user(*, user: User) -> QuerySet[PurchaseRequisition]:
    """Visible requisitions with what a list row shows (project, requester, order state), in one query."""
    return PurchaseRequisition.objects.filter(requisition_visibility_q(user)).select_related(
        "project", "requester", "suggested_supplier", "order_line__order"
    )


def requisition_get_for_user(*, user: User, pk: int, write: bool = False) -> PurchaseRequisition:
    """One requisition; 404 when invisible, 403 when the user may only read it."""
    return object_get_for_user(
        queryset=PurchaseRequisition.objects.select_related(
            "project",
            "project__project_manager",
            "requester",
            "suggested_supplier",
            "budget_line__category",
            "reviewed_by",
            "order_line__order__supplier",
            "rfq_line__rfq",
        ),
        pk=pk,
        user=user,
        view_perm="procurement.view_purchaserequisition",
        change_perm="procurement.change_purchaserequisition",
        write=write,
    )


def requisitions_to_order(*, user: User, project) -> QuerySet[PurchaseRequisition]:
    """Accepted requisitions of a project not yet ordered nor in a tender, for the ordering page."""
    return (
        PurchaseRequisition.objects.filter(project=project, status="accepted", order_line__isnull=True)
        .filter(rfq_line__isnull=True)
        .select_related("requester", "suggested_supplier", "budget_line__category")
        .order_by("suggested_supplier__name", "number")
    )


def rfq_visibility_q(user: User) -> Q:
    if user.has_role(*MONEY_READERS):
        return Q()
    if user.has_role(Role.PROJECT_MANAGER):
        return Q(project__project_manager=user) | Q(project__support_officer=user)
    return Q(pk__in=[])


def rfq_list_for_user(*, user: User) -> QuerySet[RequestForQuotation]:
    """Visible requests with their numbers of invited suppliers and quotes received, in one query."""
    quotes = (
        SupplierQuote.objects.filter(invitation__rfq=OuterRef("pk"))
        .order_by()
        .values("invitation__rfq")
        .annotate(count=Count("pk"))
        .values("count")
    )
    invited = (
        RfqInvitation.objects.filter(rfq=OuterRef("pk"))
        .order_by()
        .values("rfq")
        .annotate(count=Count("pk"))
        .values("count")
    )
    # Subqueries, not a JOIN with GROUP BY: the count query of the paginator stays a plain count.
    return (
        RequestForQuotation.objects.filter(rfq_visibility_q(user))
        .select_related("project", "created_by", "purchase_order")
        .annotate(invited_count=Coalesce(Subquery(invited), 0), quote_count=Coalesce(Subquery(quotes), 0))
    )


def rfq_get_for_user(*, user: User, pk: int, write: bool = False) -> RequestForQuotation:
    return object_get_for_user(
        queryset=RequestForQuotation.objects.select_related(
            "project", "project__project_manager", "created_by", "purchase_order", "awarded_quote"
        ),
        pk=pk,
        user=user,
        view_perm="procurement.view_requestforquotation",
        change_perm="procurement.change_requestforquotation",
        write=write,
    )


def rfq_invitations(*, rfq: RequestForQuotation) -> QuerySet[RfqInvitation]:
    """The invited suppliers with their quote (if any) and its total, in one query."""
    total = (
        SupplierQuoteLine.objects.filter(quote__invitation=OuterRef("pk"))
        .order_by()
        .values("quote")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        rfq.invitations.select_related("supplier", "quote", "quote__recorded_by")
        .annotate(quote_total=Subquery(total, output_field=MONEY))
        .order_by("supplier__name", "pk")
    )


def invitation_get_by_token(*, token: str) -> RfqInvitation | None:
    """The invitation behind a supplier's link, or None when the token is unknown."""
    if not token:
        return None
    return (
        RfqInvitation.objects.select_related("rfq", "rfq__project", "supplier", "quote")
        .filter(token=token)
        .first()
    )


@dataclass
class ComparedQuote:
    invitation: RfqInvitation
    quote: SupplierQuote
    prices: dict[int, SupplierQuoteLine]  # rfq line pk -> the supplier's price
    total: Decimal
    price_score: Decimal = Decimal(0)
    delivery_score: Decimal = Decimal(0)
    quality_score: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)
    is_cheapest: bool = False
    is_best: bool = False


@dataclass
class ComparisonRow:
    line: RfqLine
    cells: list  # (ComparedQuote, SupplierQuoteLine | None, is_lowest)


@dataclass
class Comparison:
    rfq: RequestForQuotation
    quotes: list[ComparedQuote]
    rows: list[ComparisonRow] = field(default_factory=list)

    @property
    def cheapest(self) -> ComparedQuote | None:
        return next((quote for quote in self.quotes if quote.is_cheapest), None)

    @property
    def best(self) -> ComparedQuote | None:
        return next((quote for quote in self.quotes if quote.is_best), None)


def _score(best, value) -> Decimal:
    """100 for the best value, proportionally less for the others (lower is better)."""
    if not value:
        return Decimal(100)
    return (Decimal(100) * Decimal(best) / Decimal(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def rfq_comparison(*, rfq: RequestForQuotation) -> Comparison:
    """The quotes side by side: a price per line and supplier, totals, scores on the weighted criteria."""
    lines = list(rfq.lines.order_by("position", "pk"))
    invitations = (
        rfq.invitations.filter(quote__isnull=False)
        .select_related("supplier", "quote")
        .prefetch_related(Prefetch("quote__lines", queryset=SupplierQuoteLine.objects.all()))
        .order_by("supplier__name", "pk")
    )
    quotes = []
    for invitation in invitations:
        prices = {price.rfq_line_id: price for price in invitation.quote.lines.all()}
        total = sum((price.amount for price in prices.values()), Decimal("0.00"))
        quotes.append(
            ComparedQuote(invitation=invitation, quote=invitation.quote, prices=prices, total=total)
        )
    comparison = Comparison(rfq=rfq, quotes=quotes)
    if not quotes:
        return comparison
    complete = [quote for quote in quotes if len(quote.prices) == len(lines)] or quotes
    lowest_total = min(quote.total for quote in complete)
    fastest = min(quote.quote.delivery_days for quote in quotes)
    for quote in quotes:
        quote.is_cheapest = quote in complete and quote.total == lowest_total
        quote.price_score = _score(lowest_total, quote.total) if quote in complete else Decimal(0)
        quote.delivery_score = _score(fastest, quote.quote.delivery_days)
        quote.quality_score = Decimal(quote.quote.quality_score * 20)
        quote.weighted = (
            (
                quote.price_score * rfq.price_weight
                + quote.delivery_score * rfq.delivery_weight
                + quote.quality_score * rfq.quality_weight
            )
            / Decimal(100)
        ).quantize(Decimal("0.1"), ROUND_HALF_UP)
    best = max(quotes, key=lambda quote: (quote.weighted, quote.is_cheapest))
    best.is_best = True
    for line in lines:
        offered = [quote.prices[line.pk].unit_price for quote in quotes if line.pk in quote.prices]
        lowest = min(offered) if offered else None
        cells = []
        for quote in quotes:
            price = quote.prices.get(line.pk)
            cells.append((quote, price, price is not None and price.unit_price == lowest))
        comparison.rows.append(ComparisonRow(line=line, cells=cells))
    return comparison
