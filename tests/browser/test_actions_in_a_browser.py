"""The action buttons come from the workflow: a buyer sees what the order's table allows, in Dutch."""

import pytest

from pmo.roles import Role
from procurement.models import PurchaseOrderStatus
from tests.browser.conftest import browser_user, sign_in
from tests.browser.screens import save_screenshot
from tests.procurement.helpers import make_order

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_buyer_cancels_a_sent_order_from_its_buttons(page):
    buyer = browser_user(Role.PM_SUPPORT, "koper")
    buyer.preferred_language = "nl"
    buyer.save(update_fields=["preferred_language"])
    order = make_order(requester=buyer)
    order.status = PurchaseOrderStatus.SENT  # how it got there is the approval tests' business
    order.save(update_fields=["status"])
    sign_in(page, "koper")

    page.goto(f"/procurement/orders/{order.pk}/")
    save_screenshot(page, "/tmp/arch/order-sent-nl.png", full_page=False)
    buttons = page.locator("main .btn").all_inner_texts()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Bestelling annuleren").click()
    page.wait_for_load_state()

    assert any("ontvangst registreren" in text for text in buttons)  # record a receipt (a link)
    assert not any("ter goedkeuring" in text for text in buttons)  # no submit on a sent order
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.CANCELLED
    assert page.console_errors == []
