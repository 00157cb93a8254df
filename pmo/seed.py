"""Seed step: one demo user per role (password `demo`), and many more at scale M/L."""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from pmo.models import User
from pmo.roles import Role

DEMO_PASSWORD = "demo"

DEMO_USERS = [
    ("sales", "Sofie Peeters", Role.SALES, "nl", "Sales"),
    ("pmo", "Claire Dubois", Role.PM_SUPPORT, "fr", "PMO"),
    ("pm", "Pieter Janssens", Role.PROJECT_MANAGER, "nl", "Project management"),
    ("head", "Marc Lambert", Role.HEAD_OF_PM, "fr", "Project management"),
    ("engineering", "Elena Rossi", Role.ENGINEERING_MANAGER, "en", "Engineering"),
    ("finance", "An Willems", Role.FINANCE, "nl", "Finance"),
    ("smo", "Julien Lefèvre", Role.SMO, "fr", "Service management"),
    ("admin", "Admin PMO Desk", Role.ADMINISTRATOR, "en", "IT"),
]

FIRST_NAMES = [
    "Jan",
    "Marie",
    "Luc",
    "Sophie",
    "Tom",
    "Nathalie",
    "Koen",
    "Isabelle",
    "Bart",
    "Julie",
    "Wim",
    "Camille",
    "Dirk",
    "Emma",
    "Thomas",
    "Lotte",
    "Nicolas",
    "Sarah",
    "Frank",
    "Elise",
]
LAST_NAMES = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Dubois",
    "Lambert",
    "Dupont",
    "Claes",
    "Goossens",
    "Wouters",
    "Martin",
    "Leroy",
    "Hermans",
    "Mertens",
    "Simon",
    "Laurent",
    "Vermeulen",
    "Renard",
]
EXTRA_ROLE_MIX = (
    [Role.PROJECT_MANAGER] * 5 + [Role.PM_SUPPORT] * 2 + [Role.SALES] * 2 + [Role.ENGINEERING_MANAGER]
)


def seed_users(context) -> None:
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing per user would dominate scale L
    groups = {group.name: group for group in Group.objects.all()}
    users = []
    for username, name, role, language, department in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults=dict(
                email=f"{username}@pmo-desk.example",
                display_name=name,
                preferred_language=language,
                department=department,
                password=password,
                is_staff=role == Role.ADMINISTRATOR,
                is_superuser=role == Role.ADMINISTRATOR,
            ),
        )
        user.groups.set([groups[role]])
        users.append((user, role))
    extra = []
    for number in range(context.sizes["users"]):
        first, last = context.rng.choice(FIRST_NAMES), context.rng.choice(LAST_NAMES)
        extra.append(
            User(
                username=f"user{number:04d}",
                email=f"user{number:04d}@pmo-desk.example",
                display_name=f"{first} {last}",
                preferred_language=context.rng.choice(["en", "fr", "nl"]),
                password=password,
                department="Project management",
            )
        )
    User.objects.bulk_create(extra, ignore_conflicts=True)
    created = User.objects.filter(username__in=[user.username for user in extra]).order_by("username")
    memberships = []
    for index, user in enumerate(created):
        role = EXTRA_ROLE_MIX[index % len(EXTRA_ROLE_MIX)]
        memberships.append(User.groups.through(user_id=user.pk, group_id=groups[role].pk))
        users.append((user, role))
    User.groups.through.objects.bulk_create(memberships, ignore_conflicts=True)
    context.data["users_by_role"] = {
        role: [user for user, user_role in users if user_role == role] for role in Role.values
    }
    context.log(f"  users: {len(users)}")


# A fictitious company whose identifiers pass their checks (enterprise number mod 97, IBAN, Peppol 0208).
DEMO_COMPANY = dict(
    legal_name="Lumen Integration",
    legal_form="srl",
    street="Kortrijksesteenweg 1000",
    postal_code="9000",
    city="Gent",
    country="BE",
    enterprise_number="0784123452",
    vat_number="BE0784123452",
    register_court="Gent, afdeling Gent",
    iban="BE71096123456769",
    bic="GKCCBEBB",
    phone="+32 9 123 45 67",
    email="info@lumen-integration.example",
    website="https://www.lumen-integration.example",
    peppol_scheme="0208",
    peppol_identifier="0784123452",
    purchase_terms_en="Our general purchase terms apply; the supplier's terms do not. Invoices by Peppol, "
    "quoting our order number. Payment 30 days after a conforming invoice.",
    purchase_terms_fr="Nos conditions générales d'achat s'appliquent, à l'exclusion de celles du "
    "fournisseur. Factures via Peppol, avec notre numéro de commande. "
    "Paiement à 30 jours après facture conforme.",
    purchase_terms_nl="Onze algemene aankoopvoorwaarden zijn van toepassing, niet die van de leverancier. "
    "Facturen via Peppol, met ons bestelnummer. Betaling 30 dagen na een conforme factuur.",
    quotation_terms_en="This quotation is valid until the date shown. Our general terms of sale apply. "
    "Invoiced per milestone, payable within 30 days.",
    quotation_terms_fr="Cette offre est valable jusqu'à la date indiquée. Nos conditions générales de vente "
    "s'appliquent. Facturation par jalon, payable à 30 jours.",
    quotation_terms_nl="Deze offerte is geldig tot de vermelde datum. Onze algemene verkoopvoorwaarden zijn "
    "van toepassing. Facturatie per mijlpaal, betaalbaar binnen 30 dagen.",
)


def seed_company_profile(context) -> None:
    from pmo.services import company_profile_save

    company_profile_save(actor=None, **DEMO_COMPANY)
    context.log("Company profile: Lumen Integration SRL (0784.123.452)")
