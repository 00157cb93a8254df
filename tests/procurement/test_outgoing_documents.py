"""Outgoing PDFs carry the letterhead and legal mentions of the company profile (read back with pypdf)."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from pypdf import PdfReader

from pmo.seed import DEMO_COMPANY
from pmo.services import company_profile_save
from pmo.templatetags.pmo_tags import money
from procurement.models import PurchaseOrder, PurchaseOrderStatus
from procurement.services.documents import purchase_order_document_context, purchase_order_pdf
from projects.documents import quotation_document_context, quotation_pdf
from tests.factories import QuotationFactory, QuotationLineFactory
from tests.procurement.peppol_samples import sample_orders

pytestmark = pytest.mark.django_db
OUT = Path("/tmp/peppol")

MENTIONS = {
    "fr": ("Numéro d'entreprise 0784.123.452", "RPM Gent, afdeling Gent", "Siège"),
    "nl": ("Ondernemingsnummer 0784.123.452", "RPR Gent, afdeling Gent", "Zetel"),
    "en": ("Enterprise number 0784.123.452", "RLE Gent, afdeling Gent", "Registered office"),
}
LEGAL_FORM = {"fr": "SRL", "nl": "BV", "en": "SRL"}


def pages(pdf: bytes, name: str = "") -> list[str]:
    if name and OUT.is_dir():
        (OUT / f"{name}.pdf").write_bytes(pdf)
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def assert_letterhead(text: str, language: str) -> None:
    for mention in MENTIONS[language]:
        assert mention in text, mention
    assert f"Lumen Integration {LEGAL_FORM[language]}" in text
    assert "BE0784123452" in text and "BE71096123456769" in text and "Kortrijksesteenweg 1000" in text


@pytest.fixture
def company():
    return company_profile_save(actor=None, **DEMO_COMPANY)


def _long_order():
    orders = sample_orders()
    order = orders["mixed VAT 21/12/6/0, four units, delivery address"]
    line = order.lines.first()
    for position in range(60):  # several pages
        line.pk, line.position, line.description = None, 10 + position, f"Patch cable {position}"
        line.save()
    return PurchaseOrder.objects.get(pk=order.pk), orders


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_a_draft_order_is_marked_on_every_page_and_carries_the_legal_mentions(company, language):
    order, _orders = _long_order()
    texts = pages(purchase_order_pdf(order=order, language=language), f"po-draft-{language}")
    assert len(texts) >= 2
    draft = {"fr": "PROJET \u2013 non approuvé", "nl": "ONTWERP \u2013 niet goedgekeurd"}[language]
    for text in texts:
        assert draft in text
        assert MENTIONS[language][0] in text and MENTIONS[language][1] in text  # the footer on every page
    whole = " ".join(texts)
    assert_letterhead(whole, language)
    context = purchase_order_document_context(order=order)
    with translation.override(language):
        assert money(context["total_incl"]).replace("\u00a0", " ") in whole.replace("\u00a0", " ")
    units = {"fr": ("jour", "pce"), "nl": ("dag", "st")}[language]
    assert all(f" {unit} " in whole for unit in units)
    terms = {"fr": "Conditions générales d'achat", "nl": "Algemene aankoopvoorwaarden"}[language]
    assert terms in whole and DEMO_COMPANY[f"purchase_terms_{language}"][:40] in whole


def test_an_approved_order_is_not_marked_draft_and_names_the_reverse_charge_basis(company):
    orders = sample_orders()
    order = orders["Belgian co-contractor reverse charge, no delivery address"]
    PurchaseOrder.objects.filter(pk=order.pk).update(status=PurchaseOrderStatus.APPROVED)
    order.refresh_from_db()
    text = " ".join(pages(purchase_order_pdf(order=order, language="nl"), "po-approved-nl"))
    assert "ONTWERP" not in text
    assert "art. 20 KB nr. 1" in text
    dutch = orders["Dutch supplier, intra-EU services, delivery in the Netherlands"]
    text = " ".join(pages(purchase_order_pdf(order=dutch, language="fr")))
    assert "art. 196 directive 2006/112/CE" in text and "PROJET \u2013 non approuvé" in text


def test_without_a_profile_the_order_still_renders_but_carries_no_made_up_company():
    order = sample_orders()["German supplier, intra-EU goods"]
    text = " ".join(pages(purchase_order_pdf(order=order, language="en")))
    assert "Lumen" not in text and "art. 138 Directive 2006/112/EC" in text


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_quotation_shows_vat_per_rate_the_total_incl_vat_validity_and_terms(company, language):
    quotation = QuotationFactory(language=language)
    QuotationLineFactory(quotation=quotation, quantity=Decimal("4"), unit_price=Decimal("450.00"))
    QuotationLineFactory(quotation=quotation, quantity=Decimal("2"), unit="day", unit_price=Decimal("800"),
                         vat_rate="6")  # fmt: skip
    QuotationLineFactory(quotation=quotation, quantity=Decimal("10"), unit="h", unit_price=Decimal("95"),
                         vat_rate="rc")  # fmt: skip
    text = " ".join(pages(quotation_pdf(quotation=quotation), f"quotation-{language}")).replace("\u00a0", " ")
    assert_letterhead(text, language)
    context = quotation_document_context(quotation=quotation)
    assert [group["base"] for group in context["vat_groups"]] == [
        Decimal("1800"),
        Decimal("1600"),
        Decimal("950"),
    ]
    assert (
        context["total_incl"] == Decimal("1800") * Decimal("1.21") + Decimal("1600") * Decimal("1.06") + 950
    )
    with translation.override(language):
        for amount in (context["total_incl"], context["total_vat"], Decimal("378.00"), Decimal("96.00")):
            assert money(amount).replace("\u00a0", " ") in text, amount
        assert (
            quotation.valid_until.strftime("%d/%m/%Y") in text
            or quotation.valid_until.strftime("%d-%m-%Y") in text
        )
    assert DEMO_COMPANY[f"quotation_terms_{language}"][:40] in text
    assert {"fr": "art. 20 AR n° 1", "nl": "art. 20 KB nr. 1"}[language] in text
    assert {"fr": "Total TVAC", "nl": "Totaal incl. btw"}[language] in text
