"""The review report as a PDF: answers, findings, and the statement of applicability it ran under."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from pmo.lib.documents import document_company_context
from quality.models import Review
from quality.selectors.core import review_statement


def review_pdf_render(*, review: Review, language: str | None = None) -> bytes:
    """Render the review report in the given language (the active one by default)."""
    from weasyprint import HTML

    with translation.override(language or translation.get_language()):
        context = {
            "review": review,
            "project": review.project,
            **review_statement(review=review),
            **document_company_context(),
        }
        html = render_to_string("quality/review_pdf.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
