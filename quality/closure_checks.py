"""The automatic checks of the closure validation: what the data already knows.

Each check is a small function `check(project) -> CheckOutcome`, registered with
`@closure_check(code, label)`. Checks that read other apps use those apps' selectors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pmo.lib.money import money_format
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

if TYPE_CHECKING:
    from projects.models import Project


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


def _url(name: str, project: Project) -> str:
    """A page of another app where the check can be fixed; the project page if it is not installed."""
    try:
        return reverse(name, args=[project.pk])
    except NoReverseMatch:
        return project.get_absolute_url()


@closure_check("orders_received_or_closed", gettext_lazy("All purchase orders received, closed or cancelled"))
def orders_received_or_closed(project: Project) -> CheckOutcome:
    from procurement.selectors import purchase_orders_open_count

    count = purchase_orders_open_count(project=project)  # procurement says which orders are settled
    if count:
        detail = _("%(count)d purchase order(s) still open.") % {"count": count}
        return CheckOutcome(False, detail, _url("procurement:project-pnl", project))
    return CheckOutcome(True)


@closure_check(
    "budget_reconciled", gettext_lazy("Budget reconciled: nothing committed or received without invoice")
)
def budget_reconciled(project: Project) -> CheckOutcome:
    from procurement.selectors.budget import project_pnl
    from procurement.selectors.orders import supplier_invoices_mismatch_count

    totals = project_pnl(project=project).project
    open_amount = totals.money_committed + totals.money_received_not_invoiced
    mismatches = supplier_invoices_mismatch_count(project=project)
    if open_amount or mismatches:
        detail = _("%(amount)s not yet invoiced; %(count)d invoice(s) with a mismatch.") % {
            "amount": money_format(open_amount),
            "count": mismatches,
        }
        return CheckOutcome(False, detail, _url("procurement:project-pnl", project))
    return CheckOutcome(True)


@closure_check("no_open_high_risks_or_issues", gettext_lazy("No open high risks or issues"))
def no_open_high_risks_or_issues(project: Project) -> CheckOutcome:
    from projects.selectors.registers import open_blockers_for_closing

    high_risks, issues = open_blockers_for_closing(project=project)
    if high_risks or issues:
        detail = _("%(risks)d open high risk(s) and %(issues)d open issue(s) not transferred to the SMO.") % {
            "risks": high_risks,
            "issues": issues,
        }
        return CheckOutcome(False, detail, _url("projects:risk-list", project))
    return CheckOutcome(True)


@closure_check("tasks_done", gettext_lazy("All tasks done or cancelled"))
def tasks_done(project: Project) -> CheckOutcome:
    from projects.selectors.portfolio import tasks_open_count

    count = tasks_open_count(project=project)
    if count:
        detail = _("%(count)d task(s) not done or cancelled.") % {"count": count}
        return CheckOutcome(False, detail, _url("projects:project-plan", project))
    return CheckOutcome(True)


@closure_check("required_documents", gettext_lazy("Required documents present"))
def required_documents_present(project: Project) -> CheckOutcome:
    from projects.selectors import required_documents_status

    missing = sorted(
        line.required.title for line in required_documents_status(project=project) if not line.is_present
    )
    if missing:
        detail = _("Missing: %(titles)s.") % {"titles": ", ".join(missing)}
        return CheckOutcome(False, detail, _url("projects:project-documents", project))
    return CheckOutcome(True)


@closure_check("customer_acceptance", gettext_lazy("Customer acceptance certificate filed"))
def customer_acceptance_filed(project: Project) -> CheckOutcome:
    from projects.choices import DocumentCategory
    from projects.selectors.portfolio import project_has_document

    if project_has_document(project=project, category=DocumentCategory.ACCEPTANCE):
        return CheckOutcome(True)
    detail = _("Upload the acceptance certificate signed by the customer.")
    return CheckOutcome(False, detail, _url("projects:project-documents", project))


@closure_check("lessons_recorded", gettext_lazy("Lessons learned recorded"))
def lessons_recorded(project: Project) -> CheckOutcome:
    from projects.selectors.portfolio import project_has_lessons

    if project_has_lessons(project=project):
        return CheckOutcome(True)
    return CheckOutcome(
        False, _("No lesson recorded for this project."), _url("projects:lesson-list", project)
    )


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
