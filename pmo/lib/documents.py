"""What every outgoing document prints about the company that writes it: letterhead and legal mentions.

Art. 2:20 of the Code of companies and associations: orders, letters and invoices carry the legal name
and form, the registered office, the enterprise number, the words RPR/RPM with the court, and, when
one is given, the bank account.
"""

import base64
import mimetypes
import ssl
from functools import cache

from django.utils import translation

from pmo.selectors import company_profile_get


@cache
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def pdf_url_fetcher():
    """WeasyPrint's fetcher for our documents: their images are data URIs or local files, nothing else.

    WeasyPrint's default fetcher builds a new TLS context for every document (loading the system's
    certificates: ~100 ms of a highlight report's render); ours shares one and refuses the network.
    """
    from weasyprint import URLFetcher

    return URLFetcher(ssl_context=_tls_context(), allowed_protocols=("data", "file"))


def _logo_data_uri(profile) -> str:
    if not profile.logo:
        return ""
    try:
        with profile.logo.open("rb") as logo:
            content = logo.read()
    except OSError:
        return ""  # a logo lost from the media volume must not stop a document
    content_type = mimetypes.guess_type(profile.logo.name)[0] or "image/png"
    return f"data:{content_type};base64,{base64.b64encode(content).decode()}"


def document_company_context(*, draft: bool = False, terms: str = "") -> dict:
    """Context for templates/components/document/*: the profile, its logo, terms in the active language.

    `terms` is "purchase" or "quotation"; `draft` marks every page as a draft, not approved.
    """
    profile = company_profile_get()
    language = translation.get_language() or "en"
    return {
        "company": profile,
        "company_legal_form": profile.legal_form_abbreviation(language) if profile else "",
        "company_logo": _logo_data_uri(profile) if profile else "",
        "company_terms": profile.terms(terms, language) if profile and terms else "",
        "document_draft": draft,
    }
