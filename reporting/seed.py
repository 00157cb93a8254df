"""Seed step: weekly snapshots, progress updates, distribution lists and highlight report metadata.

Report rows are metadata only (no file): their page offers to make the PDF again from the snapshot.
"""

from datetime import timedelta

from django.utils import timezone

from reporting.models import (
    DEFAULT_TOLERANCES,
    RAG_DIMENSIONS,
    Audience,
    DistributionRecipient,
    HighlightReport,
    ProgressUpdate,
    ProjectSnapshot,
    Rag,
    Tolerance,
)
from reporting.models.reports import week_start_of
from reporting.selectors import INACTIVE_PHASES, project_figures, tolerance_values
from reporting.services import progress_latest_mark, rag_suggest, snapshot_latest_evm_mark

# How many weeks of history, and how many highlight report rows, per scale.
WEEKS = {"S": 8, "M": 3, "L": 2, "XL": 2}
REPORTS = {"S": 60, "M": 800, "L": 4000, "XL": 4000}

NARRATIVE = {
    "nl": (
        "Netwerkapparatuur geleverd en geïnstalleerd in gebouw A; eerste testen geslaagd.",
        "Migratie van de eerste twee verdiepingen en opleiding van de beheerders.",
        "Goedkeuring van de extra toegangspunten voor de kantine.",
    ),
    "fr": (
        "Équipements réseau livrés et installés dans le bâtiment A ; premiers tests réussis.",
        "Migration des deux premiers étages et formation des administrateurs.",
        "Approbation des points d'accès supplémentaires pour la cafétéria.",
    ),
    "en": (
        "Network equipment delivered and installed in building A; first tests passed.",
        "Migrate the first two floors and train the administrators.",
        "Approve the extra access points for the canteen.",
    ),
}
RAG_WEIGHTS = [Rag.GREEN] * 30 + [Rag.AMBER] * 4 + [Rag.RED]


def _weeks(scale: str) -> list:
    last = week_start_of(timezone.localdate()) - timedelta(days=7)
    return [last - timedelta(weeks=offset) for offset in range(WEEKS[scale] - 1, -1, -1)]


def _snapshots(projects, weeks) -> dict:
    """Freeze each week's figures; return what they suggested per (project, week)."""
    snapshots, suggestions = [], {}
    for week in weeks:
        figures = project_figures(projects=projects, today=week + timedelta(days=6))
        for project in projects:
            values = figures[project.pk]
            defaults = Tolerance(project=project, **DEFAULT_TOLERANCES[project.level])
            data = {**values.pop("data"), "tolerance": tolerance_values(defaults)}
            suggestions[project.pk, week] = rag_suggest(figures=values, tolerance=data["tolerance"])
            snapshots.append(ProjectSnapshot(project_id=project.pk, week_start=week, data=data, **values))
    ProjectSnapshot.objects.bulk_create(snapshots, batch_size=1000, ignore_conflicts=True)
    snapshot_latest_evm_mark()
    return suggestions


OVERRIDE = {
    "nl": "Cijfers met het team besproken; de maatregelen staan in het register.",
    "fr": "Chiffres revus avec l'équipe ; les mesures figurent au registre.",
    "en": "Figures reviewed with the team; the measures are in the register.",
}
ORDER = [Rag.GREEN, Rag.AMBER, Rag.RED]


def _rags(rng, suggestion: dict) -> dict[str, str]:
    """The PM mostly follows the figures and now and then judges otherwise."""
    rags = {}
    for dimension in RAG_DIMENSIONS:
        suggested = suggestion.get(dimension)
        rags[dimension] = suggested if suggested and rng.random() < 0.85 else rng.choice(RAG_WEIGHTS)
    rags["overall"] = max(rags.values(), key=ORDER.index)
    return rags


