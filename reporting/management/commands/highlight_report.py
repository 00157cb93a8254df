"""Render one highlight report synchronously: manage.py highlight_report P-2026-0001 --lang fr -o out.pdf"""

import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from projects.choices import Language
from projects.selectors.portfolio import project_get_by_code
from reporting import services
from reporting.models import Audience, HighlightReport
from reporting.selectors import last_week_start


class Command(BaseCommand):
    help = "Render a project's highlight report for a week to a PDF file, without a worker."

    def add_arguments(self, parser):
        parser.add_argument("code", help="project code, e.g. P-2026-0001")
        parser.add_argument("--audience", choices=Audience.values, default=Audience.INTERNAL)
        parser.add_argument("--lang", choices=Language.values, default="en")
        parser.add_argument(
            "--week", type=date.fromisoformat, help="a day of the week to report (default: last week)"
        )
        parser.add_argument("-o", "--output", type=Path, required=True)

    def handle(self, *args, code, audience, lang, week, output, **options):
        project = project_get_by_code(code=code)
        if project is None:
            raise CommandError(f"No project {code}.")
        report = services.highlight_report_request(
            project=project,
            actor=None,
            audience=audience,
            language=lang,
            period_start=week or last_week_start(timezone.localdate()),
        )
        if report.status != HighlightReport.Status.READY or not report.file:
            # Render here unless a worker already holds the job; then wait for it to finish.
            HighlightReport.objects.filter(pk=report.pk).exclude(
                status=HighlightReport.Status.RENDERING
            ).update(status=HighlightReport.Status.QUEUED)
            services.highlight_report_render(report_id=report.pk)
            report = self._wait(report)
        if report.status != HighlightReport.Status.READY:
            raise CommandError(f"The report failed: {report.error}")
        with report.file.open("rb") as pdf:
            output.write_bytes(pdf.read())
        self.stdout.write(f"{output} ({report.page_count} pages, {report.file_size} bytes)")

    def _wait(self, report: HighlightReport, seconds: int = 180) -> HighlightReport:
        deadline = time.monotonic() + seconds
        report.refresh_from_db()
        while report.status == HighlightReport.Status.RENDERING and time.monotonic() < deadline:
            time.sleep(0.5)
            report.refresh_from_db()
        return report
