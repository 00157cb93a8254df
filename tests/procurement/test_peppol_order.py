"""Peppol BIS Order 3 export, checked with the official UBL 2.1 schema and Peppol T01 rules."""

import pytest
from lxml import etree

from pmo.models import CompanyProfile
from procurement.services.documents import purchase_order_ubl
from procurement.services.peppol import parse_delivery_address, unit_code
from tests.factories import SupplierFactory
from tests.peppol import EXAMPLES, check_peppol_order, summary
from tests.procurement.helpers import make_order
from tests.procurement.peppol_samples import belgian_supplier, demo_company, sample_orders

pytestmark = pytest.mark.django_db
NS = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}  # fmt: skip


def test_the_checker_accepts_the_official_examples_and_rejects_a_broken_one():
    example = (EXAMPLES / "order" / "UC1_Order.xml").read_bytes()
    assert check_peppol_order(example).is_valid
    broken = example.replace(b"<cbc:EndpointID", b"<cbc:Xyz", 1).replace(
        b"</cbc:EndpointID>", b"</cbc:Xyz>", 1
    )
    assert not check_peppol_order(broken).is_valid


def test_every_sample_order_passes_the_official_rules(capsys):
    demo_company()
    results = {}
    for name, order in sample_orders().items():
        report = check_peppol_order(purchase_order_ubl(order=order))
        results[name] = (len(report.schema_errors) + len(report.fatal), len(report.warnings))
        assert report.is_valid, f"{name}:\n{summary(report)}"
        assert not report.warnings, f"{name}:\n{summary(report)}"
    with capsys.disabled():
        for name, (fatal, warnings) in results.items():
            print(f"\nPeppol T01 {name}: {fatal} fatal, {warnings} warnings")


def test_the_document_carries_buyer_supplier_delivery_and_tax_categories():
    demo_company()
    orders = sample_orders()
    xml = etree.fromstring(
        purchase_order_ubl(order=orders["mixed VAT 21/12/6/0, four units, delivery address"])
    )
    buyer = xml.find("cac:BuyerCustomerParty/cac:Party", NS)
    assert buyer.findtext("cbc:EndpointID", namespaces=NS) == "0784123452"
    assert buyer.find("cbc:EndpointID", NS).get("schemeID") == "0208"
    assert (
        buyer.findtext("cac:PartyLegalEntity/cbc:RegistrationName", namespaces=NS) == "Lumen Integration BV"
    )
    supplier = xml.find("cac:SellerSupplierParty/cac:Party", NS)
    assert supplier.findtext("cac:PostalAddress/cbc:CityName", namespaces=NS) == "Gent"
    assert supplier.find("cac:PartyTaxScheme", NS) is None  # not in the Peppol order model (B07204)
    address = xml.find("cac:Delivery/cac:DeliveryLocation/cac:Address", NS)
    assert address.findtext("cbc:PostalZone", namespaces=NS) == "9000"
    assert address.findtext("cac:Country/cbc:IdentificationCode", namespaces=NS) == "BE"
    assert xml.findtext("cac:ValidityPeriod/cbc:EndDate", namespaces=NS)
    units = [q.get("unitCode") for q in xml.iterfind("cac:OrderLine/cac:LineItem/cbc:Quantity", NS)]
    assert units == ["H87", "HUR", "DAY", "MTR"]
    percents = xml.xpath("//cac:ClassifiedTaxCategory/cbc:Percent/text()", namespaces=NS)
    assert percents == ["21", "12", "6", "0"]
    dutch = etree.fromstring(
        purchase_order_ubl(order=orders["Dutch supplier, intra-EU services, delivery in the Netherlands"])
    )
    assert dutch.xpath("//cac:ClassifiedTaxCategory/cbc:ID/text()", namespaces=NS) == ["AE", "AE"]
    assert dutch.findtext("cac:Delivery//cac:Country/cbc:IdentificationCode", namespaces=NS) == "NL"
    assert dutch.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS) == "0.00"


def test_the_export_is_refused_naming_what_is_missing_and_not_offered(client):
    demo_company()
    order = make_order(supplier=SupplierFactory(peppol_id="", street=""))
    client.force_login(order.requester)
    page = client.get(f"/procurement/orders/{order.pk}/").content.decode()
    assert f"/procurement/orders/{order.pk}/ubl.xml" not in page
    assert "Peppol id" in page and "postal address" in page
    response = client.get(f"/procurement/orders/{order.pk}/ubl.xml", follow=True)
    assert response.headers["Content-Type"].startswith("text/html")
    message = " ".join(str(m) for m in response.context["messages"])
    assert "the supplier's Peppol id" in message and "postal address" in message


def test_the_export_is_refused_without_a_company_profile(client):
    order = make_order(supplier=belgian_supplier())
    assert not CompanyProfile.objects.exists()
    client.force_login(order.requester)
    response = client.get(f"/procurement/orders/{order.pk}/ubl.xml", follow=True)
    assert "company profile" in " ".join(str(m) for m in response.context["messages"])
    demo_company()
    response = client.get(f"/procurement/orders/{order.pk}/ubl.xml")
    assert response.status_code == 200 and check_peppol_order(response.content).is_valid
    page = client.get(f"/procurement/orders/{order.pk}/").content.decode()
    assert f"/procurement/orders/{order.pk}/ubl.xml" in page


def test_a_supplier_peppol_id_that_fails_its_check_is_refused():
    demo_company()
    order = make_order(supplier=belgian_supplier(peppol_id="0208:0403170702"))
    with pytest.raises(Exception, match="valid Peppol id"):
        purchase_order_ubl(order=order)


def test_delivery_addresses_and_units_are_read():
    address = parse_delivery_address("Stationsplein 1\nHal 3\n3511 ED Utrecht\nNL", default_country="BE")
    assert (address.street, address.postal_zone, address.city, address.country, address.extra) == (
        "Stationsplein 1", "3511", "ED Utrecht", "NL", ("Hal 3",)
    )  # fmt: skip
    assert parse_delivery_address("Rue Haute 5, 1000 Bruxelles", default_country="BE").postal_zone == "1000"
    assert [unit_code(u) for u in ("h", "uur", "jour", "pcs", "stuk", "whatever")] == [
        "HUR", "HUR", "DAY", "H87", "H87", "C62"
    ]  # fmt: skip
