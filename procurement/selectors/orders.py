"""Reads of suppliers, orders, receipts and invoices, scoped to what the user may see."""

from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from pmo.lib.access import object_get_for_user
from pmo.models import User
from pmo.roles import Role
from procurement.models import (
    Approval,
    InvoiceStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    Supplier,
    SupplierInvoice,
    SupplierKind,
)
from procurement.models.orders import SETTLED_STATUSES, WITHDRAWN_STATUSES
from procurement.rules import order_visibility

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

MONEY = DecimalField(max_digits=16, decimal_places=2)


def purchase_order_visibility_q(user: User, prefix: str = "") -> Q:
    """The orders a user may read, as a filter (the rule of procurement.rules.can_view_order)."""
    return order_visibility.q(user, prefix=prefix)


def _line_total(column: str):
    total = (
        PurchaseOrderLine.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(total=Sum(column))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=MONEY), Decimal("0.00"), output_field=MONEY)


class OrderTotals(TypedDict):
    """What purchase_order_with_totals annotates on each order."""

    total_excl: Decimal
    total_vat: Decimal
    total_incl: Decimal


def purchase_order_with_totals(
    queryset: QuerySet[PurchaseOrder],
) -> "QuerySet[WithAnnotations[PurchaseOrder, OrderTotals]]":
    """Orders with total excl. VAT, VAT and total incl. VAT summed by the database."""
    return queryset.annotate(total_excl=_line_total("amount"), total_vat=_line_total("vat_amount")).annotate(
        total_incl=Coalesce("total_excl", Decimal("0.00"), output_field=MONEY)
        + Coalesce("total_vat", Decimal("0.00"), output_field=MONEY)
    )


def purchase_order_list_for_user(*, user: User) -> QuerySet[PurchaseOrder]:
    """Visible orders with what a list row shows, in one query."""
    queryset = PurchaseOrder.objects.filter(purchase_order_visibility_q(user)).select_related(
        "project", "supplier", "requester"
    )
    return purchase_order_with_totals(queryset)


def purchase_order_get_for_user(*, user: User, pk: int, write: bool = False) -> PurchaseOrder:
    """One order with its totals; 404 when invisible, 403 when the user may only read it."""
    return object_get_for_user(
        queryset=purchase_order_with_totals(
            PurchaseOrder.objects.select_related(
                "project", "project__project_manager", "supplier", "requester"
            )
        ),
        pk=pk,
        user=user,
        view_perm="procurement.view_purchaseorder",
        change_perm="procurement.change_purchaseorder",
        write=write,
    )


def purchase_order_lines(*, order: PurchaseOrder) -> QuerySet[PurchaseOrderLine]:
    return order.lines.select_related("budget_line__category", "requisition").order_by("position", "pk")


def purchase_order_approvals(*, order: PurchaseOrder) -> QuerySet[Approval]:
    return order.approvals.select_related("approver").order_by("decided_at", "pk")


def purchase_orders_awaiting(*, user: User) -> QuerySet[PurchaseOrder]:
    """Submitted orders waiting for a role the user holds (a PM: only on their projects), or one held by
    someone the user stands in for today."""
    from django.utils import timezone

    from procurement.models import ApproverSubstitute

    today = timezone.localdate()
    absent = ApproverSubstitute.objects.filter(substitute=user, starts_on__lte=today, ends_on__gte=today)
    waiting = Q(pk__in=[])
    for person in [user, *(entry.absent for entry in absent.select_related("absent"))]:
        for role in person.roles:
            condition = Q(awaiting_roles__icontains=f'"{role}"')  # portable: the JSON list as text
            if role == Role.PROJECT_MANAGER:
                condition &= Q(project__project_manager=person)
            waiting |= condition
    queryset = (
        PurchaseOrder.objects.filter(status=PurchaseOrderStatus.SUBMITTED)
        .filter(waiting)
        .exclude(requester=user)
        .select_related("project", "supplier", "requester")
        .order_by("submitted_at", "pk")
    )
    return purchase_order_with_totals(queryset)


def purchase_order_search_keys(*, search: str) -> QuerySet:
    """The keys of the orders whose number, title or supplier's name contains `search` (any case)."""
    # A union, not one OR: each branch is served by its own index (the trigram indexes of migration
    # procurement/0014 on the upper-cased number, title and supplier name, then the supplier key), where
    # an OR with the suppliers' subquery made PostgreSQL test every order (55 ms at 100,000, 2.5 ms now).
    by_text = PurchaseOrder.objects.filter(Q(number__icontains=search) | Q(title__icontains=search))
    suppliers = Supplier.objects.filter(name__icontains=search).values("pk")
    by_supplier = PurchaseOrder.objects.filter(supplier__in=suppliers)
    return by_text.order_by().values("pk").union(by_supplier.order_by().values("pk")).order_by()


