"""Phase-gate checks contributed by the quality app (registered in QualityConfig.ready)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from projects.choices import Phase
from projects.gates import gate_check
from quality.models import ClosureValidation, Handover, HandoverStatus, Review, ReviewStatus

if TYPE_CHECKING:
    from projects.models import Project

REVIEWS_LABEL = gettext_lazy("Required reviews completed")


def _quality_page(project: Project) -> str:
    return reverse("quality:project-quality", args=[project.pk])


def _closure_page(project: Project) -> str:
    return reverse("quality:closure", args=[project.pk])


def _required_reviews_completed(project: Project, phase: str) -> str | None:
    pending = Review.objects.filter(
        project=project, gate_phase=phase, status__in=(ReviewStatus.SCHEDULED, ReviewStatus.IN_PROGRESS)
    )
    if phase == Phase.HANDED_OVER:
        # The closure checklist is one of the closure validation's checks: the validation (passed,
        # or overridden by the head of PM) decides it, not this count.
        pending = pending.exclude(
            pk__in=ClosureValidation.objects.filter(project=project, checklist__isnull=False).values(
                "checklist_id"
            )
        )
    count = pending.count()
    if count:
        return ngettext(
            "%(count)d required review is not completed.",
            "%(count)d required reviews are not completed.",
            count,
        ) % {"count": count}
    return None


@gate_check(Phase.PLANNING, label=REVIEWS_LABEL, fix_url=_quality_page)
def reviews_before_planning(project: Project) -> str | None:
    return _required_reviews_completed(project, Phase.PLANNING)


@gate_check(Phase.EXECUTION, label=REVIEWS_LABEL, fix_url=_quality_page)
def reviews_before_execution(project: Project) -> str | None:
    return _required_reviews_completed(project, Phase.EXECUTION)


@gate_check(Phase.CLOSING, label=REVIEWS_LABEL, fix_url=_quality_page)
def reviews_before_closing(project: Project) -> str | None:
    return _required_reviews_completed(project, Phase.CLOSING)


@gate_check(Phase.HANDED_OVER, label=REVIEWS_LABEL, fix_url=_quality_page)
def reviews_before_handover(project: Project) -> str | None:
    return _required_reviews_completed(project, Phase.HANDED_OVER)


@gate_check(Phase.HANDED_OVER, label=gettext_lazy("Closure validation passed"), fix_url=_closure_page)
def closure_validation_passed(project: Project) -> str | None:
    validation = ClosureValidation.objects.filter(project=project).first()
    if validation is None or not validation.is_passed:
        return _("The closure validation has not passed.")
    return None


def _handover_page(project: Project) -> str:
    handover = Handover.objects.filter(project=project).first()
    return handover.get_absolute_url() if handover else _closure_page(project)


@gate_check(Phase.HANDED_OVER, label=gettext_lazy("Hand-over accepted by the SMO"), fix_url=_handover_page)
def handover_accepted_by_smo(project: Project) -> str | None:
    if not Handover.objects.filter(project=project, status=HandoverStatus.ACCEPTED).exists():
        return _("The SMO has not accepted the hand-over.")
    return None
