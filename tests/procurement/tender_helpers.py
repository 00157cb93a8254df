"""Builders for the requisition and tender tests: a project with a team, made through the services."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from pmo.models import User
from pmo.roles import Role
from procurement.services import requisitions as requisition_services
from procurement.services import tenders as tender_services
from tests.factories import (
    AssignmentFactory,
    BudgetLineFactory,
    ProjectFactory,
    ResourceFactory,
    SupplierFactory,
    TaskFactory,
    UserFactory,
    user_with_role,
)

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class Team:
    project: object
    engineer: User  # no role: on the team through the resource plan
    pm: User
    pmo: User
    budget_line: object


def team(*, engineer_language: str = "en") -> Team:
    pm = user_with_role(Role.PROJECT_MANAGER)
    project = ProjectFactory(project_manager=pm)
    engineer = UserFactory(preferred_language=engineer_language)
    AssignmentFactory(task=TaskFactory(project=project), resource=ResourceFactory(user=engineer))
    budget_line = BudgetLineFactory(project=project, budget=Decimal("50000.00"), forecast=Decimal("50000.00"))
    return Team(
        project=project,
        engineer=engineer,
        pm=pm,
        pmo=user_with_role(Role.PM_SUPPORT),
        budget_line=budget_line,
    )


def requisition(team: Team, *, supplier=None, budget_line="team", **values):
    defaults = {
        "description": "Patch cables Cat6A 2 m",
        "quantity": Decimal("24"),
        "unit": "pcs",
        "estimated_unit_price": Decimal("4.50"),
        "needed_by": timezone.localdate() + timedelta(days=10),
        "suggested_supplier": supplier,
        "budget_line": team.budget_line if budget_line == "team" else budget_line,
    }
    return requisition_services.requisition_submit(
        actor=team.engineer, project=team.project, **{**defaults, **values}
    )


def accepted_requisition(team: Team, **kwargs):
    return requisition_services.requisition_accept(requisition=requisition(team, **kwargs), actor=team.pmo)


def sent_rfq(team: Team, *, suppliers=None, lines=None):
    """A request of two lines sent to three suppliers (one Dutch, one French, one English speaking)."""
    rfq = tender_services.rfq_create(
        actor=team.pmo,
        project=team.project,
        title="Cabling building B",
        deadline=timezone.localdate() + timedelta(days=14),
        lines=lines
        or [
            {
                "description": "Cat6A cable 305 m",
                "quantity": Decimal("10"),
                "unit": "pcs",
                "budget_line": team.budget_line,
            },
            {
                "description": "Cable pulling",
                "quantity": Decimal("40"),
                "unit": "h",
                "budget_line": team.budget_line,
            },
        ],
    )
    for supplier in suppliers or [
        SupplierFactory(name="Aaa Kabel", language="nl"),
        SupplierFactory(name="Bbb Câblage", language="fr"),
        SupplierFactory(name="Ccc Cabling", language="en"),
    ]:
        tender_services.rfq_supplier_invite(rfq=rfq, supplier=supplier, actor=team.pmo)
    return tender_services.rfq_send(rfq=rfq, actor=team.pmo)


def record(team: Team, invitation, *prices, delivery_days=10, quality_score=3):
    lines = list(invitation.rfq.lines.order_by("position"))
    return tender_services.quote_record(
        invitation=invitation,
        actor=team.pmo,
        prices={line.pk: Decimal(price) for line, price in zip(lines, prices, strict=True)},
        delivery_days=delivery_days,
        quality_score=quality_score,
    )
