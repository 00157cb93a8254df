"""The approval matrix applied to one order: which roles must approve it, and why."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from pmo.roles import Role
from procurement.models import (
    Approval,
    ApprovalDecision,
    ApprovalRule,
    ApprovalRuleKind,
    BudgetLine,
    PurchaseOrder,
)
from procurement.selectors.budget import budget_line_figures, project_spend

REASON_TEXT = {
    ApprovalRuleKind.AMOUNT: _("order amount"),
    ApprovalRuleKind.OUTSIDE_PROJECT: _("outside any project"),
    ApprovalRuleKind.OVER_BUDGET: _("above the available budget"),
    ApprovalRuleKind.LEVEL_1_LIMIT: _("takes a Level 1 project past 250,000 EUR"),
}


@dataclass
class Requirement:
    """One role that must approve; `reasons` are the rule kinds that asked for it."""

    role: str
    reasons: list[str] = field(default_factory=list)
    requires_justification: bool = False
    approval: Approval | None = None

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASON_TEXT[reason]) for reason in self.reasons]


def order_amount(*, order: PurchaseOrder) -> Decimal:
    return order.lines.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


def _over_budget(order: PurchaseOrder) -> bool:
    """Whether the order asks more of any budget line than that line still has available."""
    asked = dict(
        order.lines.filter(budget_line__isnull=False)
        .values("budget_line")
        .annotate(total=Sum("amount"))
        .values_list("budget_line", "total")
    )
    if not asked:
        return False
    lines = budget_line_figures(BudgetLine.objects.filter(pk__in=asked)).values_list("pk", "available")
    return any(asked[pk] > available for pk, available in lines)


def _past_level_1_limit(order: PurchaseOrder, amount: Decimal) -> bool:
    from projects.models import LEVEL_1_LIMIT, Level

    project = order.project
    if project is None or project.level != Level.LEVEL_1:
        return False
    return project_spend(project=project) + amount > LEVEL_1_LIMIT


def approval_requirements(*, order: PurchaseOrder) -> list[Requirement]:
    """Apply the active rules to the order as it stands; the caller holds the locks that matter."""
    amount = order_amount(order=order)
    special = {
        ApprovalRuleKind.OUTSIDE_PROJECT: order.project_id is None,
        ApprovalRuleKind.OVER_BUDGET: order.project_id is not None and _over_budget(order),
        ApprovalRuleKind.LEVEL_1_LIMIT: _past_level_1_limit(order, amount),
    }
    requirements: dict[str, Requirement] = {}
    for rule in ApprovalRule.objects.filter(is_active=True).order_by("kind", "min_amount"):
        if rule.kind == ApprovalRuleKind.AMOUNT:
            applies = amount >= rule.min_amount and not (
                rule.role == Role.PROJECT_MANAGER and order.project_id is None
            )
        else:
            applies = special[rule.kind]
        if applies:
            requirement = requirements.setdefault(rule.role, Requirement(role=rule.role))
            requirement.reasons.append(rule.kind)
            requirement.requires_justification |= rule.requires_justification
    approvals = {
        approval.role: approval
        for approval in order.approvals.filter(
            approval_round=order.approval_round, decision=ApprovalDecision.APPROVED
        ).select_related("approver")
    }
    for requirement in requirements.values():
        requirement.approval = approvals.get(requirement.role)
    return sorted(requirements.values(), key=lambda requirement: list(Role.values).index(requirement.role))


def user_can_fill(*, user, order: PurchaseOrder, role: str) -> bool:
    """Whether a user may approve in a role: holds it, is not the requester; a PM only on their project."""
    if user.pk == order.requester_id or not user.has_role(role):
        return False
    if role == Role.PROJECT_MANAGER:
        return order.project is not None and order.project.project_manager_id == user.pk
    return True


def pending_roles_for(*, user, order: PurchaseOrder, requirements: list[Requirement]) -> list[Requirement]:
    return [
        requirement
        for requirement in requirements
        if requirement.approval is None and user_can_fill(user=user, order=order, role=requirement.role)
    ]
