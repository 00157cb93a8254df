"""The SMO (in French) and the engineering manager (in Dutch) sign in and find their home's cards.

Screenshots of each home, 1280 pixels wide, go to /tmp/homes-<role>.png (HOMES_SHOTS=dir to move them).
"""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone, translation

from pmo.roles import Role
from projects.models import Phase, TaskKind
from quality.models import HandoverDecisionKind, HandoverEvent, HandoverStatus
from tests.browser.conftest import browser_user, sign_in
from tests.browser.screens import save_screenshot
from tests.factories import AssignmentFactory, HandoverFactory, ProjectFactory, ResourceFactory, TaskFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("HOMES_SHOTS", "/tmp"))


def _t(language: str, message: str, **params) -> str:
    """What the page shows for `message` in `language` (the catalog's words, or the English until merged)."""
    with translation.override(language):
        text = translation.gettext(message)
    return text % params if params else text


def _user(role: str, username: str, language: str):
    user = browser_user(role, username)
    user.preferred_language = language
    user.first_name = username.title()
    user.save(update_fields=["preferred_language", "first_name"])
    return user


def _card(page, key: str):
    card = page.locator(f"#{key}")
    card.wait_for()
    return card


def test_the_smo_finds_the_hand_overs_waiting_returned_and_accepted_and_the_projects_closing(page):
    smo = _user(Role.SMO, "sophie", "fr")
    now = timezone.now()
    HandoverFactory(
        smo_owner=smo, status=HandoverStatus.SUBMITTED, submitted_at=now, service_name="LAN Namur"
    )
    returned = HandoverFactory(
        smo_owner=smo,
        status=HandoverStatus.RETURNED,
        submitted_at=now,
        decided_at=now,
        service_name="Wi-Fi Liège",
    )
    HandoverEvent.objects.create(
        handover=returned, kind=HandoverDecisionKind.RETURNED, actor=smo, reason="Les plans as-built manquent"
    )
    HandoverFactory(
        smo_owner=smo,
        status=HandoverStatus.ACCEPTED,
        submitted_at=now,
        decided_at=now,
        service_name="WAN Mons",
    )
    ProjectFactory(phase=Phase.CLOSING, name="Campus Louvain-la-Neuve")

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "sophie")
    page.goto("/")

    waiting = _card(page, "smo-waiting")
    assert _t("fr", "Hand-overs waiting for your decision") in waiting.inner_text()
    assert "LAN Namur" in waiting.inner_text()
    assert "Les plans as-built manquent" in _card(page, "smo-returned").inner_text()
    assert "WAN Mons" in _card(page, "smo-accepted").inner_text()
    closing = _card(page, "smo-closing").inner_text()
    assert "Campus Louvain-la-Neuve" in closing and _t("fr", "No hand-over yet") in closing
    assert page.locator("#engineering-starting").count() == 0
    save_screenshot(page, str(SHOTS / "homes-smo.png"), full_page=True)

    # The hand-over opens from its card; the dashboards address sends the SMO home, not to a 403.
    waiting.get_by_role("link", name="LAN Namur").click()
    page.wait_for_load_state()
    assert "LAN Namur" in page.locator("main").inner_text()
    response = page.goto("/reporting/")
    assert response.status == 200 and page.url.endswith("/")
    assert page.console_errors == []


def test_the_engineering_manager_finds_over_booked_weeks_work_starting_and_tasks_without_anyone(page):
    _user(Role.ENGINEERING_MANAGER, "elke", "nl")
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    busy = ResourceFactory(name="Jan Peeters", weekly_capacity_hours=Decimal("20.0"))
    week = TaskFactory(
        name="Kabelplan gebouw B", planned_start=monday, planned_end=monday + timedelta(days=4)
    )
    AssignmentFactory(task=week, resource=busy, hours=Decimal("36.0"))
    install = TaskFactory(
        name="Access points monteren",
        kind=TaskKind.INSTALLATION,
        planned_start=today + timedelta(days=3),
        planned_end=today + timedelta(days=5),
    )
    AssignmentFactory(task=install, resource=ResourceFactory(name="An Janssens"), hours=Decimal("8.0"))
    TaskFactory(
        name="Firewall configureren",
        planned_start=today + timedelta(days=6),
        planned_end=today + timedelta(days=9),
    )

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "elke")
    page.goto("/")

    over = _card(page, "engineering-over-allocated").inner_text()
    assert "Jan Peeters" in over and "180 %" in over
    starting = _card(page, "engineering-starting").inner_text()
    assert _t("nl", "Engineering and installation starting in the next two weeks") in starting
    assert "Access points monteren" in starting and "An Janssens" in starting
    assert "Firewall configureren" in starting and _t("nl", "Nobody") in starting
    assert "Firewall configureren" in _card(page, "engineering-unassigned").inner_text()
    assert page.locator("#smo-waiting").count() == 0
    save_screenshot(page, str(SHOTS / "homes-engineering-manager.png"), full_page=True)

    # The week links to the capacity page on that week.
    _card(page, "engineering-over-allocated").get_by_role("link").first.click()
    page.wait_for_load_state()
    assert "Jan Peeters" in page.locator("main").inner_text()
    assert page.console_errors == []


