"""The budget lines' and orders' running totals (issue 14): every service that changes an order's lines or
its status leaves them equal to a sum over the order lines, computed here from scratch as the pages did
before they read the columns; the reconciliation command finds and repairs a drift."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from pmo.roles import Role
from procurement import services
from procurement.models import (
    COMMITTED_STATUSES,
    BudgetLine,
    EInvoiceStatus,
    InvoiceStatus,
    PurchaseOrder,
    PurchaseOrderStatus,
)
from procurement.selectors import budget as selectors
from procurement.services import InvoiceLineInput
from procurement.services.einvoices import einvoice_match, einvoice_receive
from procurement.services.totals import budget_totals_drift, budget_totals_repair
from projects.models import Project
from tests.factories import BudgetLineFactory, ProjectFactory, SupplierFactory, cost_category, user_with_role
from tests.procurement.einvoice_samples import adapted_invoice, credit_note_for, order_for_vat_category_s

pytestmark = pytest.mark.django_db
S = PurchaseOrderStatus
TODAY = date(2026, 3, 2)
ZERO = Decimal("0.00")


def summed_from_scratch() -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    """{budget line: (committed, received not invoiced, invoiced)} as budget_line_figures summed them
    over the order lines before the running totals (the definitions of order_line_totals)."""
    live = ~Q(order_lines__order__status=S.CANCELLED)
    rows = BudgetLine.objects.annotate(
        c=Coalesce(
            Sum("order_lines__open_amount", filter=Q(order_lines__order__status__in=COMMITTED_STATUSES)), ZERO
        ),
        r=Coalesce(Sum("order_lines__uninvoiced_amount", filter=live), ZERO),
        i=Coalesce(Sum("order_lines__invoiced_amount", filter=live), ZERO),
    )
    return {row.pk: (row.c, row.r, row.i) for row in rows}


def stored() -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    rows = BudgetLine.objects.values_list(
        "pk", "committed_amount", "received_not_invoiced_amount", "invoiced_amount"
    )
    return {pk: tuple(figures) for pk, *figures in rows}


def assert_kept() -> dict[int, tuple[Decimal, Decimal, Decimal]]:
    """The stored totals equal the sums from scratch, on every budget line and every order."""
    assert stored() == summed_from_scratch()
    orders = PurchaseOrder.objects.annotate(lines_total=Coalesce(Sum("lines__amount"), ZERO))
    assert {o.pk: o.amount_excl_vat for o in orders} == {o.pk: o.lines_total for o in orders}
    assert budget_totals_drift() == {"budget_lines": 0, "orders": 0}
    return stored()


def _line(budget_line, quantity, price, pk=None, description="Cable tray"):
    values = {"description": description, "quantity": Decimal(quantity), "unit_price": Decimal(price)}
    return values | {"budget_line": budget_line, "vat_rate": "21"} | ({"id": pk} if pk else {})


@pytest.fixture
def project():
    project = ProjectFactory()
    BudgetLineFactory(project=project, budget=Decimal("100000"), forecast=Decimal("100000"))
    BudgetLineFactory(project=project, category=cost_category("subcontracting"), budget=Decimal("100000"))
    return project


def test_every_order_service_keeps_the_budget_lines_totals(project):
    equipment, subcontracting = project.budget_lines.order_by("category__position")[:2]
    requester, manager = user_with_role(Role.PM_SUPPORT), project.project_manager
    order = services.purchase_order_create(
        actor=requester,
        project=project,
        supplier=SupplierFactory(),
        title="Racks",
        lines=[_line(equipment, "10", "100.00"), _line(subcontracting, "1", "500.00")],
    )
    assert assert_kept()[equipment.pk] == (ZERO, ZERO, ZERO)
    first, second = order.lines.order_by("position")
    # A line moves to the other budget line, another is added: the order's total follows.
    order = services.purchase_order_update(
        order=order,
        actor=requester,
        lines=[_line(equipment, "10", "100.00", first.pk), _line(equipment, "2", "250.00", second.pk)],
    )
    assert_kept()
    assert PurchaseOrder.objects.get(pk=order.pk).amount_excl_vat == Decimal("1500.00")

    order = services.purchase_order_submit(order=order, actor=requester)
    order = services.purchase_order_approve(order=order, approver=manager)
    assert assert_kept()[equipment.pk] == (Decimal("1500.00"), ZERO, ZERO)

    # Changed after approval: back to submitted, no longer committed, until approved again.
    order = services.purchase_order_update(
        order=order,
        actor=requester,
        lines=[_line(equipment, "10", "100.00", first.pk), _line(subcontracting, "2", "250.00", second.pk)],
    )
    assert assert_kept()[equipment.pk] == (ZERO, ZERO, ZERO)
    order = services.purchase_order_approve(order=order, approver=manager)
    order = services.purchase_order_mark_sent(order=order, actor=requester)
    assert assert_kept()[subcontracting.pk] == (Decimal("500.00"), ZERO, ZERO)

    services.goods_receipt_record(
        order=order, quantities={first.pk: Decimal("4")}, received_on=TODAY, actor=requester
    )
    assert assert_kept()[equipment.pk] == (Decimal("600.00"), Decimal("400.00"), ZERO)

    finance = user_with_role(Role.FINANCE)
    items = [InvoiceLineInput(order_line_id=first.pk, quantity=Decimal("3"), unit_price=Decimal("100.00"))]
    services.supplier_invoice_record(
        order=order, number="F-1", invoice_date=TODAY, lines=items, actor=finance
    )
    assert assert_kept()[equipment.pk] == (Decimal("600.00"), Decimal("100.00"), Decimal("300.00"))

    # Invoiced beyond what arrived: a mismatch, rejected by finance, leaves the actuals again.
    items = [InvoiceLineInput(order_line_id=second.pk, quantity=Decimal("1"), unit_price=Decimal("250.00"))]
    invoice = services.supplier_invoice_record(
        order=order, number="F-2", invoice_date=TODAY, lines=items, actor=finance
    )
    assert invoice.status == InvoiceStatus.MISMATCH
    assert assert_kept()[subcontracting.pk] == (Decimal("250.00"), ZERO, Decimal("250.00"))
    services.supplier_invoice_resolve(invoice=invoice, actor=finance, accept=False, note="Not delivered")
    assert assert_kept()[subcontracting.pk] == (Decimal("500.00"), ZERO, ZERO)

    rest = {first.pk: Decimal("6"), second.pk: Decimal("2")}
    services.goods_receipt_record(order=order, quantities=rest, received_on=TODAY, actor=requester)
    assert assert_kept()[equipment.pk] == (ZERO, Decimal("700.00"), Decimal("300.00"))
    services.purchase_order_close(order=order, actor=requester)
    assert assert_kept()[subcontracting.pk] == (ZERO, Decimal("500.00"), ZERO)


def test_rejected_reopened_and_cancelled_orders_keep_them(project):
    equipment = project.budget_lines.get(category__code="equipment")
    requester, manager = user_with_role(Role.PM_SUPPORT), project.project_manager
    order = services.purchase_order_create(
        actor=requester,
        project=project,
        supplier=SupplierFactory(),
        title="Tools",
        lines=[_line(equipment, "3", "70.00")],
    )
    order = services.purchase_order_submit(order=order, actor=requester)
    order = services.purchase_order_reject(order=order, approver=manager, reason="Which tools?")
    order = services.purchase_order_reopen(order=order, actor=requester)
    order = services.purchase_order_submit(order=order, actor=requester)
    order = services.purchase_order_approve(order=order, approver=manager)
    assert assert_kept()[equipment.pk] == (Decimal("210.00"), ZERO, ZERO)
    services.purchase_order_cancel(order=order, actor=requester, reason="Bought elsewhere")
    assert assert_kept()[equipment.pk] == (ZERO, ZERO, ZERO)


def test_e_invoices_matched_and_credited_keep_them():
    order = order_for_vat_category_s()  # written behind the services' back, as its docstring says
    assert budget_totals_repair()["budget_lines"] == 1
    finance = user_with_role(Role.FINANCE)
    lost = adapted_invoice(order, number="LOST-1").replace(order.number.encode(), b"PO-2099-99999")
    einvoice = einvoice_receive(xml=lost, actor=finance, file_name="lost.xml")
    assert einvoice.status == EInvoiceStatus.TO_RESOLVE
    einvoice = einvoice_match(einvoice=einvoice, order=order, actor=finance)
    line = order.lines.first().budget_line_id
    assert einvoice.status == EInvoiceStatus.MATCHED
    committed, received, invoiced = assert_kept()[line]
    assert (committed, received + invoiced) == (ZERO, Decimal("6900.00")) and invoiced > 0
    credit = einvoice_receive(xml=credit_note_for(order, invoice="LOST-1"), actor=finance, file_name="cn.xml")
    assert credit.status == EInvoiceStatus.MATCHED
    assert assert_kept()[line] == (ZERO, Decimal("6900.00"), ZERO)


def _approved_tools_order(project):
    """An approved order of five tools at 80.00 on the project's equipment line, by the PMO."""
    equipment = project.budget_lines.get(category__code="equipment")
    requester = user_with_role(Role.PM_SUPPORT)
    order = services.purchase_order_create(
        actor=requester,
        project=project,
        supplier=SupplierFactory(),
        title="Tools",
        lines=[_line(equipment, "5", "80.00")],
    )
    services.purchase_order_submit(order=order, actor=requester)
    services.purchase_order_approve(order=order, approver=project.project_manager)
    return equipment, requester, order


