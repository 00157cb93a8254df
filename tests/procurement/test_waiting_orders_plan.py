"""The orders waiting for approval, oldest submission first, are read from po_status_submitted_idx: the
portfolio's panel joined and sorted every waiting order before keeping five (29 ms for 10,000 at scale XL,
5 ms with the index, the rest being their count). See test_order_search_plan.py for `enable_seqscan`."""

import pytest

from procurement.models import PurchaseOrderStatus
from procurement.selectors.orders import purchase_orders_submitted
from tests.factories import PurchaseOrderFactory
from tests.plans import plan_nodes

pytestmark = pytest.mark.django_db


def test_the_oldest_waiting_orders_come_from_the_index_in_its_order_without_a_sort():
    PurchaseOrderFactory.create_batch(3, status=PurchaseOrderStatus.SUBMITTED)
    sql, params = purchase_orders_submitted(projects=None)[:5].query.sql_with_params()
    nodes = plan_nodes(sql, params)

    assert "po_status_submitted_idx" in {node.get("Index Name") for node in nodes}
    assert not [node for node in nodes if node["Node Type"] in ("Sort", "Incremental Sort")]
