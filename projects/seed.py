"""Seed step: Belgian customers with contacts, and projects across all phases."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from pmo.models import NumberSequence
from pmo.roles import Role
from projects.models import Customer, CustomerContact, Phase, Project

CUSTOMER_NAMES = [
    ("Stad Gent", "Gent", "9000", "nl"),
    ("Ville de Liège", "Liège", "4000", "fr"),
    ("Havenbedrijf Antwerpen", "Antwerpen", "2000", "nl"),
    ("Clinique Saint-Luc", "Bruxelles", "1200", "fr"),
    ("UZ Leuven", "Leuven", "3000", "nl"),
    ("Brussels Airport Services", "Zaventem", "1930", "en"),
    ("Provincie Limburg", "Hasselt", "3500", "nl"),
    ("SNCB Logistics", "Bruxelles", "1060", "fr"),
    ("Brouwerij Van den Bossche", "Aalst", "9300", "nl"),
    ("Université de Namur", "Namur", "5000", "fr"),
    ("EuroLog Distribution", "Mechelen", "2800", "en"),
    ("Intercommunale Mons-Borinage", "Mons", "7000", "fr"),
    ("Vlaamse Waterweg", "Hasselt", "3500", "nl"),
    ("Hôpital de Charleroi", "Charleroi", "6000", "fr"),
    ("KU Campus Kortrijk", "Kortrijk", "8500", "nl"),
    ("Benelux Data Centers", "Machelen", "1830", "en"),
]
STREETS = ["Kerkstraat", "Rue Haute", "Industrieweg", "Avenue Louise"]
CITY_SUFFIXES = ["NV", "BV", "SA", "SRL", "vzw", "asbl"]
PROJECT_TOPICS = {
    "nl": [
        "Netwerkvernieuwing campus",
        "Migratie datacenter",
        "Uitrol firewalls",
        "Wifi-uitbreiding",
        "Onderhoudscontract netwerk",
        "Vernieuwing bekabeling",
        "Segmentatie OT-netwerk",
    ],
    "fr": [
        "Renouvellement du réseau",
        "Migration du datacenter",
        "Déploiement de pare-feux",
        "Extension Wi-Fi",
        "Contrat de maintenance réseau",
        "Recâblage des bâtiments",
        "Segmentation réseau OT",
    ],
    "en": [
        "Campus network refresh",
        "Datacenter migration",
        "Firewall roll-out",
        "Wi-Fi extension",
        "Network maintenance contract",
        "Structured cabling renewal",
        "OT network segmentation",
    ],
}
CONTACT_NAMES = [
    "Hilde Verstraete",
    "Olivier Marchal",
    "Kristof De Smet",
    "Aurélie Collard",
    "Geert Van Damme",
    "Sandrine Noël",
    "Jeroen Coppens",
    "Valérie Gilson",
]
PHASE_MIX = (
    [Phase.INITIATION] * 3
    + [Phase.PLANNING] * 3
    + [Phase.EXECUTION] * 7
    + [Phase.CLOSING] * 2
    + [Phase.HANDED_OVER] * 2
    + [Phase.ON_HOLD, Phase.CANCELLED]
)


# Projects whose plan runs today (the others start later or are done): their earned value is in flight.
IN_FLIGHT_PHASES = (Phase.EXECUTION, Phase.ON_HOLD)
NOT_STARTED_PHASES = (Phase.INITIATION, Phase.PLANNING)
DONE_PHASES = (Phase.CLOSING, Phase.HANDED_OVER)


@dataclass(frozen=True)
class EvmProfile:
    """How a demo project performs: `pace` scales its progress (SPI), `cost` its spending (CPI)."""

    pace: Decimal
    cost: Decimal


def evm_profiles(rng: random.Random, projects) -> dict[int, EvmProfile]:
    """Most projects near plan and budget; every sixth over budget, every seventh late (for RAG and sorts)."""
    profiles = {}
    for number, project in enumerate(projects, start=1):
        pace = Decimal(rng.randint(93, 104)) / 100
        cost = Decimal(rng.randint(92, 108)) / 100
        if number % 6 == 2:
            cost = Decimal(rng.randint(76, 85)) / 100
        if number % 7 == 3:
            pace = Decimal(rng.randint(74, 84)) / 100
        profiles[project.pk] = EvmProfile(pace=pace, cost=cost)
    return profiles


def _start_date(phase: str, drawn: int, today: date, year: int) -> date:
    """Running projects started weeks ago, projects being prepared start soon; the others anywhere."""
    if phase in IN_FLIGHT_PHASES:
        return today - timedelta(days=25 + (drawn + 200) % 90)
    if phase in NOT_STARTED_PHASES:
        return today + timedelta(days=7 + (drawn + 200) % 120)
    if phase in DONE_PHASES:  # the whole plan (at most about 210 days) lies in the past
        return today - timedelta(days=220 + (drawn + 200) % 150)
    return date(year, 1, 5) + timedelta(days=drawn)


def _end_date(phase: str, start: date, days: int, today: date) -> date:
    """A finished project ended before today; the others end when their duration says."""
    end = start + timedelta(days=days)
    return min(end, today - timedelta(days=5)) if phase in DONE_PHASES else end


def _vat(seed: int) -> str:
    number = seed % 10_000_000
    return f"BE0{number:07d}{97 - number % 97:02d}"


def seed_customers_and_projects(context) -> None:
    rng = context.rng
    customers = []
    for number in range(context.sizes["customers"]):
        name, city, postal_code, language = CUSTOMER_NAMES[number % len(CUSTOMER_NAMES)]
        if number >= len(CUSTOMER_NAMES):
            name = f"{name} {number // len(CUSTOMER_NAMES) + 1} {rng.choice(CITY_SUFFIXES)}"
        customers.append(
            Customer(
                name=name,
                vat_number=_vat(4_200_000 + number * 7),
                street=f"{rng.choice(STREETS)} {rng.randint(1, 250)}",
                postal_code=postal_code,
                city=city,
                language=language,
            )
        )
    customers = bulk_create_with_history(customers, Customer, batch_size=1000)
    customers = list(Customer.objects.order_by("pk"))
    contacts = [
        CustomerContact(
            customer=customer,
            name=rng.choice(CONTACT_NAMES),
            function=rng.choice(["IT manager", "Facility manager", "Responsable IT", "ICT-coördinator"]),
            email=f"contact{customer.pk}@{customer.city.lower().replace(' ', '')}.example",
            phone="+32 2 555 01 23",
            language=customer.language,
        )
        for customer in customers
    ]
    CustomerContact.objects.bulk_create(contacts, batch_size=1000)

    people = context.data["users_by_role"]
    managers, officers, sellers = people[Role.PROJECT_MANAGER], people[Role.PM_SUPPORT], people[Role.SALES]
    today = date.today()
    year = today.year
    projects = []
    for number in range(1, context.sizes["projects"] + 1):
        customer = customers[(number * 7) % len(customers)]
        # Level 1 dominates, as in the company's portfolio; a few large programmes reach Level 3.
        budget = Decimal(
            rng.choice(
                [
                    rng.randint(15, 240) * 1000,
                    rng.randint(15, 240) * 1000,
                    rng.randint(260, 950) * 1000,
                    rng.randint(1050, 3000) * 1000,
                ]
            )
        )
        phase = PHASE_MIX[number % len(PHASE_MIX)]
        start = _start_date(phase, rng.randint(-200, 300), today, year)
        projects.append(
            Project(
                code=f"P-{year}-{number:04d}",
                name=rng.choice(PROJECT_TOPICS[customer.language]) + f" {customer.city}",
                customer=customer,
                project_manager=managers[number % len(managers)],
                support_officer=officers[number % len(officers)],
                account_manager=sellers[number % len(sellers)],
                contract_value=(budget * Decimal(rng.choice(["1.15", "1.22", "1.30", "1.18"]))).quantize(
                    Decimal("1.00")
                ),
                budget=budget,
                phase=phase,
                start_date=start,
                end_date=_end_date(phase, start, rng.randint(60, 420), today),
                description=rng.choice(PROJECT_TOPICS[customer.language]),
            )
        )
    bulk_create_with_history(projects, Project, batch_size=1000)
    NumberSequence.objects.update_or_create(
        series="project", year=year, defaults={"last_value": len(projects)}
    )
    context.data["customers"] = customers
    context.data["projects"] = list(Project.objects.order_by("pk"))
    # A generator of its own, so that the profiles do not shift what later steps draw.
    context.data["evm_profiles"] = evm_profiles(random.Random(rng.randrange(2**32)), context.data["projects"])
    context.log(f"  customers: {len(customers)}, projects: {len(projects)}")
