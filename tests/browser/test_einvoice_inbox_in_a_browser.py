"""Finance, in French, uploads two Peppol invoices at once, opens the one to resolve and matches it."""

import os
from pathlib import Path

import pytest

from pmo.roles import Role
from procurement.models import EInvoice, EInvoiceStatus, SupplierInvoice
from tests.browser.conftest import browser_user, sign_in
from tests.browser.screens import save_screenshot
from tests.procurement.einvoice_samples import adapted_invoice, order_for_vat_category_s, small_pdf

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("SHOTS_DIR", "/tmp/einvoices"))


def _shot(page, name: str) -> None:
    if SHOTS.is_dir():
        save_screenshot(page, str(SHOTS / f"{name}.png"), full_page=True)


def test_finance_uploads_two_invoices_and_resolves_the_one_without_its_order(page, tmp_path):
    finance = browser_user(Role.FINANCE, "fiona")
    finance.preferred_language = "fr"
    finance.save(update_fields=["preferred_language"])
    order = order_for_vat_category_s(name="Elektro Verbruggen NV")
    order.lines.update(quantity=20, received_quantity=20)  # room for both invoices of 10
    good, lost = tmp_path / "facture-A-1.xml", tmp_path / "facture-B-7.xml"
    good.write_bytes(adapted_invoice(order, number="A-1", pdf=small_pdf()))
    lost.write_bytes(adapted_invoice(order, number="B-7").replace(order.number.encode(), b"PO-2025-00999"))

    sign_in(page, "fiona")
    page.goto("/procurement/einvoices/")
    page.set_input_files("input[name=documents]", [str(good), str(lost)])
    page.get_by_role("button", name="Téléverser").click()
    page.wait_for_load_state()
    _shot(page, "einvoice-inbox-fr")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 2
    assert "Rapprochée" in rows.filter(has_text="A-1").inner_text()
    assert "À résoudre" in rows.filter(has_text="B-7").inner_text()
    assert "PO-2025-00999" in rows.filter(has_text="B-7").inner_text()

    page.get_by_role("link", name="À résoudre").click()
    page.wait_for_load_state()
    assert page.locator("main table tbody tr").count() == 1
    page.get_by_role("link", name="Facture B-7").click()
    page.wait_for_load_state()
    _shot(page, "einvoice-to-resolve-fr")
    assert "Associer à une commande et rapprocher" in page.content()
    page.select_option("select[name=order]", label=f"{order.number} · {order.supplier} · {order.title}")
    page.get_by_role("button", name="Rapprocher", exact=True).click()
    page.wait_for_load_state()
    _shot(page, "einvoice-resolved-fr")
    assert page.locator("#einvoice-status").inner_text() == "Rapprochée"
    lost_einvoice = EInvoice.objects.get(number="B-7")
    assert lost_einvoice.status == EInvoiceStatus.MATCHED and lost_einvoice.order == order
    assert SupplierInvoice.objects.filter(number="B-7").exists()

    page.goto("/procurement/einvoices/")
    page.get_by_role("link", name="Facture A-1").click()
    page.wait_for_load_state()
    _shot(page, "einvoice-matched-with-pdf-fr")
    link = page.get_by_role("link", name="Le PDF du fournisseur").get_attribute("href")
    pdf = page.request.get(link)  # with finance's session, as the browser opens it
    assert (
        pdf.status == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.body() == small_pdf()
    )
    assert page.console_errors == []
