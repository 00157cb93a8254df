"""Seed step: an engineer on project teams, purchase requisitions in every state, requests for quotation
with invited suppliers and their quotes. Scale L: 6,000 requisitions and 600 tenders (bulk inserts)."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from pmo.models import NumberSequence, User
from pmo.roles import Role
from procurement.models import (
    BudgetLine,
    PurchaseRequisition,
    RequestForQuotation,
    RequisitionStatus,
    RfqInvitation,
    RfqLine,
    RfqStatus,
    Supplier,
    SupplierQuote,
    SupplierQuoteLine,
)
from projects.models import Assignment, Resource

SIZES = {
    "S": {"requisitions": 40, "rfqs": 6},
    "M": {"requisitions": 1500, "rfqs": 150},
    "L": {"requisitions": 6000, "rfqs": 600},
    "XL": {"requisitions": 6000, "rfqs": 600},
}
ITEMS = [
    ("Patchkabels Cat6A 2 m", "pcs", "4.50"),
    ("Glasvezel patchkabel LC-LC", "pcs", "12.00"),
    ("Câble réseau Cat6A 305 m", "pcs", "240.00"),
    ("Switch 24 ports PoE+", "pcs", "1450.00"),
    ("Kabelgoot 60x60", "m", "9.80"),
    ("Travaux de tirage de câbles", "h", "55.00"),
    ("Rack 19 inch 42U", "pcs", "890.00"),
    ("Splitsen glasvezel (per las)", "pcs", "18.00"),
]
STATE_MIX = [
    RequisitionStatus.SUBMITTED,
    RequisitionStatus.SUBMITTED,
    RequisitionStatus.ACCEPTED,
    RequisitionStatus.ACCEPTED,
    RequisitionStatus.RETURNED,
    RequisitionStatus.REJECTED,
    RequisitionStatus.CANCELLED,
]
RFQ_MIX = [RfqStatus.DRAFT, RfqStatus.SENT, RfqStatus.SENT, RfqStatus.CANCELLED]


def _engineer(context) -> User:
    """A demo engineer (no role) who works on projects through the resource plan: `engineer` / demo."""
    from pmo.seed import DEMO_PASSWORD

    engineer, _created = User.objects.update_or_create(
        username="engineer",
        defaults={
            "email": "engineer@pmo-desk.example",
            "display_name": "Koen Maes",
            "preferred_language": "nl",
            "department": "Engineering",
            "password": make_password(DEMO_PASSWORD),
        },
    )
    resource = Resource.objects.filter(user__isnull=True, assignments__isnull=False).order_by("pk").first()
    if resource is not None:
        Resource.objects.filter(pk=resource.pk).update(user=engineer)
    return engineer


def _requesters(context, engineer) -> dict[int, list[User]]:
    """Per project, the people who may request: the PM, the support officer, the engineer where assigned."""
    assigned = set(
        Assignment.objects.filter(resource__user=engineer).values_list("task__project_id", flat=True)
    )
    team = {}
    for project in context.detailed_projects:
        people = [project.project_manager, project.support_officer]
        if project.pk in assigned:
            people = [engineer, engineer, *people]
        team[project.pk] = [person for person in people if person is not None]
    return team


def _requisitions(context, engineer, suppliers, budget_lines) -> list[PurchaseRequisition]:
    rng, year, today = context.rng, timezone.localdate().year, timezone.localdate()
    projects = context.detailed_projects
    team = _requesters(context, engineer)
    reviewer = context.data["users_by_role"][Role.PM_SUPPORT][0]
    engineer_projects = [project for project in projects if engineer in team[project.pk]]
    rows = []
    for number in range(1, SIZES[context.scale]["requisitions"] + 1):
        pool = engineer_projects if engineer_projects and number % 3 == 0 else projects
        project = pool[rng.randrange(len(pool))]
        requester = rng.choice(team[project.pk]) if team[project.pk] else reviewer
        description, unit, price = ITEMS[number % len(ITEMS)]
        status = STATE_MIX[number % len(STATE_MIX)]
        lines = budget_lines.get(project.pk) or [None]
        reviewed = status not in (RequisitionStatus.SUBMITTED, RequisitionStatus.CANCELLED)
        rows.append(
            PurchaseRequisition(
                number=f"PR-{year}-{number:05d}",
                project=project,
                requester=requester,
                status=status,
                description=description,
                quantity=Decimal(rng.choice([1, 2, 5, 10, 24, 48])),
                unit=unit,
                estimated_unit_price=Decimal(price),
                needed_by=today + timedelta(days=rng.randrange(5, 60)),
                suggested_supplier=rng.choice(suppliers) if number % 2 else None,
                budget_line=lines[0] if number % 4 else None,
                justification="",
                review_reason="Graag een offerte van twee leveranciers." if status == "returned" else "",
                reviewed_by=reviewer if reviewed else None,
                reviewed_at=timezone.now() if reviewed else None,
            )
        )
    bulk_create_with_history(rows, PurchaseRequisition, batch_size=2000)
    NumberSequence.objects.update_or_create(series="PR", year=year, defaults={"last_value": len(rows)})
    return rows


def _rfqs(context, suppliers, budget_lines) -> int:
    rng, year, today = context.rng, timezone.localdate().year, timezone.localdate()
    projects = [project for project in context.detailed_projects if budget_lines.get(project.pk)]
    buyer = context.data["users_by_role"][Role.PM_SUPPORT][0]
    rfqs = []
    for number in range(1, SIZES[context.scale]["rfqs"] + 1):
        project = projects[rng.randrange(len(projects))]
        status = RFQ_MIX[number % len(RFQ_MIX)]
        rfqs.append(
            RequestForQuotation(
                number=f"RFQ-{year}-{number:05d}",
                project=project,
                title=rng.choice(
                    ["Bekabeling gebouw B", "Câblage étage 3", "Fibre backbone", "Racks en UPS"]
                ),
                deadline=today + timedelta(days=rng.randrange(7, 30)),
                status=status,
                created_by=buyer,
                sent_at=timezone.now() if status != RfqStatus.DRAFT else None,
            )
        )
    bulk_create_with_history(rfqs, RequestForQuotation, batch_size=1000)
    rfqs = list(RequestForQuotation.objects.filter(number__in=[rfq.number for rfq in rfqs]).order_by("pk"))
    lines = []
    for rfq in rfqs:
        for position in range(1, 4):
            description, unit, _price = ITEMS[(rfq.pk + position) % len(ITEMS)]
            budget_line = budget_lines[rfq.project_id][0]
            lines.append(
                RfqLine(
                    rfq=rfq,
                    position=position,
                    description=description,
                    unit=unit,
                    quantity=Decimal(rng.choice([5, 10, 20])),
                    budget_line=budget_line,
                )
            )
    bulk_create_with_history(lines, RfqLine, batch_size=2000)
    invitations = []
    for rfq in rfqs:
        for supplier in rng.sample(suppliers, 3):
            sent = rfq.status != RfqStatus.DRAFT
            invitations.append(
                RfqInvitation(
                    rfq=rfq,
                    supplier=supplier,
                    token=f"seed-{rfq.pk}-{supplier.pk}" if sent else None,
                    expires_at=timezone.now() + timedelta(days=30) if sent else None,
                )
            )
    bulk_create_with_history(invitations, RfqInvitation, batch_size=2000)
    _quotes(context, rfqs, lines)
    NumberSequence.objects.update_or_create(series="RFQ", year=year, defaults={"last_value": len(rfqs)})
    return len(rfqs)


def _quotes(context, rfqs, lines) -> None:
    """Two of the three invited suppliers of each sent request have quoted."""
    rng = context.rng
    lines_by_rfq: dict[int, list[RfqLine]] = {}
    for line in RfqLine.objects.filter(rfq__in=rfqs).order_by("pk"):
        lines_by_rfq.setdefault(line.rfq_id, []).append(line)
    invitations = RfqInvitation.objects.filter(rfq__in=rfqs, rfq__status=RfqStatus.SENT).order_by("pk")
    quotes = []
    for index, invitation in enumerate(invitations):
        if index % 3 != 2:
            quotes.append(
                SupplierQuote(
                    invitation=invitation,
                    delivery_days=rng.randrange(5, 30),
                    quality_score=rng.randrange(2, 6),
                    conditions="30 dagen einde maand",
                )
            )
    bulk_create_with_history(quotes, SupplierQuote, batch_size=2000)
    prices = []
    for quote in SupplierQuote.objects.filter(invitation__rfq__in=rfqs).select_related("invitation"):
        for line in lines_by_rfq[quote.invitation.rfq_id]:
            base = Decimal(ITEMS[(line.rfq_id + line.position) % len(ITEMS)][2])
            factor = Decimal(rng.randrange(85, 125)) / 100
            prices.append(
                SupplierQuoteLine(
                    quote=quote,
                    rfq_line=line,
                    quantity=line.quantity,
                    unit_price=(base * factor).quantize(Decimal("0.01")),
                )
            )
    bulk_create_with_history(prices, SupplierQuoteLine, batch_size=5000)


def seed_tenders(context) -> None:
    engineer = _engineer(context)
    suppliers = list(Supplier.objects.filter(is_blocked=False).order_by("pk"))
    budget_lines: dict[int, list[BudgetLine]] = {}
    detailed = [project.pk for project in context.detailed_projects]
    for line in BudgetLine.objects.filter(project_id__in=detailed).order_by("pk"):
        budget_lines.setdefault(line.project_id, []).append(line)
    requisitions = _requisitions(context, engineer, suppliers, budget_lines)
    rfq_count = _rfqs(context, suppliers, budget_lines)
    context.log(f"  requisitions: {len(requisitions)}, requests for quotation: {rfq_count}")
