"""Orders through the pages: a PM's 12,000 EUR order approved to the end, an order outside any project
approved by the head of PM in writing (printed on the PDF), a partial receipt, an invoice 5 % over price."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from playwright.sync_api import expect

from pmo.roles import Role
from procurement.models import PurchaseOrder, PurchaseOrderStatus, SupplierInvoice
from tests.browser.journey import nav_click
from tests.browser.screens import save_screenshot

S = PurchaseOrderStatus
ORDERS = "a[href='/procurement/orders/']"


def order_steps(journey) -> None:
    number = _raise_order(journey, project_code=journey.state["project_code"], price="12.000,00")
    journey.state["order_number"] = number
    _approve_as(journey, Role.PM_SUPPORT, number)
    _approve_as(journey, Role.HEAD_OF_PM, number)
    assert PurchaseOrder.objects.get(number=number).status == S.APPROVED
    outside = _raise_order(journey, project_code=None, price="450,00")
    _approve_as(journey, Role.HEAD_OF_PM, outside, justification="Tools for the whole team, not one project.")
    _pdf_holds(journey, Role.PROJECT_MANAGER, outside, "Tools for the whole team")
    _partial_receipt(journey, number)
    _invoice_over_price(journey, number)


def _raise_order(journey, *, project_code: str | None, price: str) -> str:
    page = journey.as_(Role.PROJECT_MANAGER)
    page.goto("/")
    nav_click(page, ORDERS)
    page.click("a[href='/procurement/orders/create/']")
    if project_code:
        option = page.locator("select[name=project] option", has_text=project_code).first
        page.select_option("select[name=project]", value=option.get_attribute("value"))
        page.locator("select[name=lines-0-budget_line] option").nth(1).wait_for(state="attached")
    page.select_option("select[name=supplier]", index=1)
    page.fill("input[name=title]", "Switches" if project_code else "Tools")
    page.fill("input[name=lines-0-description]", "Access switches" if project_code else "Tool case")
    page.fill("input[name=lines-0-quantity]", "1")
    page.fill("input[name=lines-0-unit_price]", price)
    if project_code:
        page.select_option("select[name=lines-0-budget_line]", index=1)
    page.locator("input[name=lines-0-unit]").press("Tab")
    expect(page.locator("[data-total=excl]")).to_contain_text(price)  # the running total, recalculated
    save_screenshot(
        page, f"/tmp/money/order-form-{journey.language}-{bool(project_code)}.png", full_page=True
    )
    page.click("form[method=post] button.btn-primary[type=submit]")
    page.wait_for_load_state()
    number = re.search(r"PO-\d{4}-\d{5}", page.locator("h1").inner_text()).group(0)
    page.click("form[action$='/submit/'] button")
    page.wait_for_load_state()
    order = PurchaseOrder.objects.get(number=number)
    assert order.status == S.SUBMITTED and order.requester == journey.user(Role.PROJECT_MANAGER)
    assert page.locator(".approval-blocker").count() == 1  # the PM is told why they cannot approve
    assert page.locator(".approval-waiting-for").count() >= 1
    save_screenshot(
        page, f"/tmp/money/order-submitted-{journey.language}-{bool(project_code)}.png", full_page=True
    )
    return number


def _approve_as(journey, role: str, number: str, justification: str = "") -> None:
    page = journey.as_(role)
    page.goto("/")
    nav_click(page, ORDERS)
    page.click("a[href='/procurement/orders/awaiting/']")
    page.click(f"a:has-text('{number}') >> nth=0")
    page.wait_for_load_state()
    before = PurchaseOrder.objects.get(number=number).approvals.count()
    if justification:
        page.fill("form[action$='/approve/'] textarea[name=justification]", justification)
    page.click("form[action$='/approve/'] button[type=submit]")
    page.wait_for_load_state()
    order = PurchaseOrder.objects.get(number=number)
    assert order.approvals.count() == before + 1
    assert order.approvals.filter(approver=journey.user(role)).exists()
    if justification:
        assert order.approvals.get(approver=journey.user(role)).justification == justification


def _pdf_holds(journey, role: str, number: str, text: str) -> None:
    from pypdf import PdfReader

    page = journey.as_(role)
    _order_page(page, number)
    href = page.locator("a[href$='/pdf/']").first.get_attribute("href")
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert text in " ".join(pdf_text.split()), pdf_text[:500]


def _order_page(page, number: str) -> None:
    page.goto("/")
    nav_click(page, ORDERS)
    page.click(f"a:has-text('{number}') >> nth=0")
    page.wait_for_load_state()


def _partial_receipt(journey, number: str) -> None:
    page = journey.as_(Role.PROJECT_MANAGER)
    _order_page(page, number)
    page.click("a[href$='/receive/']")
    line = PurchaseOrder.objects.get(number=number).lines.get()
    page.fill(f"input[name=line_{line.pk}]", "0,5")
    page.click("form[method=post] button[type=submit].btn-primary")
    page.wait_for_load_state()
    line.refresh_from_db()
    assert line.received_quantity == Decimal("0.500")
    assert PurchaseOrder.objects.get(number=number).status == S.PARTIALLY_RECEIVED


def _invoice_over_price(journey, number: str) -> None:
    page = journey.as_(Role.FINANCE)
    _order_page(page, number)
    page.click("a[href$='/invoices/create/']")
    line = PurchaseOrder.objects.get(number=number).lines.get()
    page.fill("input[name=number]", f"INV-{number}")
    page.fill("input[name=invoice_date]", "2026-12-01")
    page.fill(f"input[name=quantity_{line.pk}]", "0,5")
    page.fill(f"input[name=price_{line.pk}]", "12.600,00")  # 5 % over 12.000,00
    page.click("form[method=post] button[type=submit].btn-primary")
    page.wait_for_load_state()
    invoice = SupplierInvoice.objects.get(number=f"INV-{number}")
    assert invoice.status == "mismatch"
    save_screenshot(page, f"/tmp/money/invoice-{journey.language}.png", full_page=True)
    assert page.locator("text=12.600,00").count() or page.locator("text=12 600,00").count()
