"""The purchase order as a document: PDF (WeasyPrint) in the supplier's language, Peppol UBL Order."""

from django.template.loader import render_to_string
from django.utils import translation

from pmo.lib.documents import document_company_context
from procurement.models import REVERSE_CHARGE_RATES, ApprovalDecision, PurchaseOrder, PurchaseOrderStatus
from procurement.vat import VAT_MENTIONS

# Until approved, the order is not a commitment: its PDF says so on every page.
FINAL_STATUSES = (
    PurchaseOrderStatus.APPROVED,
    PurchaseOrderStatus.SENT,
    PurchaseOrderStatus.PARTIALLY_RECEIVED,
    PurchaseOrderStatus.RECEIVED,
    PurchaseOrderStatus.CLOSED,
)


def purchase_order_document_context(*, order: PurchaseOrder) -> dict:
    from procurement.selectors import purchase_order_with_totals

    totals = purchase_order_with_totals(PurchaseOrder.objects.filter(pk=order.pk)).values(
        "total_excl", "total_vat", "total_incl"
    )[0]
    approvals = order.approvals.filter(
        approval_round=order.approval_round, decision=ApprovalDecision.APPROVED
    ).select_related("approver")
    lines = list(order.lines.select_related("budget_line__category").order_by("position", "pk"))
    rates = dict.fromkeys(line.vat_rate for line in lines if line.vat_rate in REVERSE_CHARGE_RATES)
    return {
        "order": order,
        "lines": lines,
        "approvals": approvals,
        "vat_mentions": [VAT_MENTIONS[rate] for rate in rates],
        **totals,
    }


def purchase_order_pdf(*, order: PurchaseOrder, language: str | None = None) -> bytes:
    """Render the order for its supplier, in the supplier's language, with the approvals."""
    from weasyprint import HTML

    with translation.override(language or order.supplier.language):
        context = {
            **purchase_order_document_context(order=order),
            **document_company_context(draft=order.status not in FINAL_STATUSES, terms="purchase"),
        }
        html = render_to_string("procurement/purchase_order_pdf.html", context)
    return HTML(string=html).write_pdf()


def purchase_order_ubl(*, order: PurchaseOrder) -> bytes:
    """The order as a Peppol BIS Order 3 (UBL 2.1 Order) XML file; ValidationError names what is missing."""
    from procurement.services.peppol import purchase_order_peppol_xml

    return purchase_order_peppol_xml(order=order, context=purchase_order_document_context(order=order))
