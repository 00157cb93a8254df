"""Time the highlight report PDF in one warm process, as a worker renders it: manage.py bench_highlight_pdf

Read-only: it renders an existing report again and again and writes nothing. The report is the internal
one whose frozen snapshot is the biggest (most rows to lay out), unless --report names one. The first
render pays the imports, fonts and template compilation and is not counted; the last line of the output
is JSON (median_ms, p90_ms, cpu_median_ms, queries, pages, report), which `make bench` reads.
"""

import json
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast, Length
from django.test.utils import CaptureQueriesContext

from reporting.models import Audience, HighlightReport
from reporting.rendering import highlight_report_pdf


def _biggest_report() -> HighlightReport | None:
    return (
        HighlightReport.objects.filter(audience=Audience.INTERNAL, snapshot__isnull=False)
        .annotate(size=Length(Cast("snapshot__data", TextField())))
        .order_by("-size", "pk")
        .first()
    )


class Command(BaseCommand):
    help = "Render a highlight report repeatedly in this process and print the warm timings as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=10, help="timed renders after the first")
        parser.add_argument("--report", type=int, help="a report id (default: the biggest internal one)")

    def handle(self, *args, repeat, report, **options):
        chosen = HighlightReport.objects.filter(pk=report).first() if report else _biggest_report()
        if chosen is None:
            raise CommandError("No highlight report to render.")
        load = HighlightReport.objects.select_related("project", "snapshot", "progress_update")
        highlight_report_pdf(report=load.get(pk=chosen.pk))  # cold: imports, fonts, templates
        timings, cpu = [], []
        for _round in range(max(repeat, 1)):
            with CaptureQueriesContext(connection) as queries:
                started, cpu_started = time.perf_counter(), time.process_time()
                _pdf, pages = highlight_report_pdf(report=load.get(pk=chosen.pk))
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
        ordered = sorted(timings)
        result = {
            "report": chosen.pk,
            "project": chosen.project_id,
            "language": chosen.language,
            "pages": pages,
            "queries": len(queries.captured_queries),
            "median_ms": round(statistics.median(timings), 1),
            "p90_ms": round(ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))], 1),
            # This process's own CPU time: what the render costs when other work shares the machine.
            "cpu_median_ms": round(statistics.median(cpu), 1),
            "cpu_min_ms": round(min(cpu), 1),
            "timings_ms": [round(value, 1) for value in timings],
        }
        self.stdout.write(json.dumps(result))
