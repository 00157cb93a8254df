"""The approval matrix applied to one order: which roles must approve it, and why."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pmo.models import User
from pmo.roles import Role
from procurement.models import (
    Approval,
    ApprovalDecision,
    ApprovalRule,
    ApprovalRuleKind,
    ApproverSubstitute,
    BudgetLine,
    PurchaseOrder,
)
from procurement.selectors.budget import budget_line_figures, project_spend

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# Keyed by the stored values (plain strings once read back from the database).
REASON_TEXT: dict[str, "StrPromise"] = {
    ApprovalRuleKind.AMOUNT: _("order amount"),
    ApprovalRuleKind.OUTSIDE_PROJECT: _("outside any project"),
    ApprovalRuleKind.OVER_BUDGET: _("above the available budget"),
    ApprovalRuleKind.LEVEL_1_LIMIT: _("takes a Level 1 project past 250,000 EUR"),
}


# Who approves a step when no one but the requester holds the role it asks for (procurement/README.md).
NEXT_LEVEL: dict[str, str] = {
    Role.PROJECT_MANAGER: Role.HEAD_OF_PM,
    Role.PM_SUPPORT: Role.HEAD_OF_PM,
    Role.FINANCE: Role.HEAD_OF_PM,
    Role.HEAD_OF_PM: Role.FINANCE,
}


@dataclass
class Requirement:
    """One role that must approve; `reasons` are the rule kinds that asked for it.

    `escalated_from` holds the roles the matrix asked for that went to this role because no one other than
    the requester holds them; `eligible` are the people who may approve (substitutes of absent ones included).
    """

    role: str
    reasons: list[str] = field(default_factory=list)
    requires_justification: bool = False
    approval: Approval | None = None
    escalated_from: list[str] = field(default_factory=list)
    eligible: list[User] = field(default_factory=list)
    # substitute pk -> the absent person they stand in for
    standing_in_for: dict[int, User] = field(default_factory=dict)

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)

    @property
    def escalated_from_labels(self) -> list[str]:
        return [str(Role(role).label) for role in self.escalated_from]

    def can_be_filled_by(self, user) -> bool:
        return any(person.pk == user.pk for person in self.eligible)

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
    special: dict[str, bool] = {
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
    requirements = _escalate(order, requirements)
    approvals = {
        approval.role: approval
        for approval in order.approvals.filter(
            approval_round=order.approval_round, decision=ApprovalDecision.APPROVED
        ).select_related("approver", "on_behalf_of")
    }
    for requirement in requirements.values():
        requirement.approval = approvals.get(requirement.role)
    return sorted(requirements.values(), key=lambda requirement: list(Role.values).index(requirement.role))


def role_holders(*, order: PurchaseOrder, role: str) -> list[User]:
    """Active holders of a role for this order, never the requester; for the PM step, the project's PM."""
    holders = User.objects.filter(is_active=True, groups__name=role).exclude(pk=order.requester_id)
    if role == Role.PROJECT_MANAGER:
        project_manager = order.project.project_manager_id if order.project is not None else None
        if project_manager is None:
            return []
        holders = holders.filter(pk=project_manager)
    return list(holders.distinct().order_by("display_name", "pk"))


def substitutes_for(holders: list[User], *, order: PurchaseOrder) -> dict[int, ApproverSubstitute]:
    """Substitutes named for today by the holders: substitute pk -> the entry (naming the absent holder)."""
    today = timezone.localdate()
    found = (
        ApproverSubstitute.objects.filter(
            absent__in=holders, starts_on__lte=today, ends_on__gte=today, substitute__is_active=True
        )
        .exclude(substitute_id=order.requester_id)
        .select_related("absent", "substitute")
    )
    return {substitute.substitute_id: substitute for substitute in found}


def _fill_eligible(requirement: Requirement, order: PurchaseOrder) -> None:
    holders = role_holders(order=order, role=requirement.role)
    substitutes = substitutes_for(holders, order=order)
    known = {holder.pk for holder in holders}
    requirement.eligible = holders + [s.substitute for pk, s in substitutes.items() if pk not in known]
    requirement.standing_in_for = {pk: s.absent for pk, s in substitutes.items() if pk not in known}


def _escalate(order: PurchaseOrder, requirements: dict[str, Requirement]) -> dict[str, Requirement]:
    """Give each step no one but the requester could fill to the next level (merged if already asked)."""
    result: dict[str, Requirement] = {}
    for requirement in requirements.values():
        _fill_eligible(requirement, order)
        seen = {requirement.role}
        while not requirement.eligible and NEXT_LEVEL.get(requirement.role) not in (None, *seen):
            requirement.escalated_from.append(requirement.role)
            requirement.role = NEXT_LEVEL[requirement.role]
            seen.add(requirement.role)
            _fill_eligible(requirement, order)
        target = result.setdefault(requirement.role, requirement)
        if target is not requirement:
            target.reasons += [reason for reason in requirement.reasons if reason not in target.reasons]
            target.requires_justification |= requirement.requires_justification
            target.escalated_from += requirement.escalated_from
    return result


def user_can_fill(*, user, order: PurchaseOrder, role: str) -> bool:
    """Whether a user may approve in a role on this order (never the requester; a PM on their project)."""
    requirement = Requirement(role=role)
    _fill_eligible(requirement, order)
    return requirement.can_be_filled_by(user)


def pending_roles_for(*, user, order: PurchaseOrder, requirements: list[Requirement]) -> list[Requirement]:
    return [
        requirement
        for requirement in requirements
        if requirement.approval is None and requirement.can_be_filled_by(user)
    ]


def approval_blocker(*, user, order: PurchaseOrder, requirements: list[Requirement]) -> str:
    """Why this user sees no Approve button on a submitted order ("" when they can approve)."""
    pending = [requirement for requirement in requirements if requirement.approval is None]
    if not pending or pending_roles_for(user=user, order=order, requirements=requirements):
        return ""
    if user.pk == order.requester_id:
        return str(_("You raised this order: someone else must approve it (four eyes)."))
    if user.has_role(Role.PROJECT_MANAGER) and any(r.role == Role.PROJECT_MANAGER for r in pending):
        return str(_("Only the project manager of this project approves as project manager."))
    return str(
        _("The steps still open are for: %(roles)s. You do not hold these roles.")
        % {"roles": ", ".join(requirement.role_label for requirement in pending)}
    )
