"""The PDF path through a real Celery worker on Redis, in each language."""

import io

import pytest
from pypdf import PdfReader

from reporting import services
from reporting.models import HighlightReport
from reporting.selectors import last_week_start
from tests.conftest import wait_until
from tests.factories import ProgressUpdateFactory, ProjectFactory

# Django's own catalogs translate month names, so the period on the cover proves the language.
MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "nl": [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
}


@pytest.mark.worker
def test_a_real_worker_renders_the_pdf_in_each_readers_language(celery_worker_process):
    project = ProjectFactory(name="Wifi-uitbreiding Gent", phase="execution")
    week = last_week_start()
    ProgressUpdateFactory(project=project, period_start=week, done_this_period="Access points installed.")

    reports = {
        language: services.highlight_report_request(
            project=project,
            actor=project.project_manager,
            audience="customer",
            language=language,
            period_start=week,
        )
        for language in MONTHS
    }

    for language, report in reports.items():
        ready = wait_until(
            lambda pk=report.pk: HighlightReport.objects.filter(
                pk=pk, status__in=["ready", "failed"]
            ).first(),
            seconds=60,
        )
        assert ready.status == "ready", ready.error
        with ready.file.open("rb") as handle:
            pages = PdfReader(io.BytesIO(handle.read())).pages
        text = "\n".join(page.extract_text() for page in pages)
        assert project.code in text
        assert "Access points installed." in text
        assert MONTHS[language][week.month - 1] in text
        assert ready.page_count == len(pages)
