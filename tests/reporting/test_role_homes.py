"""A home for every role (issue 19, item 8): what waits for the SMO, the engineering manager, sales and
finance, nothing of anyone else's, and a number of queries that does not grow with the data."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pmo.roles import Role
from procurement.models import EInvoice, EInvoiceStatus, InvoiceStatus, PurchaseOrderStatus, SupplierInvoice
from procurement.services.totals import budget_totals_repair
from projects.models import Phase, TaskKind, TaskStatus
from quality.models import HandoverDecisionKind, HandoverEvent, HandoverStatus
from tests.factories import (
    AssignmentFactory,
    HandoverFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    PurchaseOrderFactory,
    PurchaseOrderLineFactory,
    QuotationFactory,
    QuotationLineFactory,
    ResourceFactory,
    SupplierFactory,
    TaskFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def _home(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/", secure=True)
    assert response.status_code == 200
    return response.text


def _queries(user) -> int:
    client = Client()
    client.force_login(user)
    client.get("/", secure=True)  # fills the per-process caches (content types, sites)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/", secure=True).status_code == 200
    return len(queries)


def _section(page: str, key: str) -> str:
    """The HTML of one card of the home, to check what is in it and not elsewhere."""
    start = page.index(f'id="{key}"')
    end = page.find('\n<div class="col-', start + 1)  # the next card (the cards' own columns are indented)
    return page[start : end if end != -1 else len(page)]


# --- the service management office --------------------------------------------------------------


def _handover(smo, status, *, decided_days_ago=0, reason="", **kwargs):
    handover = HandoverFactory(smo_owner=smo, status=status, submitted_at=timezone.now(), **kwargs)
    if status in (HandoverStatus.ACCEPTED, HandoverStatus.RETURNED):
        handover.decided_at = timezone.now() - timedelta(days=decided_days_ago)
        handover.save(update_fields=["decided_at"])
    if status == HandoverStatus.RETURNED:
        HandoverEvent.objects.create(
            handover=handover, kind=HandoverDecisionKind.RETURNED, actor=smo, reason=reason
        )
    return handover


def _smo_data(smo, count: int) -> None:
    for number in range(count):
        _handover(smo, HandoverStatus.SUBMITTED)
        _handover(smo, HandoverStatus.RETURNED, reason=f"Missing as-built {number}")
        _handover(smo, HandoverStatus.ACCEPTED)
        ProjectFactory(phase=Phase.CLOSING)


def test_the_smo_sees_what_waits_for_them_what_they_returned_and_accepted_and_what_is_closing():
    smo = user_with_role(Role.SMO)
    waiting = _handover(smo, HandoverStatus.SUBMITTED, service_name="Campus LAN Gent")
    returned = _handover(smo, HandoverStatus.RETURNED, reason="The as-built drawings are missing")
    accepted = _handover(smo, HandoverStatus.ACCEPTED, service_name="Datacenter Mechelen")
    last_month = _handover(
        smo, HandoverStatus.ACCEPTED, decided_days_ago=timezone.localdate().day + 3, service_name="Old WAN"
    )
    closing = ProjectFactory(phase=Phase.CLOSING, name="Wifi Leuven closing")
    someone_elses = _handover(user_with_role(Role.SMO), HandoverStatus.SUBMITTED, service_name="Not yours")
    draft = _handover(smo, HandoverStatus.DRAFT, service_name="Still a draft")
    ProjectFactory(phase=Phase.EXECUTION, name="Execution project")

    page = _home(smo)

    assert waiting.service_name in _section(page, "smo-waiting")
    assert "The as-built drawings are missing" in _section(page, "smo-returned")
    assert returned.project.code in _section(page, "smo-returned")
    assert accepted.service_name in _section(page, "smo-accepted")
    assert last_month.service_name not in page
    closing_card = _section(page, "smo-closing")
    assert closing.name in closing_card and "No hand-over yet" in closing_card
    assert waiting.project.code not in closing_card  # its hand-over is submitted: on the waiting card
    drafted = _section(page, "smo-closing")
    assert draft.project.code in drafted and "Hand-over: Draft" in drafted
    assert someone_elses.service_name not in page and draft.service_name not in _section(page, "smo-waiting")
    assert "Execution project" not in page
    # Not the other roles' cards.
    for key in ("engineering-starting", "sales-projects", "finance-orders", "my-projects"):
        assert f'id="{key}"' not in page


def test_the_smo_home_runs_the_same_queries_whatever_the_number_of_hand_overs():
    smo = user_with_role(Role.SMO)
    _smo_data(smo, 2)
    small = _queries(smo)
    _smo_data(smo, 12)  # past the cards' limit of eight rows

    assert (small, _queries(smo)) == (10, 10)


def test_the_smo_is_never_refused_a_page_of_the_top_bar():
    from pmo.navigation import navigation_menus

    smo = user_with_role(Role.SMO)
    client = Client()
    client.force_login(smo)

    for item in navigation_menus(smo):
        for link in item.links:
            assert client.get(link.url, secure=True).status_code == 200, link.url
    # The dashboards entry is not theirs; the address still sends them home rather than refusing.
    assert client.get("/reporting/", secure=True).url == "/"


# --- the engineering manager --------------------------------------------------------------------


def _monday() -> date:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday())


def _engineering_data(count: int) -> None:
    today = timezone.localdate()
    for number in range(count):
        busy = ResourceFactory(name=f"Busy engineer {number}", weekly_capacity_hours=Decimal("10.0"))
        task = TaskFactory(planned_start=_monday(), planned_end=_monday() + timedelta(days=4))
        AssignmentFactory(task=task, resource=busy, hours=Decimal("30.0"))
        starting = TaskFactory(
            kind=TaskKind.INSTALLATION,
            planned_start=today + timedelta(days=3),
            planned_end=today + timedelta(days=5),
        )
        AssignmentFactory(task=starting, resource=ResourceFactory())
        TaskFactory(planned_start=today + timedelta(days=20), planned_end=today + timedelta(days=30))


def test_the_engineering_manager_sees_over_booked_weeks_tasks_starting_and_tasks_without_anyone():
    manager = user_with_role(Role.ENGINEERING_MANAGER)
    today = timezone.localdate()
    busy = ResourceFactory(name="Annelies Busy", weekly_capacity_hours=Decimal("20.0"))
    calm = ResourceFactory(name="Bram Calm", weekly_capacity_hours=Decimal("38.0"))
    week_task = TaskFactory(planned_start=_monday(), planned_end=_monday() + timedelta(days=4))
    AssignmentFactory(task=week_task, resource=busy, hours=Decimal("35.0"))
    AssignmentFactory(
        task=TaskFactory(planned_start=_monday(), planned_end=_monday() + timedelta(days=4)),
        resource=calm,
        hours=Decimal("10.0"),
    )
    install = TaskFactory(
        name="Mount the access points",
        kind=TaskKind.INSTALLATION,
        planned_start=today + timedelta(days=2),
        planned_end=today + timedelta(days=4),
    )
    AssignmentFactory(task=install, resource=calm, hours=Decimal("4.0"))
    later = TaskFactory(
        name="Later engineering",
        planned_start=today + timedelta(days=20),
        planned_end=today + timedelta(days=25),
    )
    TaskFactory(
        name="Order the switches",
        kind=TaskKind.PROCUREMENT,
        planned_start=today + timedelta(days=1),
        planned_end=today + timedelta(days=2),
    )
    TaskFactory(
        name="Finished design",
        status=TaskStatus.DONE,
        planned_start=today + timedelta(days=1),
        planned_end=today + timedelta(days=30),
    )

    page = _home(manager)

    over = _section(page, "engineering-over-allocated")
    assert "Annelies Busy" in over and "Bram Calm" not in over
    starting = _section(page, "engineering-starting")
    assert "Mount the access points" in starting and "Bram Calm" in starting
    assert "Later engineering" not in starting and "Order the switches" not in starting
    unassigned = _section(page, "engineering-unassigned")
    assert later.name in unassigned and install.name not in unassigned
    assert "Finished design" not in page and "Order the switches" not in page
    for key in ("smo-waiting", "sales-quotations", "finance-invoices"):
        assert f'id="{key}"' not in page


def test_the_engineering_manager_home_runs_the_same_queries_whatever_the_plan_size():
    manager = user_with_role(Role.ENGINEERING_MANAGER)
    _engineering_data(2)
    small = _queries(manager)
    _engineering_data(20)

    assert (small, _queries(manager)) == (14, 14)


# --- sales --------------------------------------------------------------------------------------


def _sales_data(seller, count: int) -> None:
    for _number in range(count):
        project = ProjectFactory(account_manager=seller, phase=Phase.EXECUTION)
        ProgressUpdateFactory(project=project, rag_overall="amber")
        TaskFactory(
            project=project,
            kind=TaskKind.MILESTONE,
            planned_start=timezone.localdate() + timedelta(days=9),
            planned_end=timezone.localdate() + timedelta(days=9),
        )
        QuotationLineFactory(quotation=QuotationFactory(created_by=seller))


def test_sales_see_their_quotations_by_state_and_the_projects_they_sold_with_rag_and_next_milestone():
    seller = user_with_role(Role.SALES)
    other_seller = user_with_role(Role.SALES)
    sold = ProjectFactory(account_manager=seller, phase=Phase.EXECUTION, name="Sold campus network")
    ProgressUpdateFactory(project=sold, rag_overall="red")
    in_ten_days = timezone.localdate() + timedelta(days=10)
    TaskFactory(
        project=sold,
        kind=TaskKind.MILESTONE,
        name="Site acceptance",
        planned_start=in_ten_days,
        planned_end=in_ten_days,
    )
    ProjectFactory(account_manager=other_seller, name="Someone else's sale")
    ProjectFactory(account_manager=seller, phase=Phase.HANDED_OVER, name="Long handed over")
    draft = QuotationFactory(created_by=seller, title="Draft for Gent")
    QuotationLineFactory(quotation=draft)
    QuotationFactory(created_by=seller, status="sent", title="Sent to Leuven")
    QuotationFactory(created_by=seller, status="accepted", title="Accepted Brugge")
    QuotationFactory(created_by=other_seller, title="Not my quotation")

    page = _home(seller)

    projects = _section(page, "sales-projects")
    assert "Sold campus network" in projects and "rag-red" in projects and "Site acceptance" in projects
    assert "Someone else's sale" not in page and "Long handed over" not in page
    quotations = _section(page, "sales-quotations")
    assert "Draft for Gent" in quotations and "Sent to Leuven" in quotations
    assert "Accepted Brugge" not in quotations  # counted, not listed
    assert 'data-status="accepted">Accepted <strong>1</strong>' in quotations
    assert "Not my quotation" not in page
    assert "1.800,00" in quotations or "1,800.00" in quotations  # the draft's four access points
    assert 'id="my-projects"' not in page  # the sold projects are in their own card
    for key in ("smo-waiting", "engineering-starting", "finance-orders"):
        assert f'id="{key}"' not in page


def test_the_sales_home_runs_the_same_queries_whatever_the_number_of_sales():
    seller = user_with_role(Role.SALES)
    _sales_data(seller, 2)
    small = _queries(seller)
    _sales_data(seller, 20)

    assert (small, _queries(seller)) == (10, 10)


# --- finance ------------------------------------------------------------------------------------


def _order(status, *, amount, project=None, **kwargs):
    order = PurchaseOrderFactory(status=status, project=project or ProjectFactory(), **kwargs)
    if status == PurchaseOrderStatus.SUBMITTED:
        order.submitted_at = timezone.now()
        order.save(update_fields=["submitted_at"])
    PurchaseOrderLineFactory(order=order, quantity=Decimal("1"), unit_price=amount)
    return order


def _finance_data(finance, count: int) -> None:
    for number in range(count):
        order = _order(PurchaseOrderStatus.SUBMITTED, amount=Decimal(1000 + number))
        SupplierInvoice.objects.create(
            order=order,
            supplier=order.supplier,
            number=f"INV-{number}",
            invoice_date=timezone.localdate(),
            status=InvoiceStatus.MISMATCH,
            recorded_by=finance,
        )
        EInvoice.objects.create(
            kind="invoice",
            status=EInvoiceStatus.TO_RESOLVE,
            number=f"E-{number}",
            supplier=order.supplier,
            xml="<Invoice/>",
            payable_amount=Decimal("12.10"),
        )


def test_finance_sees_ordered_against_invoiced_invoices_to_resolve_and_orders_by_amount():
    finance = user_with_role(Role.FINANCE)
    approved = _order(PurchaseOrderStatus.APPROVED, amount=Decimal("4000.00"))
    small = _order(
        PurchaseOrderStatus.SUBMITTED, amount=Decimal("250.00"), supplier=SupplierFactory(name="Small BV")
    )
    large = _order(
        PurchaseOrderStatus.SUBMITTED, amount=Decimal("98000.00"), supplier=SupplierFactory(name="Large NV")
    )
    _order(
        PurchaseOrderStatus.DRAFT, amount=Decimal("777.00"), supplier=SupplierFactory(name="Draft Supplier")
    )
    mismatch = SupplierInvoice.objects.create(
        order=approved,
        supplier=approved.supplier,
        number="INV-MISMATCH",
        invoice_date=timezone.localdate(),
        status=InvoiceStatus.MISMATCH,
        recorded_by=finance,
    )
    SupplierInvoice.objects.create(
        order=approved,
        supplier=approved.supplier,
        number="INV-MATCHED",
        invoice_date=timezone.localdate(),
        status=InvoiceStatus.MATCHED,
        recorded_by=finance,
    )
    EInvoice.objects.create(
        kind="invoice",
        status=EInvoiceStatus.TO_RESOLVE,
        number="PEPPOL-7",
        supplier_name="Unknown Supplier SRL",
        xml="<Invoice/>",
        payable_amount=Decimal("121.00"),
    )
    EInvoice.objects.create(
        kind="invoice", status=EInvoiceStatus.MATCHED, number="PEPPOL-DONE", xml="<Invoice/>"
    )

    page = _home(finance)

    commitments = _section(page, "finance-commitments")
    assert "4.000,00" in commitments or "4,000.00" in commitments  # approved: ordered; submitted: not yet
    invoices = _section(page, "finance-invoices")
    assert mismatch.number in invoices and "INV-MATCHED" not in invoices
    assert "PEPPOL-7" in invoices and "PEPPOL-DONE" not in invoices
    orders = _section(page, "finance-orders")
    assert orders.index(large.number) < orders.index(small.number)
    assert "Draft Supplier" not in orders
    for key in ("smo-waiting", "engineering-starting", "sales-projects"):
        assert f'id="{key}"' not in page


def test_finance_reads_the_waiting_orders_of_every_project_without_matching_them_to_the_projects():
    finance = user_with_role(Role.FINANCE)
    waiting = _order(PurchaseOrderStatus.SUBMITTED, amount=Decimal("500.00"))
    outside = PurchaseOrderFactory(
        status=PurchaseOrderStatus.SUBMITTED, project=None, submitted_at=timezone.now()
    )
    client = Client()
    client.force_login(finance)

    with CaptureQueriesContext(connection) as captured:
        page = client.get("/", secure=True).text

    orders = _section(page, "finance-orders")
    assert waiting.number in orders and outside.number not in orders  # an order outside any project: not
    panel = [
        query["sql"]
        for query in captured
        if '"procurement_purchaseorder"."status" = \'submitted\'' in query["sql"]
    ]
    assert panel
    assert not [sql for sql in panel if 'IN (SELECT "U0"."id" AS "pk" FROM "projects_project" "U0")' in sql]


def test_only_finance_gets_the_finance_cards():
    page = _home(user_with_role(Role.PROJECT_MANAGER))

    assert 'id="role-home"' not in page and 'id="my-projects"' in page


def test_the_finance_home_runs_the_same_queries_whatever_the_number_of_invoices_and_orders():
    finance = user_with_role(Role.FINANCE)
    _finance_data(finance, 2)
    small = _queries(finance)
    _finance_data(finance, 12)

    assert (small, _queries(finance)) == (10, 10)


def _figure(page: str, key: str) -> str:
    return re.search(rf'data-figure="{key}">([^<]+)<', page).group(1).strip()


def test_the_finance_home_and_the_finance_dashboard_show_the_same_committed_amount():
    finance = user_with_role(Role.FINANCE)
    _order(PurchaseOrderStatus.APPROVED, amount=Decimal("4000.00"))
    partly = _order(PurchaseOrderStatus.PARTIALLY_RECEIVED, amount=Decimal("100.00"))
    partly.lines.update(
        quantity=Decimal("10"),
        received_quantity=Decimal("4"),
        invoiced_quantity=Decimal("2"),
        invoiced_amount=Decimal("200.00"),
    )
    received = _order(PurchaseOrderStatus.RECEIVED, amount=Decimal("1000.00"))
    received.lines.update(received_quantity=Decimal("1"))
    for status in (PurchaseOrderStatus.SUBMITTED, PurchaseOrderStatus.DRAFT, PurchaseOrderStatus.CANCELLED):
        _order(status, amount=Decimal("777.00"))
    budget_totals_repair()  # the lines were updated behind the services' back, which keep the totals
    client = Client()
    client.force_login(finance)

    home = _home(finance)
    dashboard = client.get(reverse("reporting:finance"), secure=True).text

    # Approved 4,000 and the 600 not yet received of the partly received order; what is received
    # (400 + 1,000) is no longer committed, and nothing of the orders not approved is.
    assert _figure(home, "committed") == _figure(dashboard, "committed")
    assert re.sub(r"\D", "", _figure(home, "committed")) == "460000"
    assert "Ordered (committed)" not in home and "Committed" in _section(home, "finance-commitments")
    assert re.sub(r"\D", "", _figure(home, "received-not-invoiced")) == "120000"