def test_the_pages_sums_equal_the_sums_over_the_order_lines(project):
    equipment, requester, order = _approved_tools_order(project)
    line = order.lines.get()
    services.goods_receipt_record(
        order=order, quantities={line.pk: Decimal("2")}, received_on=TODAY, actor=requester
    )
    projects = Project.objects.filter(pk=project.pk)
    assert selectors.order_line_totals(projects=projects) == {
        "committed": Decimal("240.00"),
        "received_not_invoiced": Decimal("160.00"),
        "invoiced": ZERO,
    }
    money = selectors.project_money_annotate(projects).get()
    assert (money.money_committed, money.money_received_not_invoiced, money.money_spent) == (
        Decimal("240.00"),
        Decimal("160.00"),
        Decimal("400.00"),
    )
    figures = selectors.budget_line_figures(BudgetLine.objects.filter(pk=equipment.pk)).get()
    assert (figures.committed, figures.received_not_invoiced, figures.available) == (
        Decimal("240.00"),
        Decimal("160.00"),
        Decimal("99600.00"),
    )


def test_the_check_command_fails_on_a_drift_and_repair_mends_it(project, capsys):
    equipment, _requester, order = _approved_tools_order(project)
    call_command("budget_totals_check")
    assert "budget lines differ: 0, orders differ: 0" in capsys.readouterr().out

    BudgetLine.objects.filter(pk=equipment.pk).update(committed_amount=Decimal("1.00"))
    PurchaseOrder.objects.filter(pk=order.pk).update(amount_excl_vat=ZERO)
    with pytest.raises(CommandError) as failure:
        call_command("budget_totals_check")
    assert failure.value.returncode == 1
    assert "budget lines differ: 1, orders differ: 1" in capsys.readouterr().out
    assert BudgetLine.objects.get(pk=equipment.pk).committed_amount == Decimal(
        "1.00"
    )  # a check changes nothing

    with pytest.raises(CommandError):
        call_command("budget_totals_check", "--repair")
    assert "budget lines repaired: 1, orders repaired: 1" in capsys.readouterr().out
    assert assert_kept()[equipment.pk] == (Decimal("400.00"), ZERO, ZERO)
    call_command("budget_totals_check")
