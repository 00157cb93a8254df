"""Seed step: suppliers, budget lines per project, and purchase orders in every state.

Scale L makes 10,000 orders with 50,000 lines (bulk inserts, a few seconds).
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from importlib import import_module

from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from pmo.models import NumberSequence
from pmo.roles import Role
from procurement.models import (
    Approval,
    ApprovalDecision,
    BudgetLine,
    CostCategory,
    GoodsReceipt,
    GoodsReceiptLine,
    InvoiceStatus,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    Supplier,
    SupplierInvoice,
    SupplierInvoiceLine,
    SupplierKind,
)

S = PurchaseOrderStatus
SIZES = {
    "S": {"suppliers": 14, "orders": 80},
    "M": {"suppliers": 120, "orders": 2000},
    "L": {"suppliers": 300, "orders": 10000},
}
LINES_PER_ORDER = 5
BUDGET_SHARES = {
    "equipment": Decimal("0.40"),
    "subcontracting": Decimal("0.30"),
    "internal_labour": Decimal("0.15"),
    "travel": Decimal("0.05"),
    "contingency": Decimal("0.10"),
}
SUPPLIERS = [
    ("Cisco Systems Belgium", SupplierKind.VENDOR, "en", "Diegem"),
    ("Elektro Van Hoecke", SupplierKind.SUBCONTRACTOR, "nl", "Gent"),
    ("Câblage Wallon", SupplierKind.SUBCONTRACTOR, "fr", "Namur"),
    ("Fortinet Benelux", SupplierKind.VENDOR, "en", "Brussel"),
    ("Datakabel Limburg", SupplierKind.SUBCONTRACTOR, "nl", "Hasselt"),
    ("Informatique Liégeoise", SupplierKind.VENDOR, "fr", "Liège"),
    ("Rack & Power", SupplierKind.VENDOR, "nl", "Mechelen"),
    ("Techniques Réseaux Mons", SupplierKind.SUBCONTRACTOR, "fr", "Mons"),
]
ITEMS = {
    "equipment": {
        "en": ["Switch 48 ports PoE", "Firewall appliance", "Wi-Fi access point", "Rack 42U", "UPS 3 kVA"],
        "fr": ["Commutateur 48 ports PoE", "Pare-feu", "Point d'accès Wi-Fi", "Baie 42U", "Onduleur 3 kVA"],
        "nl": ["Switch 48 poorten PoE", "Firewall-appliance", "Wifi-toegangspunt", "Rack 42U", "UPS 3 kVA"],
    },
    "subcontracting": {
        "en": ["Cabling works", "On-site installation", "Fibre splicing"],
        "fr": ["Travaux de câblage", "Installation sur site", "Soudure de fibre"],
        "nl": ["Bekabelingswerken", "Installatie ter plaatse", "Glasvezellassen"],
    },
    "internal_labour": {
        "en": ["Engineering days"],
        "fr": ["Jours d'ingénierie"],
        "nl": ["Engineeringdagen"],
    },
    "travel": {
        "en": ["Travel and lodging"],
        "fr": ["Déplacements et logement"],
        "nl": ["Reis- en verblijfkosten"],
    },
    "contingency": {"en": ["Spare parts"], "fr": ["Pièces de rechange"], "nl": ["Reserveonderdelen"]},
}
STATUS_MIX = (
    [S.DRAFT] * 2
    + [S.SUBMITTED] * 2
    + [S.APPROVED] * 2
    + [S.SENT] * 3
    + [S.PARTIALLY_RECEIVED] * 2
    + [S.RECEIVED] * 3
    + [S.CLOSED] * 4
    + [S.REJECTED, S.CANCELLED]
)
TITLES = ["Hardware", "Installation", "Materiaal", "Matériel", "Bekabeling", "Câblage"]
APPROVED_STATUSES = {S.APPROVED, S.SENT, S.PARTIALLY_RECEIVED, S.RECEIVED, S.CLOSED}


def _vat(seed: int) -> str:
    number = seed % 10_000_000
    return f"BE0{number:07d}{97 - number % 97:02d}"


def _suppliers(context, count: int) -> list[Supplier]:
    rng = context.rng
    suppliers = []
    for number in range(count):
        name, kind, language, city = SUPPLIERS[number % len(SUPPLIERS)]
        if number >= len(SUPPLIERS):
            name = f"{name} {number // len(SUPPLIERS) + 1}"
        suppliers.append(
            Supplier(
                name=name,
                kind=kind,
                vat_number=_vat(6_100_000 + number * 11),
                iban="BE71096123456769",
                email=f"orders{number}@supplier{number}.example",
                street=f"Industrielaan {rng.randint(1, 200)}",
                postal_code="9000",
                city=city,
                language=language,
                payment_terms_days=rng.choice([30, 30, 45, 60]),
                is_vca_certified=kind == SupplierKind.SUBCONTRACTOR,
                vca_expires_on=date.today() + timedelta(days=rng.randint(30, 900))
                if kind == SupplierKind.SUBCONTRACTOR
                else None,
                # The enterprise number is the VAT number without BE: its check digits pass Peppol's R043.
                peppol_id=f"0208:{_vat(6_100_000 + number * 11)[2:]}",
            )
        )
    bulk_create_with_history(suppliers, Supplier, batch_size=1000)
    return list(Supplier.objects.order_by("pk"))


def _budget_lines(context, projects) -> dict[int, list[BudgetLine]]:
    rng = context.rng
    categories = {category.code: category for category in CostCategory.objects.all()}
    lines = []
    for project in projects:
        for code, share in BUDGET_SHARES.items():
            budget = (project.budget * share).quantize(Decimal("1.00"))
            forecast = (budget * Decimal(rng.choice(["0.92", "0.97", "1.00", "1.04", "1.12"]))).quantize(
                Decimal("1.00")
            )
            lines.append(
                BudgetLine(project=project, category=categories[code], budget=budget, forecast=forecast)
            )
    BudgetLine.objects.bulk_create(lines, batch_size=5000)
    by_project: dict[int, list[BudgetLine]] = {}
    for line in BudgetLine.objects.select_related("category").order_by("pk"):
        by_project.setdefault(line.project_id, []).append(line)
    return by_project


def _order_lines(rng, order, budget_lines, language) -> list[PurchaseOrderLine]:
    lines = []
    for position in range(1, LINES_PER_ORDER + 1):
        budget_line = rng.choice(budget_lines) if budget_lines else None
        code = budget_line.category.code if budget_line else "equipment"
        quantity = Decimal(rng.randint(1, 12))
        unit_price = Decimal(rng.randint(40, 1800)) + Decimal(rng.choice(["0.00", "0.50", "0.95"]))
        received = {S.RECEIVED: quantity, S.CLOSED: quantity, S.PARTIALLY_RECEIVED: quantity // 2}.get(
            order.status, Decimal(0)
        )
        invoiced = received if order.status in (S.RECEIVED, S.CLOSED) else Decimal(0)
        lines.append(
            PurchaseOrderLine(
                order=order,
                position=position,
                description=rng.choice(ITEMS[code][language]),
                quantity=quantity,
                unit="day" if code == "internal_labour" else "pcs",
                unit_price=unit_price,
                vat_rate="rc" if code == "subcontracting" else "21",
                budget_line=budget_line,
                is_service=code in ("subcontracting", "internal_labour"),
                received_quantity=received,
                invoiced_quantity=invoiced,
                invoiced_amount=(invoiced * unit_price).quantize(Decimal("0.01")),
            )
        )
    return lines


def _awaiting(status: str, project) -> list[str]:
    if status != S.SUBMITTED:
        return []
    return [Role.PROJECT_MANAGER] if project else [Role.HEAD_OF_PM]


def _orders(context, projects, suppliers, budget_lines, count: int) -> list[PurchaseOrder]:
    rng = context.rng
    people = context.data["users_by_role"]
    buyers = people[Role.PM_SUPPORT]
    year = date.today().year
    addresses = {customer.pk: customer.address for customer in context.data["customers"]}
    orders = []
    for number in range(1, count + 1):
        project = None if number % 40 == 0 else projects[(number * 13) % len(projects)]
        status = STATUS_MIX[number % len(STATUS_MIX)]
        created = timezone.make_aware(
            datetime.combine(date(year, 1, 1) + timedelta(days=rng.randint(0, 320)), time(9, 0))
        )
        approved = created + timedelta(days=2) if status in APPROVED_STATUSES else None
        orders.append(
            PurchaseOrder(
                number=f"PO-{year}-{number:05d}",
                project=project,
                supplier=suppliers[number % len(suppliers)],
                requester=buyers[number % len(buyers)],
                status=status,
                title=f"{project.code if project else 'OPS'} · {rng.choice(TITLES)}",
                delivery_address=addresses.get(project.customer_id, "") if project else "Head office",
                delivery_date=created.date() + timedelta(days=rng.randint(10, 60)),
                submitted_at=created + timedelta(hours=3) if status != S.DRAFT else None,
                approved_at=approved,
                sent_at=approved + timedelta(days=1) if approved and status != S.APPROVED else None,
                closed_at=approved + timedelta(days=30) if approved and status == S.CLOSED else None,
                cancelled_at=created + timedelta(days=1) if status == S.CANCELLED else None,
                rejection_reason="Budget line to confirm" if status == S.REJECTED else "",
                awaiting_roles=_awaiting(status, project),
            )
        )
    bulk_create_with_history(orders, PurchaseOrder, batch_size=2000)
    # auto_now_add stamps the insert time; spread the creation dates like the submissions.
    PurchaseOrder.objects.filter(submitted_at__isnull=False).update(
        created_at=F("submitted_at") - timedelta(hours=3)
    )
    saved = list(
        PurchaseOrder.objects.filter(number__startswith=f"PO-{year}-")
        .select_related("project", "supplier")
        .order_by("pk")
    )
    NumberSequence.objects.update_or_create(series="PO", year=year, defaults={"last_value": count})
    return saved


def seed_procurement(context) -> None:
    from django.apps import apps

    # The shipped categories and approval matrix (migration 0002), again: a flushed test database lacks them.
    import_module("procurement.migrations.0002_default_categories_and_rules").create_defaults(apps, None)
    rng = context.rng
    sizes = SIZES[context.scale]
    projects = context.data["projects"]
    suppliers = _suppliers(context, sizes["suppliers"])
    budget_lines = _budget_lines(context, projects)
    orders = _orders(context, projects, suppliers, budget_lines, sizes["orders"])
    lines = []
    for order in orders:
        language = order.supplier.language
        project_lines = budget_lines.get(order.project_id, []) if order.project_id else []
        lines += _order_lines(rng, order, project_lines, language)
    PurchaseOrderLine.objects.bulk_create(lines, batch_size=5000)
    _approvals_receipts_invoices(context, orders, lines)
    context.data["suppliers"] = suppliers
    analyze_tables()
    context.log(f"  suppliers: {len(suppliers)}, purchase orders: {len(orders)}, order lines: {len(lines)}")


def _approvals_receipts_invoices(context, orders, lines) -> None:
    """What approved orders carry: the approval on record, receipts and matched invoices."""
    heads = context.data["users_by_role"][Role.HEAD_OF_PM]
    finance = context.data["users_by_role"][Role.FINANCE]
    lines_by_order: dict[int, list[PurchaseOrderLine]] = {}
    for line in lines:
        lines_by_order.setdefault(line.order_id, []).append(line)
    approvals, receipts, invoices = [], [], []
    for order in orders:
        if order.status not in APPROVED_STATUSES:
            continue
        amount = sum((line.quantity * line.unit_price for line in lines_by_order[order.pk]), Decimal(0))
        approvals.append(_approval(order, amount, heads))
        if order.status in (S.PARTIALLY_RECEIVED, S.RECEIVED, S.CLOSED):
            receipts.append(
                GoodsReceipt(
                    order=order,
                    received_on=order.approved_at.date() + timedelta(days=10),
                    received_by=order.requester,
                )
            )
        if order.status in (S.RECEIVED, S.CLOSED):
            invoices.append(_invoice(order, lines_by_order[order.pk], finance))
    Approval.objects.bulk_create(approvals, batch_size=5000)
    GoodsReceipt.objects.bulk_create(receipts, batch_size=5000)
    GoodsReceiptLine.objects.bulk_create(
        [
            GoodsReceiptLine(receipt=receipt, order_line=line, quantity=line.received_quantity)
            for receipt in receipts
            for line in lines_by_order[receipt.order_id]
            if line.received_quantity
        ],
        batch_size=5000,
    )
    SupplierInvoice.objects.bulk_create(invoices, batch_size=5000)
    SupplierInvoiceLine.objects.bulk_create(
        [
            SupplierInvoiceLine(
                invoice=invoice, order_line=line, quantity=line.invoiced_quantity, unit_price=line.unit_price
            )
            for invoice in invoices
            for line in lines_by_order[invoice.order_id]
            if line.invoiced_quantity
        ],
        batch_size=5000,
    )


def _approval(order, amount: Decimal, heads) -> Approval:
    outside = order.project is None
    return Approval(
        order=order,
        approval_round=1,
        approver_id=heads[order.pk % len(heads)].pk if outside else order.project.project_manager_id,
        role=Role.HEAD_OF_PM if outside else Role.PROJECT_MANAGER,
        decision=ApprovalDecision.APPROVED,
        justification="Office infrastructure, outside any project." if outside else "",
        reasons=["outside_project"] if outside else ["amount"],
        amount=amount.quantize(Decimal("0.01")),
    )


def _invoice(order, lines, finance) -> SupplierInvoice:
    amount = sum((line.invoiced_amount for line in lines), Decimal(0))
    vat = sum(
        (
            (line.invoiced_amount * Decimal("0.21")).quantize(Decimal("0.01"))
            for line in lines
            if line.vat_rate == "21"
        ),
        Decimal(0),
    )
    invoice_date = order.approved_at.date() + timedelta(days=15)
    return SupplierInvoice(
        order=order,
        supplier=order.supplier,
        number=f"INV-{order.number[3:]}",
        invoice_date=invoice_date,
        due_date=invoice_date + timedelta(days=order.supplier.payment_terms_days),
        amount=amount,
        vat_amount=vat,
        status=InvoiceStatus.MATCHED,
        recorded_by=finance[order.pk % len(finance)],
    )


def analyze_tables() -> None:
    """Refresh the planner statistics after bulk inserts (PostgreSQL) so that pages use the indexes."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (BudgetLine, PurchaseOrder, PurchaseOrderLine, Approval, SupplierInvoice):
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')
