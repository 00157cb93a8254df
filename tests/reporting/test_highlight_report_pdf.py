"""The highlight report PDF shares its fonts and stylesheet between renders (issue 14).

A worker renders report after report in one process: nothing of one report, its language or its
audience may reach the next one.
"""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from reporting import rendering, services
from reporting.models import HighlightReport
from reporting.selectors import last_week_start
from tests.factories import ProgressUpdateFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _report(*, audience: str, language: str, done: str) -> HighlightReport:
    """A report with two weekly snapshots behind it, so that it has its trend charts."""
    project = ProjectFactory(phase="execution")
    week = last_week_start()
    services.snapshot_take(project=project, week_start=week - timedelta(days=7))
    snapshot = services.snapshot_take(project=project, week_start=week)
    update = ProgressUpdateFactory(project=project, period_start=week, done_this_period=done)
    return HighlightReport.objects.create(
        project=project,
        period_start=week,
        period_end=week + timedelta(days=6),
        audience=audience,
        language=language,
        snapshot=snapshot,
        progress_update=update,
    )


@pytest.fixture
def french_internal():
    return _report(audience="internal", language="fr", done="Baies livrées.")


@pytest.fixture
def dutch_customer():
    return _report(audience="customer", language="nl", done="Kasten geleverd.")


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def fresh_resources(monkeypatch):
    """Forget this thread's shared fonts and stylesheet: the next render makes them anew."""
    monkeypatch.delattr(rendering._pdf_resources_of_thread, "resources", raising=False)


def test_each_report_keeps_its_own_language_project_and_audience(
    fresh_resources, french_internal, dutch_customer
):
    french, _pages = rendering.highlight_report_pdf(report=french_internal)
    dutch, _pages = rendering.highlight_report_pdf(report=dutch_customer)

    french_text, dutch_text = _text(french), _text(dutch)
    assert "Rapport de situation" in french_text and "Compte de résultat (interne)" in french_text
    assert "Tendances" in french_text and "Prévu" in french_text and "Baies livrées." in french_text
    assert "Voortgangsrapport" in dutch_text and "Pagina 2 / " in dutch_text
    assert "Gepland" in dutch_text and "Kasten geleverd." in dutch_text  # "Gepland": the charts too
    assert "Rapport de situation" not in dutch_text and "Tendances" not in dutch_text
    assert "Prévu" not in dutch_text
    # The customer version, though the report before it was an internal one:
    assert "Resultatenrekening" not in dutch_text
    assert french_internal.project.code not in dutch_text and "Baies livrées." not in dutch_text
    assert dutch_customer.project.code in dutch_text


def test_a_report_renders_the_same_after_others_as_with_fresh_fonts_and_stylesheet(
    fresh_resources, french_internal, dutch_customer
):
    fresh, _pages = rendering.highlight_report_pdf(report=french_internal)
    rendering.highlight_report_pdf(report=dutch_customer)

    again, _pages = rendering.highlight_report_pdf(report=french_internal)

    assert again == fresh  # byte for byte: WeasyPrint writes the same PDF from the same input


def test_the_fonts_and_stylesheet_are_made_once_per_thread(fresh_resources, french_internal, dutch_customer):
    rendering.highlight_report_pdf(report=french_internal)
    first = rendering._pdf_resources()

    rendering.highlight_report_pdf(report=dutch_customer)

    assert rendering._pdf_resources() is first
