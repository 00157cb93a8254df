"""Phase-gate checks contributed by the quality app (registered in QualityConfig.ready)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.gates import gate_check
from projects.models import Phase, Project
from quality.models import ClosureValidation, Handover, HandoverStatus, Review, ReviewStatus


def _required_reviews_completed(project: Project, phase: str) -> str | None:
    pending = Review.objects.filter(
        project=project, gate_phase=phase, status__in=(ReviewStatus.SCHEDULED, ReviewStatus.IN_PROGRESS)
    ).count()
    if pending:
        return ngettext(
            "%(count)d required review is not completed.",
            "%(count)d required reviews are not completed.",
            pending,
        ) % {"count": pending}
    return None


@gate_check(Phase.PLANNING)
def reviews_before_planning(project: Project) -> str | None:
    return _required_reviews_completed(project, Phase.PLANNING)


@gate_check(Phase.EXECUTION)
def reviews_before_execution(project: Project) -> str | None:
    return _required_reviews_completed(project, Phase.EXECUTION)


@gate_check(Phase.CLOSING)
def reviews_before_closing(project: Project) -> str | None:
    return _required_reviews_completed(project, Phase.CLOSING)


@gate_check(Phase.HANDED_OVER)
def reviews_before_handover(project: Project) -> str | None:
    return _required_reviews_completed(project, Phase.HANDED_OVER)


@gate_check(Phase.HANDED_OVER)
def closure_validation_passed(project: Project) -> str | None:
    validation = ClosureValidation.objects.filter(project=project).first()
    if validation is None or not validation.is_passed:
        return _("The closure validation has not passed.")
    return None


@gate_check(Phase.HANDED_OVER)
def handover_accepted_by_smo(project: Project) -> str | None:
    if not Handover.objects.filter(project=project, status=HandoverStatus.ACCEPTED).exists():
        return _("The SMO has not accepted the hand-over.")
    return None
