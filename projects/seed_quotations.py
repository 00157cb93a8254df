"""Seed step: quotations to direct customers in every state, in the customer's language."""

from datetime import date, timedelta
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from pmo.models import NumberSequence
from pmo.roles import Role
from projects.models import Quotation, QuotationLine, QuotationStatus

SIZES = {"S": 12, "M": 200, "L": 1000, "XL": 1000}
ITEMS = {
    "en": [("Wi-Fi site survey", "day"), ("Access point, installed", "pcs"), ("Switch 24 ports", "pcs")],
    "fr": [
        ("Étude de site Wi-Fi", "day"),
        ("Point d'accès installé", "pcs"),
        ("Commutateur 24 ports", "pcs"),
    ],
    "nl": [("Wifi-sitesurvey", "day"), ("Toegangspunt, geïnstalleerd", "pcs"), ("Switch 24 poorten", "pcs")],
}
STATUSES = [
    QuotationStatus.DRAFT,
    QuotationStatus.SENT,
    QuotationStatus.SENT,
    QuotationStatus.ACCEPTED,
    QuotationStatus.DECLINED,
    QuotationStatus.EXPIRED,
]


def seed_quotations(context) -> None:
    rng = context.rng
    sellers = context.data["users_by_role"][Role.SALES]
    customers = context.data["customers"]
    year = date.today().year
    quotations = []
    for number in range(1, SIZES[context.scale] + 1):
        customer = customers[(number * 5) % len(customers)]
        status = STATUSES[number % len(STATUSES)]
        valid_until = date.today() + timedelta(days=rng.randint(-40, 60))
        if status == QuotationStatus.EXPIRED:
            valid_until = date.today() - timedelta(days=rng.randint(1, 30))
        quotations.append(
            Quotation(
                number=f"Q-{year}-{number:05d}",
                customer=customer,
                title=ITEMS[customer.language][0][0] + f" {customer.city}",
                language=customer.language,
                valid_until=valid_until,
                status=status,
                created_by=sellers[number % len(sellers)],
            )
        )
    bulk_create_with_history(quotations, Quotation, batch_size=1000)
    saved = Quotation.objects.filter(number__startswith=f"Q-{year}-").order_by("pk")
    lines = []
    for quotation in saved:
        for position, (item, unit) in enumerate(ITEMS[quotation.language], start=1):
            cost = Decimal(rng.randint(80, 900))
            lines.append(
                QuotationLine(
                    quotation=quotation,
                    position=position,
                    item=item,
                    quantity=Decimal(rng.randint(1, 12)),
                    unit=unit,
                    unit_cost=cost,
                    unit_price=(cost * Decimal(rng.choice(["1.25", "1.35", "1.45"]))).quantize(
                        Decimal("1.00")
                    ),
                )
            )
    QuotationLine.objects.bulk_create(lines, batch_size=5000)
    NumberSequence.objects.update_or_create(
        series="quotation", year=year, defaults={"last_value": len(quotations)}
    )
    context.log(f"  quotations: {len(quotations)}")
