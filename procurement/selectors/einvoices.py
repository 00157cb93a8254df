"""Reads of received e-invoices: the inbox, one document with its parties, totals and lines."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from lxml import etree

from pmo.models import User
from procurement.models import EInvoice, EInvoiceKind, EInvoiceStatus, PurchaseOrder, PurchaseOrderLine

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def ubl_parse(xml: bytes):
    """The document's tree, without entities or network access (it comes from outside)."""
    return etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))


def ubl_text(node, path: str) -> str:
    return (node.findtext(path, namespaces=NS) or "").strip()


def ubl_date(value: str) -> date | None:
    """A UBL date (YYYY-MM-DD); None when missing or not a date, which the Peppol rules also refuse."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def ubl_decimal(value: str) -> Decimal:
    try:
        return Decimal(value or "0")
    except InvalidOperation:
        return Decimal(0)


@dataclass
class UBLLine:
    reference: str
    name: str
    quantity: Decimal
    price: Decimal
    line_id: str = ""
    unit: str = ""
    amount: Decimal = Decimal(0)
    vat_percent: Decimal | None = None
    order_line: PurchaseOrderLine | None = None


@dataclass
class UBLParty:
    name: str = ""
    vat: str = ""
    endpoint: str = ""
    address: str = ""


@dataclass
class UBLDocument:
    seller: UBLParty
    buyer: UBLParty
    due_date: str = ""
    currency: str = ""
    totals: list[tuple[object, Decimal]] = field(default_factory=list)
    vat_breakdown: list[tuple[str, Decimal | None, Decimal, Decimal]] = field(default_factory=list)
    lines: list[UBLLine] = field(default_factory=list)


def _percent(value: str) -> Decimal | None:
    return ubl_decimal(value) if value else None


def ubl_lines(root, kind: str) -> list[UBLLine]:
    """The invoice or credit-note lines, with the order line each one names (its `LineID`)."""
    is_credit = kind == EInvoiceKind.CREDIT_NOTE
    tag, quantity = ("cac:CreditNoteLine", "cbc:CreditedQuantity") if is_credit else (
        "cac:InvoiceLine", "cbc:InvoicedQuantity")  # fmt: skip
    return [
        UBLLine(
            reference=ubl_text(line, "cac:OrderLineReference/cbc:LineID"),
            name=ubl_text(line, "cac:Item/cbc:Name"),
            quantity=ubl_decimal(ubl_text(line, quantity)),
            price=ubl_decimal(ubl_text(line, "cac:Price/cbc:PriceAmount")),
            line_id=ubl_text(line, "cbc:ID"),
            unit=(line.find(quantity, NS).get("unitCode", "") if line.find(quantity, NS) is not None else ""),
            amount=ubl_decimal(ubl_text(line, "cbc:LineExtensionAmount")),
            vat_percent=_percent(ubl_text(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent")),
        )
        for line in root.iterfind(tag, NS)
    ]


def order_line_for(line: UBLLine, order_lines: list[PurchaseOrderLine]) -> PurchaseOrderLine | None:
    """By the order line reference (its position), else by description and unit price."""
    by_position = {str(order_line.position): order_line for order_line in order_lines}
    return by_position.get(line.reference) or next(
        (o for o in order_lines if o.description == line.name and o.unit_price == line.price), None
    )


def _party(root, path: str) -> UBLParty:
    party = root.find(path, NS)
    if party is None:
        return UBLParty()
    address = party.find("cac:PostalAddress", NS)
    parts = [
        ubl_text(address, p)
        for p in ("cbc:StreetName", "cbc:PostalZone", "cbc:CityName", "cac:Country/cbc:IdentificationCode")
    ] if address is not None else []  # fmt: skip
    return UBLParty(
        name=ubl_text(party, "cac:PartyLegalEntity/cbc:RegistrationName")
        or ubl_text(party, "cac:PartyName/cbc:Name"),
        vat=ubl_text(party, "cac:PartyTaxScheme/cbc:CompanyID"),
        endpoint=ubl_text(party, "cbc:EndpointID"),
        address=", ".join(part for part in parts if part),
    )


TOTALS = (
    ("LineExtensionAmount", _("Sum of the lines")),
    ("AllowanceTotalAmount", _("Allowances")),
    ("ChargeTotalAmount", _("Charges")),
    ("TaxExclusiveAmount", _("Total excl. VAT")),
    ("TaxInclusiveAmount", _("Total incl. VAT")),
    ("PrepaidAmount", _("Paid in advance")),
    ("PayableAmount", _("Amount due")),
)


def einvoice_document(*, einvoice: EInvoice) -> UBLDocument | None:
    """What the stored UBL says, each line with the order line it is (or would be) matched to."""
    try:
        root = ubl_parse(einvoice.xml.encode())
    except etree.XMLSyntaxError:
        return None
    document = UBLDocument(
        seller=_party(root, "cac:AccountingSupplierParty/cac:Party"),
        buyer=_party(root, "cac:AccountingCustomerParty/cac:Party"),
        due_date=ubl_text(root, "cbc:DueDate"),
        currency=ubl_text(root, "cbc:DocumentCurrencyCode"),
    )
    monetary = root.find("cac:LegalMonetaryTotal", NS)
    if monetary is not None:
        document.totals = [
            (key, ubl_decimal(ubl_text(monetary, f"cbc:{tag}")))
            for tag, key in TOTALS
            if monetary.find(f"cbc:{tag}", NS) is not None
        ]
    document.vat_breakdown = [
        (
            ubl_text(subtotal, "cac:TaxCategory/cbc:ID"),
            _percent(ubl_text(subtotal, "cac:TaxCategory/cbc:Percent")),
            ubl_decimal(ubl_text(subtotal, "cbc:TaxableAmount")),
            ubl_decimal(ubl_text(subtotal, "cbc:TaxAmount")),
        )
        for subtotal in root.iterfind("cac:TaxTotal/cac:TaxSubtotal", NS)
    ]
    document.lines = ubl_lines(root, einvoice.kind)
    if einvoice.order is not None:
        order_lines = list(einvoice.order.lines.order_by("position", "pk"))
        for line in document.lines:
            line.order_line = order_line_for(line, order_lines)
    return document


# Plain words for the rules a supplier's invoice most often breaks; the official text is always shown too.
PLAIN_EXPLANATIONS = {
    "BR-02": _("The document has no number."),
    "BR-16": _("The document has no line."),
    "BR-CO-10": _("The sum of the lines is not the lines' amounts added up."),
    "BR-CO-11": _("The total of the allowances is not the allowances added up."),
    "BR-CO-12": _("The total of the charges is not the charges added up."),
    "BR-CO-13": _("The total excluding VAT is not the lines minus the allowances plus the charges."),
    "BR-CO-14": _("The VAT total is not the sum of the VAT breakdown."),
    "BR-CO-15": _("The total including VAT is not the total excluding VAT plus the VAT."),
    "BR-CO-16": _("The amount due is not the total including VAT minus what was paid in advance."),
    "BR-CO-17": _("A VAT amount in the breakdown is not its taxable amount times its rate."),
    "BR-S-08": _("At a standard VAT rate, the taxable amount is not the sum of the lines at that rate."),
    "PEPPOL-EN16931-R001": _("The document does not say which Peppol process it belongs to."),
    "PEPPOL-EN16931-R010": _("The buyer's Peppol address is missing."),
    "PEPPOL-EN16931-R020": _("The seller's Peppol address is missing."),
}


def finding_explained(finding: dict) -> dict:
    """A stored rule finding with its plain explanation in the reader's language (the official text when
    there is none)."""
    plain = PLAIN_EXPLANATIONS.get(finding.get("rule", ""))
    return {**finding, "explanation": str(plain) if plain else finding.get("text", "")}


def _require_finance(user: User) -> None:
    if not user.has_perm("procurement.view_einvoice"):
        raise PermissionDenied


def einvoice_list_for_user(*, user: User) -> QuerySet[EInvoice]:
    """Received e-invoices, newest first, with what the inbox prints of their supplier and order."""
    _require_finance(user)
    return EInvoice.objects.select_related("supplier", "order").defer("xml").order_by("-received_at", "-pk")


def einvoice_get_for_user(*, user: User, pk: int, write: bool = False) -> EInvoice:
    """One e-invoice for finance (403 for anyone else; writing needs the right to resolve)."""
    _require_finance(user)
    einvoice = get_object_or_404(
        EInvoice.objects.select_related("supplier", "order", "invoice", "received_by", "resolved_by"), pk=pk
    )
    if write and not user.has_perm("procurement.resolve_einvoice", einvoice):
        raise PermissionDenied
    return einvoice


def einvoice_order_choices(*, einvoice: EInvoice) -> QuerySet[PurchaseOrder]:
    """The orders finance may assign the e-invoice to: its supplier's invoiceable ones (any supplier's
    when the document names no known supplier)."""
    from procurement.models.orders import INVOICEABLE_STATUSES

    orders = PurchaseOrder.objects.filter(status__in=INVOICEABLE_STATUSES).select_related("supplier")
    if einvoice.supplier_id:
        orders = orders.filter(supplier_id=einvoice.supplier_id)
    return orders.order_by("-number")


def einvoices_to_resolve(*, user: User) -> QuerySet[EInvoice]:
    """Received e-invoices finance still has to match or refuse, oldest first (403 for anyone else)."""
    return (
        einvoice_list_for_user(user=user)
        .filter(status=EInvoiceStatus.TO_RESOLVE)
        .order_by("received_at", "pk")
    )
