"""The project cockpit: what a project's home page shows, in a number of queries that does not grow."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from projects import hooks
from projects.gates import FORWARD_MOVES, GateResult, gate_evaluate
from projects.models import (
    CLOSED_TASK_STATUSES,
    Action,
    Phase,
    Project,
    RequiredDocument,
    Risk,
    Task,
    TaskKind,
)
from projects.selectors.documents import required_documents_missing
from projects.selectors.plan import plan_progress
from projects.selectors.registers import RegisterSummary, overdue_actions_q, register_summary

LIST_LIMIT = 5


@dataclass
class Cockpit:
    next_phase: str
    next_gate: GateResult | None
    progress: dict
    next_milestones: list[Task]
    overdue_tasks: list[Task]
    top_risks: list[Risk]
    missing_documents: list[RequiredDocument]
    registers: RegisterSummary
    overdue_actions: list[Action]
    budget_rows: list[dict] = field(default_factory=list)
    orders_awaiting_approval: list[dict] = field(default_factory=list)

    @property
    def next_phase_label(self) -> str:
        return str(Phase(self.next_phase).label) if self.next_phase else ""

    @property
    def budget_chart(self) -> dict:
        """The budget chart's data, as static/js/reporting-charts.js draws it (amounts in euros)."""
        from django.utils.translation import gettext as _

        columns = [
            ("budget", _("Budget")),
            ("committed", _("Committed")),
            ("actual", _("Actual")),
            ("forecast", _("Forecast")),
        ]
        return {
            "type": "bar",
            "labels": [row["category"] for row in self.budget_rows],
            "datasets": [
                {"label": str(label), "data": [float(row[key] or Decimal("0")) for row in self.budget_rows]}
                for key, label in columns
            ],
        }


def _next_phase(project: Project) -> str:
    return next((target for source, target in FORWARD_MOVES if source == project.phase), "")


def project_cockpit(*, project: Project, with_money: bool) -> Cockpit:
    """Gather the cockpit of a project; money (budget, orders to approve) only when the user may see it."""
    today = timezone.localdate()
    open_tasks = Task.objects.filter(project=project).exclude(status__in=CLOSED_TASK_STATUSES)
    next_phase = _next_phase(project)
    cockpit = Cockpit(
        next_phase=next_phase,
        next_gate=gate_evaluate(project=project, target_phase=next_phase) if next_phase else None,
        progress=plan_progress(project=project),
        next_milestones=list(
            open_tasks.filter(kind=TaskKind.MILESTONE).order_by("planned_end", "sort_order")[:LIST_LIMIT]
        ),
        overdue_tasks=list(
            open_tasks.filter(planned_end__lt=today)
            .exclude(kind=TaskKind.MILESTONE)
            .order_by("planned_end")[:LIST_LIMIT]
        ),
        top_risks=list(
            Risk.objects.filter(project=project, status__in=Risk.OPEN_STATUSES)
            .select_related("owner")
            .order_by("-residual_score", "-inherent_score", "number")[:LIST_LIMIT]
        ),
        missing_documents=required_documents_missing(project=project),
        registers=register_summary(project=project),
        overdue_actions=list(
            Action.objects.filter(overdue_actions_q(today), project=project)
            .select_related("owner")
            .order_by("due_date", "number")[:LIST_LIMIT]
        ),
    )
    if with_money:
        cockpit.budget_rows = hooks.budget.budget_by_category(project=project)
        cockpit.orders_awaiting_approval = hooks.budget.orders_awaiting_approval(
            project=project, limit=LIST_LIMIT
        )
    return cockpit
