"""Seed step: suppliers, budget lines per project, and purchase orders in every state.

Scale L makes 10,000 orders with 50,000 lines (bulk inserts, a few seconds).
"""

import json
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
from procurement.seed_actuals import (
    SIZE_TO_ACTUAL_COST_SQL,
    actual_cost_targets,
    earned_shares,
    size_to_actual_cost,
    statuses_in_step,
)
from procurement.services.totals import budget_totals_fill

S = PurchaseOrderStatus
SIZES = {
    "S": {"suppliers": 14, "orders": 80},
    "M": {"suppliers": 120, "orders": 2000},
    "L": {"suppliers": 300, "orders": 10000},
    "XL": {"suppliers": 1000, "orders": 100_000},  # 500,000 lines: written by PostgreSQL itself (below)
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
        received = {S.RECEIVED: quantity, S.CLOSED: quantity, S.PARTIALLY_RECEIVED: (quantity + 1) // 2}.get(
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
    statuses = statuses_in_step(context, projects, count, STATUS_MIX)
    for number in range(1, count + 1):
        project = None if number % 40 == 0 else projects[(number * 13) % len(projects)]
        status = statuses[number]
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
    context.data["earned_shares"] = earned_shares([project.pk for project in projects])
    if context.scale == "XL":
        counts = _seed_in_sql(context, suppliers, sizes["orders"])
        context.data["suppliers"] = suppliers
        budget_totals_fill()  # the rows were written without the services that keep the totals
        analyze_tables()
        context.log(
            "  suppliers: {}, purchase orders: {}, order lines: {} (in SQL)".format(len(suppliers), *counts)
        )
        return
    budget_lines = _budget_lines(context, projects)
    orders = _orders(context, projects, suppliers, budget_lines, sizes["orders"])
    lines = []
    for order in orders:
        language = order.supplier.language
        project_lines = budget_lines.get(order.project_id, []) if order.project_id else []
        lines += _order_lines(rng, order, project_lines, language)
    size_to_actual_cost(context, projects, lines)
    PurchaseOrderLine.objects.bulk_create(lines, batch_size=5000)
    _approvals_receipts_invoices(context, orders, lines)
    context.data["suppliers"] = suppliers
    budget_totals_fill()  # the rows were bulk-created without the services that keep the totals
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


def _seed_in_sql(context, suppliers, count: int) -> tuple[int, int]:
    """Scale XL: the same shapes as `_orders` and `_order_lines`, computed by INSERT ... SELECT.

    Building 500,000 line objects in Python takes minutes; PostgreSQL writes them in seconds. The
    choices the Python path draws from context.rng come from arithmetic on the row numbers instead, so XL
    stays deterministic. Orders get no history rows (seed data has no author to record).
    """
    from django.conf import settings
    from django.db import connection

    people = context.data["users_by_role"]
    year = date.today().year
    statuses = statuses_in_step(context, context.data["projects"], count, STATUS_MIX)
    targets = actual_cost_targets(context, context.data["projects"])
    params = {
        "year": year,
        "count": count,
        "tz": settings.TIME_ZONE,
        # The Python path's statuses (in step with each planned project's progress), by order number.
        "order_statuses": [str(status) for _n, status in sorted(statuses.items())],
        "approved": [str(status) for status in APPROVED_STATUSES],
        "titles": TITLES,
        "suppliers": [supplier.pk for supplier in suppliers],
        "buyers": [user.pk for user in people[Role.PM_SUPPORT]],
        "heads": [user.pk for user in people[Role.HEAD_OF_PM]],
        "finance": [user.pk for user in people[Role.FINANCE]],
        "codes": list(BUDGET_SHARES),
        "shares": [str(share) for share in BUDGET_SHARES.values()],
        "items": json.dumps(ITEMS),
        "target_ids": list(targets),
        "targets": [str(target) for target in targets.values()],
    }
    statements = [
        # Five budget lines per project, each a share of its budget with a forecast around it.
        """INSERT INTO procurement_budgetline (budget, forecast, updated_at, project_id, category_id)
        SELECT b.budget,
               round(b.budget * (ARRAY[0.92, 0.97, 1.00, 1.04, 1.12])[1 + (b.pid * 7 + b.k) %% 5], 2),
               now(), b.pid, b.cid
        FROM (SELECT p.id AS pid, c.id AS cid, s.k, round(p.budget * s.share, 2) AS budget
              FROM projects_project p
              CROSS JOIN unnest(%(codes)s::text[], %(shares)s::numeric[]) WITH ORDINALITY AS s(code, share, k)
              JOIN procurement_costcategory c ON c.code = s.code) b
        ORDER BY b.pid, b.k""",
        """WITH p AS (SELECT array_agg(id ORDER BY id) AS ids FROM projects_project),
        g AS (
            SELECT n, (%(order_statuses)s::text[])[n] AS status,
                   CASE WHEN n %% 40 = 0 THEN NULL ELSE p.ids[1 + (n * 13) %% cardinality(p.ids)] END AS pid,
                   ((make_date(%(year)s, 1, 1) + (n * 7919) %% 321) + time '09:00')
                       AT TIME ZONE %(tz)s AS created
            FROM generate_series(1, %(count)s) AS n, p
        )
        INSERT INTO procurement_purchaseorder (
            number, status, title, delivery_address, delivery_date, notes, approval_round, rejection_reason,
            submitted_at, approved_at, sent_at, closed_at, cancelled_at, created_at, updated_at, project_id,
            requester_id, supplier_id, awaiting_roles)
        SELECT 'PO-' || %(year)s || '-' || CASE WHEN n < 100000 THEN lpad(n::text, 5, '0') ELSE n::text END,
               g.status,
               coalesce(pr.code, 'OPS') || ' · '
                   || (%(titles)s::text[])[1 + (n * 31) %% cardinality(%(titles)s::text[])],
               CASE WHEN pr.id IS NULL THEN 'Head office' ELSE concat_ws(', ', nullif(cu.street, ''),
                   nullif(trim(cu.postal_code || ' ' || cu.city), '')) END,
               g.created::date + 10 + (n * 17) %% 51, '', 1,
               CASE WHEN g.status = 'rejected' THEN 'Budget line to confirm' ELSE '' END,
               CASE WHEN g.status <> 'draft' THEN g.created + interval '3 hours' END,
               CASE WHEN g.status = ANY(%(approved)s) THEN g.created + interval '2 days' END,
               CASE WHEN g.status = ANY(%(approved)s) AND g.status <> 'approved'
                    THEN g.created + interval '3 days' END,
               CASE WHEN g.status = 'closed' THEN g.created + interval '32 days' END,
               CASE WHEN g.status = 'cancelled' THEN g.created + interval '1 day' END,
               CASE WHEN g.status <> 'draft' THEN g.created ELSE now() END, now(), pr.id,
               (%(buyers)s::bigint[])[1 + n %% cardinality(%(buyers)s::bigint[])],
               (%(suppliers)s::bigint[])[1 + n %% cardinality(%(suppliers)s::bigint[])],
               CASE WHEN g.status <> 'submitted' THEN '[]'::jsonb
                    WHEN pr.id IS NULL THEN '["head_of_pm"]'::jsonb ELSE '["project_manager"]'::jsonb END
        FROM g LEFT JOIN projects_project pr ON pr.id = g.pid
        LEFT JOIN projects_customer cu ON cu.id = pr.customer_id
        ORDER BY n""",
        # Five lines an order, on the project's budget lines; received and invoiced as the status says.
        """WITH l AS (
            SELECT o.id AS oid, o.status, pos, s.language,
                   bl.id AS blid, coalesce(c.code, 'equipment') AS code,
                   (1 + (o.id * 3 + pos * 7) %% 12)::numeric AS quantity,
                   (40 + (o.id * 37 + pos * 101) %% 1761)
                       + (ARRAY[0.00, 0.50, 0.95])[1 + (o.id + pos) %% 3] AS unit_price
            FROM procurement_purchaseorder o
            JOIN procurement_supplier s ON s.id = o.supplier_id
            CROSS JOIN generate_series(1, 5) AS pos
            LEFT JOIN procurement_costcategory c
                   ON o.project_id IS NOT NULL
                  AND c.code = (%(codes)s::text[])[1 + (o.id * 11 + pos * 3) %% 5]
            LEFT JOIN procurement_budgetline bl ON bl.project_id = o.project_id AND bl.category_id = c.id
        ), r AS (
            SELECT l.*,
                   CASE WHEN status IN ('received', 'closed') THEN quantity
                        WHEN status = 'partially_received' THEN ceil(quantity / 2) ELSE 0 END AS received
            FROM l
        )
        INSERT INTO procurement_purchaseorderline (
            position, description, quantity, unit, unit_price, vat_rate, is_service, received_quantity,
            invoiced_quantity, invoiced_amount, budget_line_id, order_id)
        SELECT pos,
               (%(items)s::jsonb -> code -> language) ->> ((oid + pos)
                   %% jsonb_array_length(%(items)s::jsonb -> code -> language))::int,
               quantity, CASE WHEN code = 'internal_labour' THEN 'day' ELSE 'pcs' END, unit_price,
               CASE WHEN code = 'subcontracting' THEN 'rc' ELSE '21' END,
               code IN ('subcontracting', 'internal_labour'), received,
               CASE WHEN status IN ('received', 'closed') THEN received ELSE 0 END,
               CASE WHEN status IN ('received', 'closed') THEN round(received * unit_price, 2) ELSE 0 END,
               blid, oid
        FROM r ORDER BY oid, pos""",
        SIZE_TO_ACTUAL_COST_SQL,  # what was received costs EV / CPI less labour (as the Python path)
        """INSERT INTO procurement_approval (
            approval_round, role, decision, justification, reasons, amount, decided_at, approver_id, order_id,
            taken_over)
        SELECT 1, CASE WHEN o.project_id IS NULL THEN 'head_of_pm' ELSE 'project_manager' END, 'approved',
               CASE WHEN o.project_id IS NULL THEN 'Office infrastructure, outside any project.' ELSE '' END,
               CASE WHEN o.project_id IS NULL THEN '["outside_project"]'::jsonb ELSE '["amount"]'::jsonb END,
               (SELECT round(sum(quantity * unit_price), 2) FROM procurement_purchaseorderline
                WHERE order_id = o.id),
               now(),
               coalesce(p.project_manager_id,
                        (%(heads)s::bigint[])[1 + o.id %% cardinality(%(heads)s::bigint[])]),
               o.id, false
        FROM procurement_purchaseorder o LEFT JOIN projects_project p ON p.id = o.project_id
        WHERE o.status = ANY(%(approved)s) ORDER BY o.id""",
        """INSERT INTO procurement_goodsreceipt (received_on, note, created_at, received_by_id, order_id)
        SELECT approved_at::date + 10, '', now(), requester_id, id FROM procurement_purchaseorder
        WHERE status IN ('partially_received', 'received', 'closed') ORDER BY id""",
        """INSERT INTO procurement_goodsreceiptline (quantity, receipt_id, order_line_id)
        SELECT l.received_quantity, r.id, l.id FROM procurement_goodsreceipt r
        JOIN procurement_purchaseorderline l ON l.order_id = r.order_id
        WHERE l.received_quantity > 0 ORDER BY l.id""",
        """INSERT INTO procurement_supplierinvoice (
            number, invoice_date, due_date, structured_communication, amount, vat_amount, status, mismatches,
            resolution_note, created_at, order_id, recorded_by_id, supplier_id)
        SELECT 'INV-' || substr(o.number, 4), o.approved_at::date + 15,
               o.approved_at::date + 15 + s.payment_terms_days, '',
               (SELECT sum(invoiced_amount) FROM procurement_purchaseorderline WHERE order_id = o.id),
               (SELECT coalesce(sum(round(invoiced_amount * 0.21, 2)), 0) FROM procurement_purchaseorderline
                WHERE order_id = o.id AND vat_rate = '21'),
               'matched', '[]'::jsonb, '', now(), o.id,
               (%(finance)s::bigint[])[1 + o.id %% cardinality(%(finance)s::bigint[])], o.supplier_id
        FROM procurement_purchaseorder o JOIN procurement_supplier s ON s.id = o.supplier_id
        WHERE o.status IN ('received', 'closed') ORDER BY o.id""",
        """INSERT INTO procurement_supplierinvoiceline (quantity, unit_price, invoice_id, order_line_id)
        SELECT l.invoiced_quantity, l.unit_price, i.id, l.id FROM procurement_supplierinvoice i
        JOIN procurement_purchaseorderline l ON l.order_id = i.order_id
        WHERE l.invoiced_quantity > 0 ORDER BY l.id""",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, params)
        cursor.execute("SELECT count(*) FROM procurement_purchaseorderline")
        lines = cursor.fetchone()[0]
    NumberSequence.objects.update_or_create(series="PO", year=year, defaults={"last_value": count})
    return count, lines
