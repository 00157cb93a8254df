"""The highlight report as a PDF (WeasyPrint), made only from frozen data so it renders the same twice."""

import threading
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reporting import charts
from reporting.models import RAG_DIMENSIONS, Audience, HighlightReport, ProgressUpdate, ProjectSnapshot
from reporting.selectors import snapshot_trend
from reporting.services import rag_suggest

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

DIMENSION_LABELS = {
    "schedule": lambda: _("Schedule"),
    "cost": lambda: _("Cost"),
    "scope": lambda: _("Scope"),
    "quality": lambda: _("Quality"),
    "risk": lambda: _("Risk"),
    "safety": lambda: _("Safety"),
    "overall": lambda: _("Overall"),
}


@dataclass(frozen=True)
class DimensionRow:
    key: str
    label: str
    rag: str | None
    suggested: str | None
    tolerance: str
    measured: str


def _css_string(text: str) -> SafeString:
    """Text for a CSS string in the page margins: quotes, backslashes and tags cannot escape it."""
    escaped = str(text).replace("\\", "\\5C ").replace('"', "\\22 ").replace("<", "\\3C ")
    return mark_safe(escaped.replace("\n", " "))


def _company_name(company: dict) -> str:
    """The legal name from the company profile; the setting only until the administrator fills it in."""
    if company["company"] is None:
        return settings.REPORTING_COMPANY_NAME
    return f"{company['company'].legal_name} {company['company_legal_form']}"


def _page_strings(project: dict, is_internal: bool, company_name: str) -> dict:
    if is_internal:
        confidentiality = _("Confidential: internal use only")
    else:
        confidentiality = _("Confidential: for %(customer)s and the project board") % {
            "customer": project["customer"]
        }
    return {
        "top_left": _css_string(f"{company_name} · {_('Highlight report')}"),
        "top_right": _css_string(f"{project['code']} · {project['name']}"),
        "bottom_left": _css_string(confidentiality),
        "page": _css_string(_("Page")),
    }


def _money(amount) -> str:
    from pmo.templatetags.pmo_tags import money

    return money(amount)


def _tolerance_rows(snapshot: ProjectSnapshot, update: ProgressUpdate | None, suggestion: dict) -> list:
    tolerance = snapshot.data["tolerance"]
    budget = snapshot.budget
    cost_limit = min(budget * Decimal(tolerance["cost_percent"]) / 100, Decimal(tolerance["cost_amount"]))
    slip = "—"
    if snapshot.planned_end and snapshot.forecast_end:
        from reporting.selectors import working_days_between

        slip = _("%(days)s working days") % {
            "days": max(working_days_between(snapshot.planned_end, snapshot.forecast_end), 0)
        }
    overrun = "—" if snapshot.forecast is None else _money(max(snapshot.forecast - budget, Decimal(0)))
    measured = {
        "schedule": slip,
        "cost": overrun,
        "scope": "—" if snapshot.approved_changes is None else _money(snapshot.approved_changes),
        "quality": "—" if snapshot.open_findings is None else str(snapshot.open_findings),
        "risk": "—" if snapshot.highest_risk_score is None else str(snapshot.highest_risk_score),
        "safety": "—",
    }
    limits = {
        "schedule": _("%(days)s working days") % {"days": tolerance["time_days"]},
        "cost": _money(cost_limit),
        "scope": f"{number_format(Decimal(tolerance['scope_percent']), 2)} %",
        "quality": _("%(count)s open findings") % {"count": tolerance["quality_findings"]},
        "risk": _("score %(score)s") % {"score": tolerance["risk_score"]},
        "safety": "—",
    }
    return [
        DimensionRow(
            key=dimension,
            label=DIMENSION_LABELS[dimension](),
            rag=getattr(update, f"rag_{dimension}") if update else None,
            suggested=suggestion.get(dimension),
            tolerance=limits[dimension],
            measured=measured[dimension],
        )
        for dimension in RAG_DIMENSIONS
    ]


def _snapshot_of(report: HighlightReport) -> ProjectSnapshot:
    """A report is queued with its frozen snapshot; only a report being deleted lacks one."""
    if report.snapshot is None:
        raise ValueError(f"highlight report {report.pk} has no snapshot to render")
    return report.snapshot


def _trend_charts(report: HighlightReport) -> dict:
    """The trend charts as the PDF embeds them: images of their SVG (charts.as_image)."""
    return {name: charts.as_image(svg) for name, svg in _trend_svgs(report).items()}


def _trend_svgs(report: HighlightReport) -> dict:
    snapshot_now = _snapshot_of(report)
    trend = snapshot_trend(project=report.project, until=report.period_start)
    weeks = [snapshot.week_start for snapshot in trend]
    return {
        "progress": charts.progress_curve(
            weeks=weeks,
            planned=[snapshot.planned_percent for snapshot in trend],
            actual=[snapshot.percent_complete for snapshot in trend],
            labels={"title": _("Progress"), "planned": _("Planned"), "actual": _("Actual")},
        ),
        "budget": charts.budget_burn(
            weeks=weeks,
            budget=snapshot_now.budget,
            committed=[snapshot.committed for snapshot in trend],
            actual=[snapshot.actual for snapshot in trend],
            labels={
                "title": _("Budget burn"),
                "budget": _("Budget"),
                "committed": _("Committed"),
                "actual": _("Actual"),
            },
        ),
        # Earned value (issue 15), frozen in each weekly snapshot; shown in the internal version only.
        "evm": charts.evm_s_curve(
            weeks=weeks,
            pv=[snapshot.planned_value for snapshot in trend],
            ev=[snapshot.earned_value for snapshot in trend],
            ac=[snapshot.actual_cost for snapshot in trend],
            bac=snapshot_now.budget,
            labels={"title": _("Earned value"), "bac": _("BAC"), "pv": _("PV"), "ev": _("EV"), "ac": _("AC")},
        ),
        "heat_map": charts.risk_heat_map(
            matrix=snapshot_now.data["risk_matrix"],
            labels={"title": _("Risk heat map"), "impact": _("Impact"), "probability": _("Probability")},
        )
        if "risk_matrix" in snapshot_now.data
        else None,
    }


