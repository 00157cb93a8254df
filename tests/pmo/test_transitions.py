"""One transition mechanism (pmo.lib.transitions): tables refuse what they do not list, pages offer what
the table and the user's rights allow, and no template or view re-states a table by comparing states."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from pmo.lib.transitions import allowed_actions
from pmo.roles import Role
from procurement import services
from procurement.models import PurchaseOrder, PurchaseOrderStatus
from tests.factories import user_with_role
from tests.procurement.helpers import make_order, submitted_order

ROOT = Path(__file__).resolve().parents[2]
S = PurchaseOrderStatus
# A state compared with a literal or a constant: `order.status == "draft"`, `phase != ...`,
# `entry.status in (...)`. Templates and views ask the workflow (allowed_actions) instead.
STATE_COMPARISON = re.compile(r"(\.|\b)(status|phase)\s*(==|!=)|\.(status|phase)\s+(not\s+)?in\b")


def _views_and_templates():
    yield from (ROOT / "templates").rglob("*.html")
    for app in ("pmo", "projects", "procurement", "quality", "reporting"):
        yield from (ROOT / app).glob("views.py")
        yield from (ROOT / app / "views").rglob("*.py")


def test_no_template_or_view_compares_states():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}"
        for path in _views_and_templates()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if STATE_COMPARISON.search(line)
    ]
    assert found == []


def test_the_check_finds_a_comparison():
    assert STATE_COMPARISON.search('{% if order.status == "draft" %}')
    assert STATE_COMPARISON.search("if entry.status in (A, B):")
    assert STATE_COMPARISON.search('{% if project.phase != "closing" %}')
    assert not STATE_COMPARISON.search("{% if actions.cancel %}")


@pytest.mark.django_db
def test_a_move_the_table_does_not_list_is_refused_and_nothing_changes():
    order = make_order()

    with pytest.raises(ValidationError):
        services.purchase_order_close(order=order, actor=order.requester)

    order.refresh_from_db()
    assert order.status == S.DRAFT
    assert order.history.count() == 1


@pytest.mark.django_db
def test_a_move_is_saved_with_its_history_and_reason():
    order = make_order()

    services.purchase_order_cancel(order=order, actor=order.requester, reason="Supplier went bust")

    last = PurchaseOrder.objects.get(pk=order.pk).history.first()
    assert last.status == S.CANCELLED
    assert last.history_change_reason == "Supplier went bust"
    assert last.history_user == order.requester


@pytest.mark.django_db
def test_allowed_actions_follow_the_table_and_the_rights():
    order = make_order()
    buyer = order.requester
    finance = user_with_role(Role.FINANCE)

    assert list(allowed_actions(order, buyer)) == ["submit", "cancel"]
    assert allowed_actions(order, finance) == {}


@pytest.mark.django_db
def test_the_order_page_offers_cancel_on_a_sent_order_as_its_table_allows(client):
    order = submitted_order()
    order.status = S.SENT  # the approval path is tested elsewhere; here only the page's buttons matter
    order.save(update_fields=["status"])
    client.force_login(order.requester)

    page = client.get(f"/procurement/orders/{order.pk}/").text
    cancelled = client.post(f"/procurement/orders/{order.pk}/cancel/")

    assert f'action="/procurement/orders/{order.pk}/cancel/"' in page
    assert f'action="/procurement/orders/{order.pk}/close/"' in page
    assert f'action="/procurement/orders/{order.pk}/submit/"' not in page
    assert cancelled.status_code == 302
    order.refresh_from_db()
    assert order.status == S.CANCELLED
