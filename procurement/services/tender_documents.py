"""The request for quotation as a document: a PDF (WeasyPrint) in the supplier's language."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from pmo.lib.documents import document_company_context
from procurement.models import RequestForQuotation, RfqInvitation


def rfq_pdf(
    *, rfq: RequestForQuotation, invitation: RfqInvitation | None = None, language: str = ""
) -> bytes:
    """Render the request for one supplier (their language, their link) or, without one, as a draft copy."""
    from weasyprint import HTML

    language = language or (invitation.supplier.language if invitation else "") or translation.get_language()
    with translation.override(language):
        context = {
            "rfq": rfq,
            "site_url": settings.SITE_URL.rstrip("/"),
            "invitation": invitation,
            "lines": list(rfq.lines.order_by("position", "pk")),
            "documents": list(rfq.documents.all()),
            **document_company_context(draft=invitation is None, terms="purchase"),
        }
        html = render_to_string("procurement/rfq_pdf.html", context)
    return HTML(string=html).write_pdf()
