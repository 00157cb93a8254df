"""The quotation as a PDF for the customer: letterhead, VAT per rate, total including VAT, validity, terms."""

from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from pmo.lib.documents import document_company_context
from procurement.vat import VAT_MENTIONS
from projects.models import Quotation, QuotationVatRate


def quotation_document_context(*, quotation: Quotation) -> dict:
    lines = list(quotation.lines.order_by("position", "pk"))
    groups: dict[str, dict] = {}
    for line in lines:
        group = groups.setdefault(line.vat_rate, {"base": Decimal(0), "vat": Decimal(0)})
        group["base"] += line.amount
        group["vat"] += line.vat_amount
    order = [rate.value for rate in QuotationVatRate]
    vat_groups = [{"label": QuotationVatRate(rate).label, **groups[rate]} for rate in order if rate in groups]
    total_excl = sum((line.amount for line in lines), Decimal(0))
    total_vat = sum((line.vat_amount for line in lines), Decimal(0))
    return {
        "quotation": quotation,
        "lines": lines,
        "vat_groups": vat_groups,
        "total_excl": total_excl,
        "total_vat": total_vat,
        "total_incl": total_excl + total_vat,
        "vat_mentions": [VAT_MENTIONS["rc"]] if "rc" in groups else [],
    }


def quotation_pdf(*, quotation: Quotation) -> bytes:
    """Render the quotation in its own language."""
    from weasyprint import HTML

    with translation.override(quotation.language):
        context = {
            **quotation_document_context(quotation=quotation),
            **document_company_context(terms="quotation"),
        }
        html = render_to_string("projects/quotation_pdf.html", context)
    return HTML(string=html).write_pdf()
