"""Scale XL writes its orders in SQL (procurement/seed.py:_seed_in_sql): the rows must be as coherent as
the Python path's, since the XL benchmark's pages sum them."""

import io
import random
from decimal import Decimal

import pytest
from django.db.models import Count, F, Sum

import procurement.seed
from pmo.reference_data import reference_data_install
from pmo.seed import seed_company_profile, seed_users
from pmo.seeding import SeedContext
from procurement.models import (
    Approval,
    BudgetLine,
    GoodsReceiptLine,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    SupplierInvoice,
    SupplierInvoiceLine,
)
from projects.seed import seed_customers_and_projects

pytestmark = pytest.mark.django_db
S = PurchaseOrderStatus


@pytest.fixture
def xl_orders(monkeypatch):
    monkeypatch.setitem(procurement.seed.SIZES, "XL", {"suppliers": 14, "orders": 240})
    sizes = {"projects": 30, "users": 0, "customers": 12, "detailed_projects": 10}
    context = SeedContext(scale="XL", rng=random.Random(2026), stdout=io.StringIO(), sizes=sizes)
    reference_data_install()
    seed_users(context)
    seed_company_profile(context)
    seed_customers_and_projects(context)
    procurement.seed.seed_procurement(context)
    return context


def test_xl_writes_five_lines_an_order_on_the_orders_own_budget_lines(xl_orders):
    assert PurchaseOrder.objects.count() == 240
    assert PurchaseOrderLine.objects.count() == 1200
    assert BudgetLine.objects.count() == 30 * 5
    assert not PurchaseOrderLine.objects.exclude(budget_line__isnull=True).exclude(
        budget_line__project_id=F("order__project_id")
    )
    # Orders outside any project (one in 40) have no budget line; the others always do.
    assert not PurchaseOrderLine.objects.filter(order__project__isnull=False, budget_line__isnull=True)
    assert PurchaseOrderLine.objects.filter(order__project__isnull=True).count() == 240 // 40 * 5
    statuses = set(PurchaseOrder.objects.values_list("status", flat=True))
    assert statuses == set(S.values)
    numbers = list(PurchaseOrder.objects.order_by("pk").values_list("number", flat=True))
    assert numbers[0].endswith("-00001") and len(set(numbers)) == 240


def test_xl_approvals_receipts_and_invoices_match_the_lines(xl_orders):
    approved = PurchaseOrder.objects.filter(status__in=procurement.seed.APPROVED_STATUSES)
    assert Approval.objects.count() == approved.count() > 0
    for approval in Approval.objects.select_related("order"):
        lines = approval.order.lines.aggregate(total=Sum(F("quantity") * F("unit_price")))["total"]
        assert approval.amount == lines.quantize(Decimal("0.01"))
    received = PurchaseOrderLine.objects.filter(order__status__in=(S.RECEIVED, S.CLOSED))
    assert not received.exclude(received_quantity=F("quantity"))
    assert not received.exclude(invoiced_quantity=F("quantity"))
    assert (
        GoodsReceiptLine.objects.count() == PurchaseOrderLine.objects.filter(received_quantity__gt=0).count()
    )
    assert (
        SupplierInvoice.objects.count()
        == PurchaseOrder.objects.filter(status__in=(S.RECEIVED, S.CLOSED)).count()
    )
    for invoice in SupplierInvoice.objects.annotate(line_count=Count("lines")):
        invoiced = PurchaseOrderLine.objects.filter(order_id=invoice.order_id).aggregate(
            total=Sum("invoiced_amount")
        )["total"]
        assert invoice.amount == invoiced and invoice.line_count == 5
    assert SupplierInvoiceLine.objects.count() == received.count()
    assert not PurchaseOrderLine.objects.exclude(order__status__in=(S.RECEIVED, S.CLOSED)).exclude(
        invoiced_quantity=0
    )


def test_xl_fills_the_running_totals_the_pages_read(xl_orders):
    from procurement.services.totals import budget_totals_drift

    assert budget_totals_drift() == {"budget_lines": 0, "orders": 0}
    totals = BudgetLine.objects.aggregate(
        committed=Sum("committed_amount"),
        received=Sum("received_not_invoiced_amount"),
        invoiced=Sum("invoiced_amount"),
    )
    assert totals["committed"] > 0 and totals["received"] > 0 and totals["invoiced"] > 0
    assert not PurchaseOrder.objects.filter(lines__isnull=False, amount_excl_vat=0)