def _dated(rows: list[dict] | None, *keys: str) -> list[dict] | None:
    """Frozen rows with their ISO dates turned back into dates, for localized display."""
    if rows is None:
        return None
    return [
        {**row, **{key: date.fromisoformat(row[key]) if row.get(key) else None for key in keys}}
        for row in rows
    ]


def highlight_report_context(*, report: HighlightReport) -> dict:
    """Everything the PDF shows, from the report's snapshot and progress update only."""
    from pmo.lib.documents import document_company_context

    snapshot, update = _snapshot_of(report), report.progress_update
    company = document_company_context()  # read once: the letterhead, the cover and the page margins
    company_name = _company_name(company)
    figures = {field.name: getattr(snapshot, field.name) for field in ProjectSnapshot._meta.concrete_fields}
    suggestion = rag_suggest(figures=figures, tolerance=snapshot.data["tolerance"])
    data = snapshot.data
    return {
        "report": report,
        "snapshot": snapshot,
        "update": update,
        "project": data["project"],
        "is_internal": report.audience == Audience.INTERNAL,
        **company,
        "page_strings": _page_strings(data["project"], report.audience == Audience.INTERNAL, company_name),
        "company_name": company_name,
        "dimensions": _tolerance_rows(snapshot, update, suggestion),
        "overall": update.rag_overall if update else suggestion.get("overall"),
        "overall_is_suggested": update is None,
        "margin": snapshot.contract_value
        - (snapshot.forecast if snapshot.forecast is not None else snapshot.budget),
        "variance": None if snapshot.forecast is None else snapshot.budget - snapshot.forecast,
        "charts": _trend_charts(report),
        "milestones": _dated(data.get("milestones"), "baseline", "planned", "forecast"),
        # The snapshot keeps the category's source name; the report shows it in its own language.
        "budget_lines": [{**line, "label": _(line["label"])} for line in data.get("budget_lines") or []],
        "risks": data.get("risks"),
        "issues": data.get("issues"),
        "changes": data.get("changes"),
        "decisions": _dated(data.get("decisions"), "due"),
        "lessons": data.get("lessons"),
        "generated_on": report.period_end if report.period_end else date.today(),
    }


# Money the customer must not see: our costs (budget, commitments, actuals, forecast, contingency) and,
# from them, the margin. The customer version keeps the status colours, not the figures behind them.
COST_DIMENSIONS = ("cost", "scope")


def _without_internal_figures(context: dict) -> dict:
    """The customer version of the context: every internal cost figure removed, not just hidden."""
    return {
        **context,
        "margin": None,
        "variance": None,
        "budget_lines": None,
        "dimensions": [
            replace(row, tolerance="—", measured="—") if row.key in COST_DIMENSIONS else row
            for row in context["dimensions"]
        ],
        "charts": {**context["charts"], "budget": None},
        "changes": None
        if context["changes"] is None
        else [{**change, "cost_impact": None} for change in context["changes"]],
    }


_pdf_resources_of_thread = threading.local()


def _pdf_resources() -> tuple["FontConfiguration", "CSS"]:
    """The fonts and the stylesheet that every highlight report shares, made once per process and thread.

    Made for each render they cost a tenth of it: WeasyPrint loads the fontconfig configuration again,
    starts with an empty font cache and parses the stylesheet again. The stylesheet holds nothing of a
    report or a language (those are in the template's own <style>); one per thread, as Pango's font map
    must not be shared between threads.
    """
    resources = getattr(_pdf_resources_of_thread, "resources", None)
    if resources is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from pmo.lib.documents import pdf_url_fetcher

        font_config = FontConfiguration()
        stylesheet = CSS(
            string=render_to_string("reporting/pdf/highlight_report.css"),
            base_url=str(settings.BASE_DIR),
            url_fetcher=pdf_url_fetcher(),
            font_config=font_config,
        )
        resources = _pdf_resources_of_thread.resources = (font_config, stylesheet)
    return resources


def highlight_report_pdf(*, report: HighlightReport) -> tuple[bytes, int]:
    """Render the report in its language; returns the PDF and its number of pages."""
    from pmo.lib.documents import pdf_url_fetcher
    from pmo.lib.pdf import html_without_notes

    font_config, stylesheet = _pdf_resources()
    with translation.override(report.language):
        context = highlight_report_context(report=report)
        if not context["is_internal"]:
            context = _without_internal_figures(context)
        html = render_to_string("reporting/pdf/highlight_report.html", context)
        # The report has no footnotes: WeasyPrint need not style five note pseudo-elements per element.
        source = html_without_notes()(
            string=html, base_url=str(settings.BASE_DIR), url_fetcher=pdf_url_fetcher()
        )
        document = source.render(font_config=font_config, stylesheets=[stylesheet])
        return document.write_pdf(), len(document.pages)