def _updates(rng, projects, weeks, suggestions: dict) -> None:
    updates = []
    for week in weeks:
        for project in projects:
            if project.project_manager_id is None or rng.random() < 0.15:  # some weeks go unreported
                continue
            language = project.customer.language if project.customer.language in NARRATIVE else "en"
            done, planned, decision = NARRATIVE[language]
            suggestion = suggestions[project.pk, week]
            rags = _rags(rng, suggestion)
            differs = any(suggestion.get(key) and suggestion[key] != rag for key, rag in rags.items())
            updates.append(
                ProgressUpdate(
                    project_id=project.pk,
                    period_start=week,
                    period_end=week + timedelta(days=6),
                    author_id=project.project_manager_id,
                    suggested=suggestion,
                    override_comment=OVERRIDE[language] if differs else "",
                    done_this_period=done,
                    planned_next=planned,
                    decisions_needed=decision if rags["overall"] == Rag.RED else "",
                    **{f"rag_{key}": rag for key, rag in rags.items()},
                )
            )
    ProgressUpdate.objects.bulk_create(updates, batch_size=1000, ignore_conflicts=True)
    progress_latest_mark()


def _reports(projects, weeks, count: int) -> None:
    snapshot_ids = dict(
        ((project_id, week), pk)
        for pk, project_id, week in ProjectSnapshot.objects.filter(week_start__in=weeks).values_list(
            "pk", "project_id", "week_start"
        )
    )
    rows: list[HighlightReport] = []
    sent_at = timezone.now()  # history: these went out already
    for week in reversed(weeks):
        for project in projects:
            for audience in (Audience.INTERNAL, Audience.CUSTOMER):
                if len(rows) == count:
                    break
                language = project.customer.language if audience == Audience.CUSTOMER else "en"
                rows.append(
                    HighlightReport(
                        project_id=project.pk,
                        period_start=week,
                        period_end=week + timedelta(days=6),
                        audience=audience,
                        language=language,
                        snapshot_id=snapshot_ids.get((project.pk, week)),
                        status=HighlightReport.Status.READY,
                        attempts=1,
                        is_distributed=True,
                        emailed_at=sent_at,
                    )
                )
    HighlightReport.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def _recipients(projects) -> None:
    recipients = []
    for project in projects:
        contact = next(iter(project.customer.contacts.all()), None)
        if contact and contact.email:
            recipients.append(
                DistributionRecipient(
                    project_id=project.pk,
                    name=contact.name,
                    email=contact.email,
                    language=contact.language,
                    audience=Audience.CUSTOMER,
                )
            )
        if project.project_manager:
            recipients.append(
                DistributionRecipient(
                    project_id=project.pk,
                    name=str(project.project_manager),
                    email=project.project_manager.email,
                    language=project.project_manager.preferred_language[:2],
                    audience=Audience.INTERNAL,
                )
            )
    DistributionRecipient.objects.bulk_create(recipients, batch_size=1000, ignore_conflicts=True)


def _render_a_few(weeks) -> None:
    """The demo gets a few real PDFs of last week, so that download works out of the box."""
    from reporting.services import highlight_report_render

    latest = HighlightReport.objects.filter(period_start=weeks[-1], audience=Audience.INTERNAL)
    for report_id in latest.order_by("project__code").values_list("pk", flat=True)[:3]:
        HighlightReport.objects.filter(pk=report_id).update(status=HighlightReport.Status.QUEUED)
        highlight_report_render(report_id=report_id)


def seed_reporting(context) -> None:
    from projects.selectors.portfolio import project_list_excluding_phases

    projects = list(
        project_list_excluding_phases(phases=INACTIVE_PHASES)
        .filter(pk__in=[project.pk for project in context.detailed_projects])
        .prefetch_related("customer__contacts")
        .order_by("pk")
    )
    weeks = _weeks(context.scale)
    suggestions = _snapshots(projects, weeks)
    _updates(context.rng, projects, weeks, suggestions)
    _recipients(projects)
    _reports(projects, weeks, REPORTS[context.scale])
    if context.scale == "S":
        _render_a_few(weeks)
    counts = (
        ProjectSnapshot.objects.count(),
        ProgressUpdate.objects.count(),
        HighlightReport.objects.count(),
    )
    context.log("  reporting: {} snapshots, {} progress updates, {} highlight reports".format(*counts))
