"""From a request to an approved order, through the pages: an engineer asks in Dutch, the PMO (French)
accepts it and asks three suppliers for quotes, records two, the third answers through its link, the PMO
compares and awards the one that is not the cheapest with a written reason, and the project's PM (French)
approves the order. The engineer then sees the order's state on the requisition."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from pmo.models import User
from pmo.roles import Role
from procurement.models import (
    PurchaseOrderStatus,
    PurchaseRequisition,
    RequestForQuotation,
    RequisitionStatus,
    RfqStatus,
    SupplierQuote,
)
from tests.browser.conftest import sign_in
from tests.browser.journey import PDF, Journey, follow, messages_text, nav_click, submit
from tests.browser.screens import save_screenshot, screenshot_dir
from tests.factories import (
    AssignmentFactory,
    BudgetLineFactory,
    ProjectFactory,
    ResourceFactory,
    SupplierFactory,
    TaskFactory,
    cost_category,
)

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = screenshot_dir("tenders")


@pytest.fixture
def shipped_data(transactional_db):
    import importlib

    from django.apps import apps

    importlib.import_module("pmo.migrations.0002_role_groups").create_role_groups(apps, None)
    importlib.import_module("procurement.migrations.0002_default_categories_and_rules").create_defaults(
        apps, None
    )


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    save_screenshot(page, str(SHOTS / f"{name}.png"), full_page=True)


def _engineer_page(browser, base_url, project):
    engineer = User.objects.create_user(
        username="koen",
        email="koen@example.com",
        password="demo",
        display_name="Koen Maes",
        preferred_language="nl",
    )
    AssignmentFactory(task=TaskFactory(project=project), resource=ResourceFactory(user=engineer))
    context = browser.new_context(base_url=base_url, locale="nl-BE")
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "koen")
    return engineer, page


def _option_value(page, select: str, text: str) -> str:
    return page.locator(f"{select} option", has_text=text).first.get_attribute("value")


def test_requisition_to_tender_to_approved_order(browser, live_server, shipped_data):
    journey = Journey(browser=browser, base_url=live_server.url, language="fr")
    _pmo, pm = journey.user(Role.PM_SUPPORT), journey.user(Role.PROJECT_MANAGER)
    project = ProjectFactory(project_manager=pm, budget=Decimal("200000.00"))
    BudgetLineFactory(project=project, category=cost_category(), budget=Decimal("50000.00"))
    expires = timezone.localdate() + timedelta(days=365)
    SupplierFactory(name="Aaa Kabel", language="nl")
    SupplierFactory(
        name="Bbb Câblage", language="fr", kind="subcontractor", is_vca_certified=True, vca_expires_on=expires
    )
    SupplierFactory(name="Ccc Netwerk", language="nl", kind="subcontractor", is_vca_certified=False)
    engineer, engineer_page = _engineer_page(browser, live_server.url, project)
    try:
        number = _engineer_requests(engineer_page, project, engineer)
        rfq_number = _pmo_accepts_and_asks_for_quotes(journey, number)
        _three_quotes(journey, rfq_number)
        order_number = _compare_and_award(journey, rfq_number)
        _pm_approves(journey, order_number)
        _engineer_sees_the_order(engineer_page, number, order_number)
    finally:
        journey.close()
        engineer_page.context.close()
    assert not journey.console_errors


def _engineer_requests(page, project, engineer) -> str:
    page.goto("/procurement/requisitions/")  # the link the PMO gives the team
    assert "Aankoopaanvragen" in page.inner_text("h1")
    follow(page, r"/procurement/requisitions/create/$")
    page.select_option("select[name=project]", value=str(project.pk))
    page.fill("input[name=description]", "Patchkabels Cat6A 2 m")
    page.fill("input[name=quantity]", "24")
    page.fill("input[name=estimated_unit_price]", "4,50")
    page.fill("input[name=needed_by]", (timezone.localdate() + timedelta(days=20)).isoformat())
    page.select_option("select[name=budget_line]", index=1)
    page.set_input_files(
        "input[name=attachment]", files=[{"name": "schema.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    _shot(page, "01-nl-engineer-requests")
    submit(page, "main form[method=post] button[type=submit]")
    requisition = PurchaseRequisition.objects.get(requester=engineer)
    assert requisition.status == RequisitionStatus.SUBMITTED, messages_text(page)
    assert requisition.estimated_unit_price == Decimal("4.50") and requisition.attachment_name == "schema.pdf"
    assert "Ingediend" in page.inner_text("main")
    return requisition.number


def _pmo_accepts_and_asks_for_quotes(journey, number: str) -> str:
    page = journey.as_(Role.PM_SUPPORT)
    page.goto("/")
    follow(page, r"^/procurement/requisitions/$")
    page.click(f"a:has-text('{number}')")
    page.wait_for_load_state()
    submit(page, "form[action$='/accept/'] button")
    assert PurchaseRequisition.objects.get(number=number).status == RequisitionStatus.ACCEPTED
    assert "Accepté" in page.inner_text("main")
    follow(page, r"/requisitions/order/$")
    page.check(f"input[name=requisitions][value='{PurchaseRequisition.objects.get(number=number).pk}']")
    submit(page, "button[name=tender]")
    rfq = RequestForQuotation.objects.get()
    assert rfq.lines.get().requisition.number == number
    line_form = page.locator("form.rfq-line-add")
    line_form.locator("input[name=line-description]").fill("Kabeltrekken en aansluiten")
    line_form.locator("input[name=line-quantity]").fill("16")
    line_form.locator("input[name=line-unit]").fill("h")
    line_form.locator("select[name=line-budget_line]").select_option(index=1)
    submit(page, line_form.locator("button[type=submit]"))
    for name in ("Aaa Kabel", "Bbb Câblage", "Ccc Netwerk"):
        page.select_option(
            "form.rfq-invite select[name=supplier]", value=_option_value(page, "form.rfq-invite select", name)
        )
        submit(page, "form.rfq-invite button[type=submit]")
    page.set_input_files(
        "form.rfq-document-add input[name=file]",
        files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    submit(page, "form.rfq-document-add button[type=submit]")
    assert page.locator(".vca-missing").count() == 2 and page.locator(".vca-valid").count() == 1
    _shot(page, "02-fr-pmo-rfq-draft")
    submit(page, "form[action$='/send/'] button")
    rfq.refresh_from_db()
    assert rfq.status == RfqStatus.SENT and rfq.lines.count() == 2 and rfq.invitations.count() == 3
    sent = {message.to[0]: message for message in mail.outbox if rfq.number in message.subject}
    assert len(sent) == 3  # one email per supplier, each in its language with the PDF and the pack
    french = next(message for message in sent.values() if message.subject.startswith("Demande de prix"))
    assert {name for name, _content, _type in french.attachments} == {f"{rfq.number}.pdf", "plan.pdf"}
    return rfq.number


def _record_quote(page, supplier: str, prices: tuple[str, str], days: str, score: str) -> None:
    row = page.locator("table.rfq-invitations tr", has_text=supplier)
    row.locator("a.quote-record").click()
    page.wait_for_load_state()
    inputs = page.locator("table.quote-prices input")
    inputs.nth(0).fill(prices[0])
    inputs.nth(1).fill(prices[1])
    page.fill("input[name=delivery_days]", days)
    page.select_option("select[name=quality_score]", score)
    submit(page, "main form[method=post] button[type=submit]")
    assert "enregistrée" in messages_text(page), messages_text(page)


def _three_quotes(journey, rfq_number: str) -> None:
    page = journey.as_(Role.PM_SUPPORT)
    rfq = RequestForQuotation.objects.get(number=rfq_number)
    _record_quote(page, "Aaa Kabel", ("4,80", "58,00"), "10", "3")  # 115,20 + 928,00 = 1.043,20
    _record_quote(page, "Bbb Câblage", ("4,95", "56,00"), "5", "5")  # 118,80 + 896,00 = 1.014,80
    invitation = rfq.invitations.get(supplier__name="Ccc Netwerk")
    supplier_page = journey.anonymous()
    supplier_page.goto(f"/procurement/quote/{invitation.token}/")
    assert "Offerteaanvraag" in supplier_page.inner_text("h1")  # the supplier's language, no login
    inputs = supplier_page.locator("table.quote-prices input")
    inputs.nth(0).fill("4,10")
    inputs.nth(1).fill("55,00")  # 98,40 + 880,00 = 978,40: the cheapest
    supplier_page.fill("input[name=delivery_days]", "15")
    _shot(supplier_page, "03-nl-supplier-link")
    submit(supplier_page, "main form[method=post] button[type=submit]")
    assert "Uw offerte is geregistreerd" in supplier_page.inner_text("main")
    supplier_page.context.close()
    quote = SupplierQuote.objects.get(invitation=invitation)
    assert quote.recorded_by is None and quote.lines.count() == 2
    assert SupplierQuote.objects.filter(invitation__rfq=rfq).count() == 3


def _compare_and_award(journey, rfq_number: str) -> str:
    page = journey.as_(Role.PM_SUPPORT)
    rfq = RequestForQuotation.objects.get(number=rfq_number)
    page.goto(rfq.get_absolute_url())
    follow(page, r"/compare/$")
    table = page.locator("table.rfq-comparison")
    assert table.locator("th.supplier-column").count() == 3
    total = table.locator("tr.comparison-total td.lowest")
    assert total.count() == 1 and "978,40" in total.inner_text()
    _shot(page, "04-fr-pmo-comparison")
    bbb = SupplierQuote.objects.get(invitation__rfq=rfq, invitation__supplier__name="Bbb Câblage")
    page.check(f"input[name=quote][value='{bbb.pk}']")
    submit(page, "form.rfq-award button[type=submit]")
    assert "moins chère" in messages_text(page)  # the cheapest is not chosen: a reason is required
    rfq.refresh_from_db()
    assert rfq.status == RfqStatus.SENT and rfq.purchase_order is None
    page.check(f"input[name=quote][value='{bbb.pk}']")
    page.fill(
        "textarea[name=justification]",
        "Ccc Netwerk n'a pas de certificat VCA valable ; Bbb livre en 5 jours.",
    )
    submit(page, "form.rfq-award button[type=submit]")
    rfq.refresh_from_db()
    order = rfq.purchase_order
    assert rfq.status == RfqStatus.AWARDED and order.supplier.name == "Bbb Câblage"
    assert order.number in page.inner_text("h1")
    submit(page, "form[action$='/submit/'] button")
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.SUBMITTED and order.awaiting_roles == [Role.PROJECT_MANAGER]
    _shot(page, "05-fr-order-submitted")
    return order.number


def _pm_approves(journey, order_number: str) -> None:
    page = journey.as_(Role.PROJECT_MANAGER)
    page.goto("/")
    nav_click(page, "a[href='/procurement/orders/']")  # in the Procurement menu of the top bar
    page.click("a[href='/procurement/orders/awaiting/']")
    page.click(f"a:has-text('{order_number}') >> nth=0")
    page.wait_for_load_state()
    assert page.locator(".order-tender").count() == 1
    submit(page, "form[action$='/approve/'] button[type=submit]")
    order = RequestForQuotation.objects.get(purchase_order__number=order_number).purchase_order
    assert order.status == PurchaseOrderStatus.APPROVED
    assert order.approvals.get().approver == journey.user(Role.PROJECT_MANAGER)
    _shot(page, "06-fr-pm-approved")


def _engineer_sees_the_order(page, number: str, order_number: str) -> None:
    page.goto("/procurement/requisitions/")
    page.click(f"a:has-text('{number}')")
    page.wait_for_load_state()
    box = page.locator(".requisition-order").inner_text()
    assert order_number in box and "Goedgekeurd" in box, box
    assert re.search(r"0 / 24", box)
    assert "Besteld" in page.locator("main").inner_text()  # the state badge (the first .badge is the bell)
    _shot(page, "07-nl-engineer-sees-order")
