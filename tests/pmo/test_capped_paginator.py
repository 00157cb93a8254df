"""`paginate_capped`: a list too long to count (the orders, 100,000 at scale XL) is counted a few pages
past the page shown, in one bounded query, and its pages say "more than" instead of a total (issue 14)."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from pmo.lib.listing import CappedPaginator
from pmo.models import User
from pmo.roles import Role
from procurement.models import PurchaseOrder
from tests.factories import PurchaseOrderFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_it_counts_only_up_to_its_bound_in_one_query_and_says_there_are_more():
    UserFactory.create_batch(12)
    paginator = CappedPaginator(User.objects.order_by("pk"), 2, counted_up_to=10)

    with CaptureQueriesContext(connection) as captured:
        assert (paginator.count, paginator.num_pages, paginator.is_capped) == (10, 5, True)

    assert len(captured) == 1
    assert "LIMIT 11" in captured[0]["sql"]


def test_below_its_bound_it_counts_exactly():
    UserFactory.create_batch(3)
    paginator = CappedPaginator(User.objects.all(), 2, counted_up_to=User.objects.count() + 1)
    assert (paginator.count, paginator.is_capped) == (User.objects.count(), False)


@override_settings(PAGINATE_BY=1)
def test_the_order_list_says_more_than_when_it_did_not_count_every_order(client):
    PurchaseOrderFactory.create_batch(13)
    client.force_login(user_with_role(Role.FINANCE))

    first = client.get("/procurement/orders/")
    assert first.context["page"].paginator.is_capped
    assert "1\N{EN DASH}1 of more than 11" in first.text
    assert "page=11" not in first.text  # no link to a last page it does not know
    assert 'href="?page=2"' in first.text

    deep = client.get("/procurement/orders/", {"page": 5})  # counted up to 15 of 13: exact
    assert not deep.context["page"].paginator.is_capped
    assert f"5\N{EN DASH}5 of {PurchaseOrder.objects.count()}" in deep.text
    assert "page=13" in deep.text  # the last page


def test_keys_first_reads_the_same_page_through_its_sorted_keys_in_one_query():
    UserFactory.create_batch(7)
    users = User.objects.order_by("-username", "pk")
    plain = CappedPaginator(users, 3, counted_up_to=30).page(2)
    by_keys = CappedPaginator(users, 3, counted_up_to=30, keys_first=True).page(2)

    with CaptureQueriesContext(connection) as captured:
        rows = list(by_keys.object_list)

    assert rows == list(plain.object_list) and len(rows) == 3
    assert len(captured) == 1
    sql = captured[0]["sql"]
    assert " IN (SELECT " in sql and "LIMIT 3 OFFSET 3)" in sql  # the page's keys, sorted, inside