def test_sales_and_finance_find_their_homes(page):
    from procurement.models import (
        EInvoice,
        EInvoiceStatus,
        InvoiceStatus,
        PurchaseOrderStatus,
        SupplierInvoice,
    )
    from tests.factories import (
        ProgressUpdateFactory,
        PurchaseOrderFactory,
        PurchaseOrderLineFactory,
        QuotationFactory,
        QuotationLineFactory,
        SupplierFactory,
    )

    seller = _user(Role.SALES, "sam", "fr")
    finance = _user(Role.FINANCE, "fien", "nl")
    sold = ProjectFactory(account_manager=seller, phase=Phase.EXECUTION, name="Réseau campus Wavre")
    ProgressUpdateFactory(project=sold, rag_overall="amber")
    soon = timezone.localdate() + timedelta(days=12)
    TaskFactory(
        project=sold,
        kind=TaskKind.MILESTONE,
        name="Réception provisoire",
        planned_start=soon,
        planned_end=soon,
    )
    QuotationLineFactory(quotation=QuotationFactory(created_by=seller, title="Wi-Fi hôpital Namur"))
    QuotationFactory(created_by=seller, status="accepted", title="Firewall Charleroi")
    order = PurchaseOrderFactory(
        status=PurchaseOrderStatus.APPROVED,
        project=sold,
        supplier=SupplierFactory(name="Elektro Verbruggen NV"),
    )
    PurchaseOrderLineFactory(order=order, quantity=Decimal("1"), unit_price=Decimal("12500.00"))
    waiting = PurchaseOrderFactory(
        status=PurchaseOrderStatus.SUBMITTED,
        project=sold,
        submitted_at=timezone.now(),
        supplier=SupplierFactory(name="Kabel Claes BV"),
    )
    PurchaseOrderLineFactory(order=waiting, quantity=Decimal("3"), unit_price=Decimal("2400.00"))
    SupplierInvoice.objects.create(
        order=order,
        supplier=order.supplier,
        number="F-2026-118",
        invoice_date=timezone.localdate(),
        status=InvoiceStatus.MISMATCH,
        recorded_by=finance,
    )
    EInvoice.objects.create(
        kind="invoice",
        status=EInvoiceStatus.TO_RESOLVE,
        number="PEP-42",
        supplier_name="Onbekend BV",
        xml="<Invoice/>",
        payable_amount=Decimal("1210.00"),
    )

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "sam")
    page.goto("/")
    projects = _card(page, "sales-projects").inner_text()
    assert "Réseau campus Wavre" in projects and "Réception provisoire" in projects
    quotations = _card(page, "sales-quotations").inner_text()
    assert "Wi-Fi hôpital Namur" in quotations and "Firewall Charleroi" not in quotations
    assert "1.800,00\xa0€" in quotations  # the house's money format in French (pmo.lib.money)
    save_screenshot(page, str(SHOTS / "homes-sales.png"), full_page=True)

    page.context.clear_cookies()
    sign_in(page, "fien")
    page.goto("/")
    assert "12.500,00" in _card(page, "finance-commitments").inner_text()
    invoices = _card(page, "finance-invoices").inner_text()
    assert "F-2026-118" in invoices and "PEP-42" in invoices
    assert "7.200,00" in _card(page, "finance-orders").inner_text()
    save_screenshot(page, str(SHOTS / "homes-finance.png"), full_page=True)
    assert page.console_errors == []
