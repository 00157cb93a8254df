"""Official Peppol BIS Billing 3.0 examples adapted to a demo order, for the e-invoice tests."""

import base64
import io
import re
from decimal import Decimal

from pypdf import PdfWriter

from procurement.models import PurchaseOrder, PurchaseOrderStatus
from tests.factories import SupplierFactory
from tests.peppol import EXAMPLES
from tests.procurement.helpers import make_order

BILLING = EXAMPLES / "billing"


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
    return order


def adapted_invoice(order: PurchaseOrder, *, number: str = "Snippet1", pdf: bytes | None = None) -> bytes:
    """Vat-category-S, from our supplier (its VAT number) and naming our order; optionally with a PDF."""
    xml = (BILLING / "Vat-category-S.xml").read_bytes()
    xml = xml.replace(b"GB1232434", order.supplier.vat_number.encode())
    xml = xml.replace(b"<cbc:ID>Snippet1</cbc:ID>", f"<cbc:ID>{number}</cbc:ID>".encode(), 1)
    reference = f"<cac:OrderReference><cbc:ID>{order.number}</cbc:ID></cac:OrderReference>".encode()
    xml = xml.replace(b"</cbc:BuyerReference>", b"</cbc:BuyerReference>" + reference, 1)
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
