"""WeasyPrint plumbing for the PDFs that workers render in bulk (the highlight reports, issue 14)."""

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weasyprint import HTML

# WeasyPrint's user-agent stylesheet gives every element five pseudo-elements for footnotes and notes
# (::footnote-call, ::note-marker…): WeasyPrint computes their styles for each element of a document,
# though only a `float: footnote` or a note ever shows one. Our documents have neither.
NOTE_RULE = re.compile(r"^::(?:footnote|note)-[\w-]+ \{[^}]*\}\n", re.MULTILINE)


@cache
def html_without_notes() -> type["HTML"]:
    """WeasyPrint's HTML, but whose user-agent stylesheet lacks the footnote and note rules.

    For a document without footnotes or notes the PDF is the same, byte for byte (tests/pmo/test_pdf.py),
    and made faster. Should a WeasyPrint upgrade drop or rename those rules, this is plain HTML again.
    """
    from weasyprint import CSS, HTML
    from weasyprint.css.counters import CounterStyle
    from weasyprint.html import UA, UA_FORM_STYLESHEET

    trimmed, removed = NOTE_RULE.subn("", UA)
    if not removed:
        return HTML
    # A counter style set of its own: WeasyPrint gives documents its user agent's counter styles apart.
    stylesheet = CSS(string=trimmed, counter_style=CounterStyle())

    class HTMLWithoutNotes(HTML):
        def _ua_stylesheets(self, forms: bool = False) -> list:
            return [stylesheet, UA_FORM_STYLESHEET] if forms else [stylesheet]

    return HTMLWithoutNotes
