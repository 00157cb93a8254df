"""WeasyPrint without the user agent's footnote and note rules: the same PDF, fewer styles to compute."""

from weasyprint import HTML
from weasyprint.css import get_all_computed_styles

from pmo.lib.pdf import html_without_notes

DOCUMENT = """<!doctype html><html lang="fr"><head><style>
@page { size: A5; @bottom-right { content: "Page " counter(page) " / " counter(pages); } }
h1 { break-before: page; } ol li::marker { color: #1f4e79; }
</style></head><body><p>Résumé <q>cité</q><br>ligne</p>
<ol><li>un</li><li>deux</li></ol><ul><li>trois</li></ul>
<h1>Suite</h1><table><tr><td>1</td><td>2,50 €</td></tr></table></body></html>"""


def test_it_leaves_the_footnote_and_note_pseudo_elements_out():
    ours, theirs = html_without_notes()(string=DOCUMENT), HTML(string=DOCUMENT)

    style_for_ours, style_for_theirs = get_all_computed_styles(ours), get_all_computed_styles(theirs)

    element = next(ours.etree_element.iter("p"))
    assert style_for_ours(element, "footnote-call") is None
    assert style_for_ours(element, "note-marker") is None
    assert style_for_theirs(next(theirs.etree_element.iter("p")), "footnote-call") is not None


def test_a_document_without_notes_renders_the_same_pdf_byte_for_byte():
    assert html_without_notes()(string=DOCUMENT).write_pdf() == HTML(string=DOCUMENT).write_pdf()
