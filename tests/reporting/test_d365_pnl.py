"""Dynamics 365 actuals and purchase orders in the project P&L (issue 12), pulled over real HTTP."""

from decimal import Decimal

import pytest

from procurement import services
from procurement.models import BudgetLine
from reporting.models import D365PurchaseOrder
from tests.factories import BudgetLineFactory, ProjectFactory, cost_category
from tests.procurement.helpers import make_order
from tests.reporting.test_dynamics import FORMATTED, VENDOR_ACCOUNT, pull, seed_dataverse

pytestmark = pytest.mark.django_db


def d365_order(number: str, name: str, amount: float, status: int = 690970001) -> dict:
    return {
        "msdyn_purchaseorderid": f"po-{number}",
        "msdyn_name": name,
        "_msdyn_vendor_value": VENDOR_ACCOUNT,
        f"_msdyn_vendor_value{FORMATTED}": "Rack Builders BV",
        "msdyn_purchaseorderstatus": status,
        f"msdyn_purchaseorderstatus{FORMATTED}": "Open order",
        "msdyn_documentapprovalstatus": 1,
        f"msdyn_documentapprovalstatus{FORMATTED}": "Approved",
        "msdyn_totalamount": amount,
        "msdyn_dateexpected": "2026-12-01T00:00:00Z",
        "modifiedon": "2026-11-03T08:00:00Z",
    }


@pytest.fixture
def project_with_d365_figures(dataverse):
    project = ProjectFactory()
    ours = make_order(project=project, amount=Decimal("500.00"))  # equipment line, budget 10,000
    ours = services.purchase_order_submit(order=ours, actor=ours.requester)
    services.purchase_order_approve(order=ours, approver=project.project_manager)
    BudgetLineFactory(project=project, category=cost_category("internal_labour"), budget=Decimal("2000.00"))
    seed_dataverse(dataverse, project.code)
    dataverse.tables["msdyn_purchaseorders"] = [
        d365_order("1", f"{ours.number} {project.code}", 500.0),  # the same order, also in Dynamics
        d365_order("2", f"PO-D365-0002 {project.code}", 1200.0),
        d365_order("3", f"PO-D365-0003 {project.code}", 999.0, status=690970002),  # canceled
    ]
    run = pull()
    assert run.status == "succeeded", run.error
    return project


def test_pulled_orders_and_actuals_reach_the_pnl_with_their_source_counted_once(
    client, project_with_d365_figures
):
    project = project_with_d365_figures
    assert D365PurchaseOrder.objects.filter(project=project).count() == 3
    client.force_login(project.project_manager)

    response = client.get(f"/procurement/projects/{project.pk}/pnl/")

    assert response.status_code == 200
    pnl = response.context["pnl"]
    lines = {line.category.code: line for line in pnl.lines}
    equipment, labour = lines["equipment"], lines["internal_labour"]
    assert equipment.committed == Decimal("500.00")  # our own order
    assert equipment.external_spent == Decimal("1200.00")  # not 1,700: the shared order counts once
    assert equipment.available_with_external == Decimal("10000.00") - Decimal("500.00") - Decimal("1200.00")
    assert labour.external_spent == Decimal("664.50")  # 760.00 - 95.50 of Time actuals
    [orders] = [figure for figure in pnl.external if figure.committed]
    assert (orders.records, orders.left_out, str(orders.source)) == (1, 1, "Dynamics 365 purchase orders")
    assert pnl.available_with_external == pnl.project.money_available - Decimal("1864.50")
    page = response.text
    assert "Dynamics 365 purchase orders" in page and "Dynamics 365 actuals" in page
    assert "counted once" in page


def test_the_category_mapping_is_configurable(client, project_with_d365_figures, settings):
    project = project_with_d365_figures
    settings.DYNAMICS365 = {
        **settings.DYNAMICS365,
        "COST_CATEGORIES": {"actual:192350000": "subcontracting", "purchase_order": "subcontracting"},
    }
    client.force_login(project.project_manager)

    pnl = client.get(f"/procurement/projects/{project.pk}/pnl/").context["pnl"]

    assert {figure.category_code for figure in pnl.external} == {"subcontracting"}
    assert [str(figure.category_name) for figure in pnl.unplaced] == ["Subcontracting", "Subcontracting"]
    assert all(line.external_spent == 0 for line in pnl.lines)
    assert pnl.external_spent == Decimal("1864.50")
    assert not BudgetLine.objects.filter(project=project, category__code="subcontracting").exists()
