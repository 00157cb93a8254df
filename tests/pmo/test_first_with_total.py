"""`first_with_total`: the first rows and the count of all of them, in one query, whatever the data."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pmo.lib.listing import first_with_total
from procurement.models import PurchaseOrder
from procurement.selectors.orders import purchase_order_with_totals
from tests.factories import PurchaseOrderFactory, PurchaseOrderLineFactory

pytestmark = pytest.mark.django_db


def _orders_with_lines(count: int) -> None:
    for index in range(count):
        order = PurchaseOrderFactory()
        PurchaseOrderLineFactory(order=order, quantity=Decimal("1"), unit_price=Decimal(100 + index))


def test_it_returns_the_first_rows_and_the_number_of_all_rows_in_one_query():
    _orders_with_lines(7)
    queryset = purchase_order_with_totals(PurchaseOrder.objects.all()).order_by("-total_excl", "pk")

    with CaptureQueriesContext(connection) as captured:
        rows, total = first_with_total(queryset, 3)

    assert len(captured) == 1
    assert total == 7
    assert [row.total_excl for row in rows] == [Decimal("106.00"), Decimal("105.00"), Decimal("104.00")]


def test_a_filtered_set_counts_only_its_rows_and_an_empty_one_counts_zero():
    _orders_with_lines(4)
    cheapest = PurchaseOrder.objects.order_by("pk")[:2]
    queryset = purchase_order_with_totals(
        PurchaseOrder.objects.filter(pk__in=list(cheapest.values_list("pk", flat=True)))
    )

    rows, total = first_with_total(queryset.order_by("pk"), 1)
    assert (len(rows), total) == (1, 2)
    assert first_with_total(queryset.filter(pk__in=[]), 5) == ([], 0)


def test_the_count_is_computed_once_not_as_a_window_over_every_row():
    """A window count makes the database build every row's sums before LIMIT (the XL finding)."""
    _orders_with_lines(2)
    with CaptureQueriesContext(connection) as captured:
        first_with_total(purchase_order_with_totals(PurchaseOrder.objects.order_by("pk")), 1)

    assert " OVER " not in captured[0]["sql"].upper()