def supplier_list(*, search: str = "") -> QuerySet[Supplier]:
    """Suppliers with their number of orders."""
    queryset = Supplier.objects.annotate(order_count=Count("purchase_orders"))
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(vat_number__icontains=search))
    return queryset


def supplier_get_for_user(*, user: User, pk: int, write: bool = False) -> Supplier:
    return object_get_for_user(
        queryset=Supplier.objects.all(),
        pk=pk,
        user=user,
        view_perm="procurement.view_supplier",
        change_perm="procurement.change_supplier",
        write=write,
    )


def supplier_invoice_list(*, status: str = "") -> QuerySet[SupplierInvoice]:
    queryset = SupplierInvoice.objects.select_related("order", "supplier", "recorded_by")
    return queryset.filter(status=status) if status else queryset


def supplier_invoice_get_for_user(*, user: User, pk: int, write: bool = False) -> SupplierInvoice:
    return object_get_for_user(
        queryset=SupplierInvoice.objects.select_related(
            "order", "supplier", "recorded_by", "resolved_by"
        ).prefetch_related(Prefetch("lines", queryset=_invoice_lines())),
        pk=pk,
        user=user,
        view_perm="procurement.view_supplierinvoice",
        change_perm="procurement.change_supplierinvoice",
        write=write,
    )


def _invoice_lines():
    from procurement.models import SupplierInvoiceLine

    return SupplierInvoiceLine.objects.select_related("order_line")


def purchase_orders_open_count(*, project) -> int:
    """How many of the project's orders are not settled yet (see SETTLED_STATUSES)."""
    return PurchaseOrder.objects.filter(project=project).exclude(status__in=SETTLED_STATUSES).count()


def purchase_orders_submitted(*, projects) -> QuerySet[PurchaseOrder]:
    """Orders of these projects (None: of any project) waiting for approval, oldest submission first, with
    project and supplier. Orders outside a project are not a project's: they are not among them."""
    of_projects = Q(project__isnull=False) if projects is None else Q(project__in=projects)
    return (
        PurchaseOrder.objects.filter(of_projects, status=PurchaseOrderStatus.SUBMITTED)
        .select_related("project", "supplier")
        .order_by("submitted_at", "pk")
    )


def supplier_invoices_mismatch_count(*, project) -> int:
    """How many of the project's supplier invoices do not match their order and receipt."""
    return SupplierInvoice.objects.filter(order__project=project, status=InvoiceStatus.MISMATCH).count()


def subcontractors_ordered(*, project) -> QuerySet[Supplier]:
    """The subcontractors with an order on the project that is not withdrawn, by name."""
    ordered = PurchaseOrder.objects.filter(project=project).exclude(status__in=WITHDRAWN_STATUSES)
    return Supplier.objects.filter(
        kind=SupplierKind.SUBCONTRACTOR, pk__in=ordered.values("supplier_id")
    ).order_by("name")


def suppliers_by_pk(*, pks) -> dict[int, Supplier]:
    """{pk: supplier} of these suppliers."""
    return {supplier.pk: supplier for supplier in Supplier.objects.filter(pk__in=pks)}


def suppliers_named(*, names) -> QuerySet[Supplier]:
    """The suppliers with one of these names."""
    return Supplier.objects.filter(name__in=names)


def supplier_invoices_to_resolve(*, projects) -> QuerySet[SupplierInvoice]:
    """Supplier invoices of these projects (None: of any project) that do not match their order and
    receipt, oldest first."""
    of_projects = Q(order__project__isnull=False) if projects is None else Q(order__project__in=projects)
    return (
        SupplierInvoice.objects.filter(of_projects, status=InvoiceStatus.MISMATCH)
        .select_related("supplier", "order")
        .order_by("invoice_date", "pk")
    )


def purchase_orders_awaiting_by_amount(*, projects) -> QuerySet[PurchaseOrder]:
    """Orders of these projects waiting for approval with their totals, the largest first.

    Sorted on the order's stored amount (procurement.services.totals), so PostgreSQL sums the lines of
    the rows it shows only, not of every waiting order before the LIMIT."""
    return purchase_order_with_totals(purchase_orders_submitted(projects=projects)).order_by(
        "-amount_excl_vat", "submitted_at", "pk"
    )
