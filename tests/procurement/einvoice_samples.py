"""Official Peppol BIS Billing 3.0 examples adapted to a demo order, for the e-invoice tests."""

import base64
import io
import re
from decimal import Decimal

from lxml import etree
from pypdf import PdfWriter

from procurement.models import PurchaseOrder, PurchaseOrderStatus
from tests.factories import SupplierFactory
from tests.peppol import EXAMPLES
from tests.procurement.helpers import make_order

BILLING = EXAMPLES / "billing"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def order_for_vat_category_s(**supplier_fields) -> PurchaseOrder:
    """An approved demo order the official Vat-category-S example fits: lines of 10 x 400, 200 and 90,
    all received (the example's supplier VAT number is given to our supplier)."""
    supplier = SupplierFactory(**({"vat_number": "BE0403170701", "country": "BE"} | supplier_fields))
    order = make_order(supplier=supplier, amount=Decimal("400"))
    line = order.lines.get()
    line.quantity, line.description = Decimal("10"), "item name"
    line.save()
    for position, price in ((2, "200"), (3, "90")):
        line.pk, line.position, line.unit_price = None, position, Decimal(price)
        line.save()
    order.lines.update(received_quantity=Decimal("10"))
    PurchaseOrder.objects.filter(pk=order.pk).update(status=PurchaseOrderStatus.APPROVED)
    return order  # written behind the services' back: its running totals are not kept (budget_totals_repair)


# What follows cac:OrderReference in an Invoice and a CreditNote (UBL 2.1): it goes before the first of them.
AFTER_ORDER_REFERENCE = (
    "BillingReference", "DespatchDocumentReference", "ReceiptDocumentReference", "StatementDocumentReference",
    "OriginatorDocumentReference", "ContractDocumentReference", "AdditionalDocumentReference",
    "ProjectReference", "Signature", "AccountingSupplierParty",
)  # fmt: skip


def adapt(xml: bytes, order: PurchaseOrder, *, number: str) -> bytes:
    """An official example sent by our order's supplier (its VAT number), with its own number, naming the
    order (its cac:OrderReference, added where the schema wants it when the example has none)."""
    root = etree.fromstring(xml.replace(b"GB1232434", order.supplier.vat_number.encode()))
    root.find(f"{{{CBC}}}ID").text = number
    reference = root.find(f"{{{CAC}}}OrderReference")
    if reference is None:
        following = next(child for child in root if etree.QName(child).localname in AFTER_ORDER_REFERENCE)
        reference = etree.Element(f"{{{CAC}}}OrderReference")
        etree.SubElement(reference, f"{{{CBC}}}ID")
        following.addprevious(reference)
    reference.find(f"{{{CBC}}}ID").text = order.number
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def adapted_invoice(order: PurchaseOrder, *, number: str = "Snippet1", pdf: bytes | None = None) -> bytes:
    """Vat-category-S, from our supplier (its VAT number) and naming our order; optionally with a PDF."""
    xml = adapt((BILLING / "Vat-category-S.xml").read_bytes(), order, number=number)
    if pdf is not None:
        xml = xml.replace(
            b"<cac:AccountingSupplierParty>", embedded_pdf(pdf) + b"<cac:AccountingSupplierParty>", 1
        )
    return xml


def embedded_pdf(pdf: bytes, name: str = "invoice-Snippet1.pdf") -> bytes:
    return (
        "<cac:AdditionalDocumentReference><cbc:ID>Snippet1</cbc:ID><cac:Attachment>"
        f'<cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="{name}">'
        f"{base64.b64encode(pdf).decode()}</cbc:EmbeddedDocumentBinaryObject>"
        "</cac:Attachment></cac:AdditionalDocumentReference>"
    ).encode()


def credit_note_for(order: PurchaseOrder, *, number: str = "CN-1", invoice: str = "Snippet1") -> bytes:
    """The adapted invoice turned into a credit note of the whole of it (same lines, same totals)."""
    xml = adapted_invoice(order, number=number).decode()
    xml = xml.replace("xsd:Invoice-2", "xsd:CreditNote-2")
    xml = re.sub(r"<(/?)Invoice([ >])", r"<\1CreditNote\2", xml)
    xml = re.sub(r"\s*<cbc:DueDate>[^<]*</cbc:DueDate>", "", xml)
    xml = xml.replace(
        "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>",
        "<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>",
    )
    xml = xml.replace("cac:InvoiceLine>", "cac:CreditNoteLine>").replace(
        "cbc:InvoicedQuantity", "cbc:CreditedQuantity"
    )
    billing = (
        "<cac:BillingReference><cac:InvoiceDocumentReference>"
        f"<cbc:ID>{invoice}</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>"
    )
    return xml.replace("</cac:OrderReference>", "</cac:OrderReference>" + billing, 1).encode()


def small_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Invoice Snippet1"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
