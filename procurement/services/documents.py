"""The purchase order as a document: PDF (WeasyPrint) in the supplier's language, Peppol UBL Order."""

from django.template.loader import render_to_string
from django.utils import translation

from procurement.models import ApprovalDecision, PurchaseOrder


def purchase_order_document_context(*, order: PurchaseOrder) -> dict:
    from procurement.selectors import purchase_order_with_totals

    totals = purchase_order_with_totals(PurchaseOrder.objects.filter(pk=order.pk)).values(
        "total_excl", "total_vat", "total_incl"
    )[0]
    approvals = order.approvals.filter(
        approval_round=order.approval_round, decision=ApprovalDecision.APPROVED
    ).select_related("approver")
    return {
        "order": order,
        "lines": order.lines.select_related("budget_line__category").order_by("position", "pk"),
        "approvals": approvals,
        **totals,
    }


def purchase_order_pdf(*, order: PurchaseOrder, language: str | None = None) -> bytes:
    """Render the order for its supplier, in the supplier's language, with the approvals."""
    from weasyprint import HTML

    with translation.override(language or order.supplier.language):
        html = render_to_string(
            "procurement/purchase_order_pdf.html", purchase_order_document_context(order=order)
        )
    return HTML(string=html).write_pdf()


def purchase_order_ubl(*, order: PurchaseOrder) -> bytes:
    """The order as a Peppol BIS Order 3 (UBL 2.1 Order) XML file; ValidationError names what is missing."""
    from procurement.services.peppol import purchase_order_peppol_xml

    return purchase_order_peppol_xml(order=order, context=purchase_order_document_context(order=order))
