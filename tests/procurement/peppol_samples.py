"""Sample purchase orders for the Peppol export: every VAT treatment, several units, Belgian and
foreign suppliers, with and without a delivery address."""

from datetime import date
from decimal import Decimal

from pmo.roles import Role
from pmo.seed import DEMO_COMPANY
from pmo.services import company_profile_save
from procurement import services
from tests.factories import BudgetLineFactory, ProjectFactory, SupplierFactory, user_with_role


def demo_company():
    return company_profile_save(actor=None, **DEMO_COMPANY)


def _line(description, quantity, unit, price, vat, budget_line):
    return {
        "description": description,
        "quantity": Decimal(quantity),
        "unit": unit,
        "unit_price": Decimal(price),
        "vat_rate": vat,
        "budget_line": budget_line,
    }


def belgian_supplier(**kwargs):
    values = {
        "name": "Kabelwerken Gent BV",
        "vat_number": "BE0403170701",
        "peppol_id": "0208:0403170701",
        "street": "Industrieweg 12",
        "postal_code": "9000",
        "city": "Gent",
        "country": "BE",
    }
    return SupplierFactory(**{**values, **kwargs})


def sample_orders() -> dict[str, object]:
    """Name → order, made through the services as a user makes them."""
    project = ProjectFactory()
    budget = BudgetLineFactory(project=project, budget=Decimal("100000"), forecast=Decimal("100000"))
    requester = user_with_role(Role.PM_SUPPORT)

    def order(name, supplier, lines, **extra):
        return services.purchase_order_create(
            actor=requester, project=project, supplier=supplier, title=name, lines=lines, **extra
        )

    dutch = SupplierFactory(
        name="Netwerk Partners Utrecht B.V.",
        vat_number="NL004495445B01",
        peppol_id="9944:NL004495445B01",
        street="Catharijnesingel 30",
        postal_code="3511 GB",
        city="Utrecht",
        country="NL",
        language="nl",
    )
    german = SupplierFactory(
        name="Rechenzentrum Technik GmbH",
        vat_number="DE136695976",
        peppol_id="9930:DE136695976",
        street="Hauptstraße 5",
        postal_code="50667",
        city="Köln",
        country="DE",
        language="en",
    )
    gln_supplier = SupplierFactory(
        name="Électricité Liège SA",
        vat_number="BE0202239951",
        peppol_id="0088:5790000435968",
        street="Rue de la Gare 3",
        postal_code="4000",
        city="Liège",
        country="BE",
        language="fr",
    )
    return {
        "mixed VAT 21/12/6/0, four units, delivery address": order(
            "Mixed VAT",
            belgian_supplier(),
            [
                _line("Switch 48 ports", "2", "pcs", "1250.00", "21", budget),
                _line("Installation", "7.5", "h", "85.00", "12", budget),
                _line("Renovation works", "3", "day", "640.00", "6", budget),
                _line("Cable Cat6A", "305", "m", "0.95", "0", budget),
            ],
            delivery_address="Kortrijksesteenweg 1000\n9000 Gent",
            delivery_date=date(2026, 12, 18),
        ),
        "Belgian co-contractor reverse charge, no delivery address": order(
            "Cabling works",
            SupplierFactory(
                name="Bekabeling Antwerpen NV",
                vat_number="BE0417497106",
                peppol_id="9925:BE0417497106",
                street="Noorderlaan 100",
                postal_code="2030",
                city="Antwerpen",
                country="BE",
            ),
            [_line("Cabling works floor 2", "40", "h", "72.50", "rc", budget)],
        ),
        "Dutch supplier, intra-EU services, delivery in the Netherlands": order(
            "Remote configuration",
            dutch,
            [
                _line("Firewall configuration", "2", "day", "950.00", "is", budget),
                _line("Travel", "1", "pcs", "120.00", "is", budget),
            ],
            delivery_address="Stationsplein 1\n3511 ED Utrecht\nNL",
        ),
        "German supplier, intra-EU goods": order(
            "Servers",
            german,
            [_line("Rack server 2U", "3", "pcs", "4200.00", "ig", budget)],
            delivery_address="Kortrijksesteenweg 1000, 9000 Gent",
        ),
        "Belgian supplier with a GLN endpoint": order(
            "Electricity works",
            gln_supplier,
            [
                _line("Tableau électrique", "1", "set", "1800.00", "21", budget),
                _line("Main d'œuvre", "12", "h", "65.00", "21", budget),
            ],
        ),
    }
