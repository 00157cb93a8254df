"""The P&L with Dynamics 365 figures, as a Dutch-speaking project manager sees it (issue 12)."""

from decimal import Decimal
from pathlib import Path

import pytest

from procurement import services
from reporting.models import D365Actual, D365PurchaseOrder
from tests.browser.conftest import sign_in
from tests.browser.screens import save_screenshot
from tests.factories import ProjectFactory
from tests.procurement.helpers import make_order

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = Path("/tmp/connectors")


def test_the_pnl_shows_dynamics_figures_with_their_source_in_dutch(browser, live_server):
    project = ProjectFactory()
    manager = project.project_manager
    manager.set_password("demo")
    manager.preferred_language = "nl"
    manager.save(update_fields=["password", "preferred_language"])
    ours = make_order(project=project, amount=Decimal("500.00"))
    ours = services.purchase_order_submit(order=ours, actor=ours.requester)
    services.purchase_order_approve(order=ours, approver=manager)
    for remote_id, number, amount in [("po-1", ours.number, "500.00"), ("po-2", "PO-D365-0002", "1200.00")]:
        D365PurchaseOrder.objects.create(
            remote_id=remote_id, number=f"{number} {project.code}", project=project, amount=Decimal(amount)
        )
    D365Actual.objects.create(
        remote_id="act-1", project=project, amount=Decimal("760.00"), classification_code="192350000"
    )
    context = browser.new_context(base_url=live_server.url, locale="nl-BE")
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))

    sign_in(page, manager.username)
    page.goto(f"/procurement/projects/{project.pk}/pnl/")

    table = page.locator("#pnl-external")
    assert table.is_visible()
    text = table.inner_text()
    assert "Dynamics 365-werkelijke kosten" in text and "Uitrusting" in text
    assert "1.200,00" in text and "760,00" in text
    assert "telt één keer mee" in text
    assert page.get_by_text("Cijfers uit andere systemen").is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    save_screenshot(page, str(SCREENSHOTS / "pnl_d365_nl.png"), full_page=True)
    assert errors == []
    context.close()
