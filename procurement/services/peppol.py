"""The purchase order as a Peppol BIS Order 3 document (UBL 2.1 Order, transaction T01).

Built with lxml so that every value is escaped and the element order follows the UBL schema; the
official rules (tests/standards) are run on what this produces.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree
from lxml.builder import ElementMaker

from pmo.lib.identifiers import normalize_peppol_id
from pmo.lib.vat import PEPPOL_TAX_CATEGORY
from pmo.models import CompanyProfile
from pmo.selectors import company_profile_get
from procurement.models import PurchaseOrder

ORDER = "urn:oasis:names:specification:ubl:schema:xsd:Order-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NSMAP = {None: ORDER, "cac": CAC, "cbc": CBC}
DOC, A, B = (
    ElementMaker(namespace=ORDER, nsmap=NSMAP),
    ElementMaker(namespace=CAC),
    ElementMaker(namespace=CBC),
)

# The order is an offer: the supplier accepts it within this many days of its issue.
ORDER_VALIDITY_DAYS = 30

# UN/ECE recommendation 20 codes for the units people type on order lines, in any of our languages.
UNIT_CODES = {
    "h": "HUR", "hour": "HUR", "hours": "HUR", "u": "HUR", "uur": "HUR", "heure": "HUR",
    "day": "DAY", "days": "DAY", "dag": "DAY", "jour": "DAY", "d": "DAY", "j": "DAY",
    "month": "MON", "maand": "MON", "mois": "MON",
    "m": "MTR", "m2": "MTK", "m²": "MTK", "km": "KMT", "kg": "KGM", "l": "LTR",
    "set": "SET", "lot": "SET",
    "pcs": "H87", "pc": "H87", "st": "H87", "stuk": "H87", "pièce": "H87", "pce": "H87",
}  # fmt: skip
POSTAL_LINE = re.compile(r"^(?:(?P<country>[A-Z]{2})[- ])?(?P<zone>\d{4,5})\s+(?P<city>.+)$")


def unit_code(unit: str) -> str:
    return UNIT_CODES.get(unit.strip().lower(), "C62")  # C62: "one", the unit of a count


@dataclass(frozen=True)
class Address:
    street: str
    postal_zone: str
    city: str
    country: str
    extra: tuple[str, ...] = ()


def parse_delivery_address(text: str, *, default_country: str) -> Address:
    """Read the free-text delivery address: street first, then "9000 Gent"; a last line "NL" is a country."""
    lines = [line.strip(" ,") for line in text.replace(",", "\n").splitlines() if line.strip(" ,")]
    country = default_country
    if lines and re.fullmatch(r"[A-Za-z]{2}", lines[-1]):
        country = lines.pop().upper()
    street, zone, city, extra = (lines[0] if lines else ""), "", "", []
    for line in lines[1:]:
        match = POSTAL_LINE.match(line)
        if match and not zone:
            zone, city = match["zone"], match["city"]
            country = match["country"] or country
        else:
            extra.append(line)
    return Address(street=street, postal_zone=zone, city=city, country=country, extra=tuple(extra))


def peppol_order_missing(*, order: PurchaseOrder, profile: CompanyProfile | None = None) -> list[str]:
    """What the buyer, the supplier or the order lacks for a Peppol order; empty when it can be sent."""
    profile = profile if profile is not None else company_profile_get()
    supplier = order.supplier
    missing = []
    if profile is None:
        missing.append(_("our company profile (endpoint, legal entity): ask the administrator"))
    if not supplier.peppol_id:
        missing.append(_("the supplier's Peppol id"))
    else:
        try:
            normalize_peppol_id(supplier.peppol_id)
        except ValidationError:
            missing.append(
                _("a valid Peppol id for the supplier (%(id)s is not)") % {"id": supplier.peppol_id}
            )
    if not (supplier.street and supplier.postal_code and supplier.city and supplier.country):
        missing.append(_("the supplier's postal address (street, postal code, city, country)"))
    if not order.lines.exists():
        missing.append(_("at least one order line"))
    if (
        order.delivery_address
        and not parse_delivery_address(order.delivery_address, default_country="BE").city
    ):
        missing.append(_("a postal code and city (e.g. 9000 Gent) in the delivery address"))
    return missing


def _amount(value: Decimal, tag: str = "Amount"):
    return getattr(B, tag)(f"{value:.2f}", currencyID="EUR")


def _endpoint(peppol_id: str):
    scheme, _separator, identifier = normalize_peppol_id(peppol_id).partition(":")
    return B.EndpointID(identifier, schemeID=scheme)


def _postal_address(address: Address, tag: str = "PostalAddress"):
    parts = [B.StreetName(address.street)] if address.street else []
    if address.extra:
        parts.append(B.AdditionalStreetName(", ".join(address.extra)))
    parts += [B.CityName(address.city)] if address.city else []
    parts += [B.PostalZone(address.postal_zone)] if address.postal_zone else []
    return getattr(A, tag)(*parts, A.Country(B.IdentificationCode(address.country)))


def _buyer(profile: CompanyProfile, language: str):
    name = f"{profile.legal_name} {profile.legal_form_abbreviation(language)}"
    address = Address(profile.street, profile.postal_code, profile.city, profile.country)
    party = [
        _endpoint(profile.peppol_id),
        A.PartyName(B.Name(profile.legal_name)),
        _postal_address(address),
    ]
    if profile.vat_number:
        party.append(A.PartyTaxScheme(B.CompanyID(profile.vat_number), A.TaxScheme(B.ID("VAT"))))
    party.append(
        A.PartyLegalEntity(
            B.RegistrationName(name),
            B.CompanyID(profile.enterprise_number, schemeID="0208"),
            A.RegistrationAddress(B.CityName(profile.city), A.Country(B.IdentificationCode(profile.country))),
        )
    )
    contact = [B.Telephone(profile.phone)] if profile.phone else []
    contact += [B.ElectronicMail(profile.email)] if profile.email else []
    if contact:
        party.append(A.Contact(*contact))
    return A.BuyerCustomerParty(A.Party(*party))


def _supplier(order: PurchaseOrder):
    supplier = order.supplier
    address = Address(supplier.street, supplier.postal_code, supplier.city, supplier.country)
    legal_entity = [B.RegistrationName(supplier.name)]
    if supplier.vat_number.startswith("BE"):
        legal_entity.append(B.CompanyID(supplier.vat_number[2:], schemeID="0208"))
    party = [
        _endpoint(supplier.peppol_id),
        A.PartyName(B.Name(supplier.name)),
        _postal_address(address),
        A.PartyLegalEntity(*legal_entity),
    ]
    if supplier.email:
        party.append(A.Contact(B.ElectronicMail(supplier.email)))
    return A.SellerSupplierParty(A.Party(*party))


def _delivery(order: PurchaseOrder, profile: CompanyProfile):
    parts = []
    if order.delivery_address:
        address = parse_delivery_address(order.delivery_address, default_country=profile.country)
        parts.append(A.DeliveryLocation(_postal_address(address, "Address")))
    if order.delivery_date:
        parts.append(A.RequestedDeliveryPeriod(B.EndDate(order.delivery_date.isoformat())))
    return [A.Delivery(*parts)] if parts else []


def _line(number: int, line):
    category = PEPPOL_TAX_CATEGORY[line.vat_rate]
    percent = line.vat_rate if category in ("S", "Z") else "0"
    return A.OrderLine(
        A.LineItem(
            B.ID(str(number)),
            B.Quantity(f"{line.quantity.normalize():f}", unitCode=unit_code(line.unit)),
            _amount(line.amount, "LineExtensionAmount"),
            A.Price(B.PriceAmount(f"{line.unit_price:.2f}", currencyID="EUR")),
            A.Item(
                B.Name(line.description),
                A.ClassifiedTaxCategory(B.ID(category), B.Percent(percent), A.TaxScheme(B.ID("VAT"))),
            ),
        )
    )


def purchase_order_peppol_xml(*, order: PurchaseOrder, context: dict) -> bytes:
    """The UBL document; refuses (ValidationError naming what is missing) when Peppol cannot accept it."""
    profile = company_profile_get()
    missing = peppol_order_missing(order=order, profile=profile)
    if missing or profile is None:  # a missing profile is among the missing
        raise ValidationError(
            _("This order cannot be sent by Peppol yet. Missing: %(missing)s.")
            % {"missing": "; ".join(missing)}
        )
    issued = timezone.localdate(order.approved_at or order.created_at)
    header = [
        B.CustomizationID("urn:fdc:peppol.eu:poacc:trns:order:3"),
        B.ProfileID("urn:fdc:peppol.eu:poacc:bis:order_only:3"),
        B.ID(order.number),
        B.IssueDate(issued.isoformat()),
    ]
    if order.notes:
        header.append(B.Note(order.notes))
    header.append(B.DocumentCurrencyCode("EUR"))
    if order.project is not None:
        header.append(B.CustomerReference(order.project.code))
    header.append(A.ValidityPeriod(B.EndDate((issued + timedelta(days=ORDER_VALIDITY_DAYS)).isoformat())))
    if order.project is not None:
        header.append(A.ProjectReference(B.ID(order.project.code)))
    document = DOC.Order(
        *header,
        _buyer(profile, order.supplier.language),
        _supplier(order),
        *_delivery(order, profile),
        A.TaxTotal(_amount(context["total_vat"], "TaxAmount")),
        A.AnticipatedMonetaryTotal(
            _amount(context["total_excl"], "LineExtensionAmount"),
            _amount(context["total_excl"], "TaxExclusiveAmount"),
            _amount(context["total_incl"], "TaxInclusiveAmount"),
            _amount(context["total_incl"], "PayableAmount"),
        ),
        *(_line(number, line) for number, line in enumerate(context["lines"], start=1)),
    )
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)
