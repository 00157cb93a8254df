"""The automatic checks of the closure validation: what the data already knows.

Each check is a small function `check(project) -> CheckOutcome`, registered with
`@closure_check(code, label)`. Checks that read other apps use those apps' selectors/models.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from projects.models import Project
from quality.models import (
    NONCONFORM_RATINGS,
    OPEN_ACTION_STATUSES,
    CorrectiveAction,
    Finding,
    FindingStatus,
    IncidentStatus,
    ReviewStatus,
    SafetyIncident,
    SatisfactionSurvey,
)


@dataclass(frozen=True)
class CheckOutcome:
    is_passed: bool
    detail: str = ""
    fix_url: str = ""


@dataclass(frozen=True)
class ClosureCheck:
    code: str
    label: str
    run: Callable[[Project], CheckOutcome]


CLOSURE_CHECKS: list[ClosureCheck] = []


def closure_check(code: str, label) -> Callable:
    """Register an automatic closure check under a stable code."""

    def register(function: Callable[[Project], CheckOutcome]) -> Callable[[Project], CheckOutcome]:
        if not any(check.code == code for check in CLOSURE_CHECKS):
            CLOSURE_CHECKS.append(ClosureCheck(code=code, label=label, run=function))
        return function

    return register


@dataclass(frozen=True)
class CheckResult:
    code: str
    label: str
    is_passed: bool
    detail: str
    fix_url: str


def closure_checks_run(*, project: Project) -> list[CheckResult]:
    """Run every registered check on the project, in registration order."""
    results = []
    for check in CLOSURE_CHECKS:
        outcome = check.run(project)
        results.append(
            CheckResult(check.code, str(check.label), outcome.is_passed, outcome.detail, outcome.fix_url)
        )
    return results


def _quality_url(project: Project) -> str:
    return reverse("quality:project-quality", args=[project.pk])


@closure_check("findings_closed", gettext_lazy("All findings closed"))
def findings_closed(project: Project) -> CheckOutcome:
    count = Finding.objects.filter(project=project).exclude(status=FindingStatus.CLOSED).count()
    if count:
        return CheckOutcome(
            False, _("%(count)d finding(s) still open.") % {"count": count}, _quality_url(project)
        )
    return CheckOutcome(True)


@closure_check("safety_closed", gettext_lazy("Safety incidents and corrective actions closed"))
def safety_closed(project: Project) -> CheckOutcome:
    incidents = SafetyIncident.objects.filter(project=project).exclude(status=IncidentStatus.CLOSED).count()
    actions = CorrectiveAction.objects.filter(project=project, status__in=OPEN_ACTION_STATUSES).count()
    if incidents or actions:
        detail = _("%(incidents)d incident(s) and %(actions)d corrective action(s) still open.") % {
            "incidents": incidents,
            "actions": actions,
        }
        return CheckOutcome(False, detail, reverse("quality:project-safety", args=[project.pk]))
    return CheckOutcome(True)


@closure_check("closure_checklist", gettext_lazy("Closure checklist completed without nonconformity"))
def closure_checklist_completed(project: Project) -> CheckOutcome:
    validation = getattr(project, "closure_validation", None)
    review = validation.checklist if validation else None
    fix_url = review.get_absolute_url() if review else reverse("quality:closure", args=[project.pk])
    if review is None or review.status != ReviewStatus.COMPLETED:
        return CheckOutcome(False, _("The closure checklist is not completed."), fix_url)
    if review.answers.filter(rating__in=NONCONFORM_RATINGS).exists():
        return CheckOutcome(False, _("The closure checklist has nonconform answers."), fix_url)
    return CheckOutcome(True)


@closure_check("survey_sent", gettext_lazy("Customer satisfaction survey sent"))
def survey_sent(project: Project) -> CheckOutcome:
    if SatisfactionSurvey.objects.filter(Q(project=project)).exists():
        return CheckOutcome(True)
    return CheckOutcome(False, _("No survey sent yet."), reverse("quality:closure", args=[project.pk]))
