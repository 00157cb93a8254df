"""The order search (list, CSV and XLSX) is served by indexes, so that it costs the same at any number of
orders (issue 14, scale XL: 55 ms over 100,000 orders when it tested every one).

The test database is small, where a sequential scan is the cheapest plan; with sequential scans priced
out (`enable_seqscan = off`) the plan shows what PostgreSQL can do with the indexes it has. An OR of the
text conditions with the suppliers' subquery cannot use them at all: it scans the orders whatever it costs.
"""

import pytest

from procurement.filters import PurchaseOrderFilter
from procurement.models import PurchaseOrder, Supplier
from procurement.selectors.orders import purchase_order_search_keys
from tests.plans import plan_nodes
from tests.procurement.helpers import make_order

pytestmark = pytest.mark.django_db


def _plan(queryset) -> list[dict]:
    return plan_nodes(*queryset.query.sql_with_params())


def _searched(value: str):
    return PurchaseOrderFilter({"q": value}, queryset=PurchaseOrder.objects.all()).qs


def test_the_search_reads_the_orders_through_their_trigram_indexes():
    nodes = _plan(_searched("Cisco Systems").values("pk"))
    indexes = {node.get("Index Name") for node in nodes}
    assert {"po_number_upper_trgm_idx", "po_title_upper_trgm_idx"} <= indexes
    scanned = [node for node in nodes if node["Node Type"] == "Seq Scan"]
    assert not [node for node in scanned if node["Relation Name"] == "procurement_purchaseorder"]


def test_the_search_keys_are_the_orders_matching_any_of_the_three_columns_in_any_case():
    by_supplier = make_order(
        supplier=Supplier.objects.create(name="Électricité Dupont", vat_number="BE0403170701")
    )
    by_title = make_order(supplier=Supplier.objects.create(name="Beta Tools", vat_number="BE0417497106"))
    PurchaseOrder.objects.filter(pk=by_title.pk).update(title="Câbles ÉLECTRICITÉ")
    by_number = make_order(supplier=by_title.supplier)
    make_order(supplier=by_title.supplier)  # none of them

    def found(value: str) -> set[int]:
        return {row["pk"] for row in purchase_order_search_keys(search=value)}

    assert found("électricité") == {by_supplier.pk, by_title.pk}
    assert found(by_number.number.lower()) == {by_number.pk}
    assert found("nothing like it") == set()
