"""The order and quotation pages speak the reader's language for units and cite the reverse-charge basis,
as the PDFs already did (issue 11)."""

from decimal import Decimal

import pytest

from pmo.roles import Role
from procurement import services
from tests.factories import BudgetLineFactory, ProjectFactory, user_with_role
from tests.procurement.peppol_samples import belgian_supplier

pytestmark = pytest.mark.django_db


def _order():
    project = ProjectFactory()
    budget = BudgetLineFactory(project=project, budget=Decimal("50000"), forecast=Decimal("50000"))
    lines = [
        {"description": "Cabling", "quantity": Decimal("16"), "unit": "h", "unit_price": Decimal("65"),
         "vat_rate": "rc", "budget_line": budget},
        {"description": "Site lead", "quantity": Decimal("3"), "unit": "day", "unit_price": Decimal("600"),
         "vat_rate": "21", "budget_line": budget},
        {"description": "Patch panels", "quantity": Decimal("4"), "unit": "pcs", "unit_price": Decimal("90"),
         "vat_rate": "21", "budget_line": budget},
    ]  # fmt: skip
    return services.purchase_order_create(
        actor=user_with_role(Role.PM_SUPPORT), project=project, supplier=belgian_supplier(), title="Fit-out",
        lines=lines,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("language", "units", "mention"),
    [
        ("nl", ("16 u", "3 dag", "4 st"), "art. 20"),
        (
            "fr",
            ("16 h", "3 jour", "4 pce"),
            "Autoliquidation : TVA due par le cocontractant (art. 20 AR n° 1",
        ),
    ],
)
def test_the_order_page_translates_units_and_cites_the_reverse_charge_basis(client, language, units, mention):
    order = _order()
    client.force_login(user_with_role(Role.FINANCE, preferred_language=language))
    page = client.get(order.get_absolute_url()).content.decode()
    for unit in units:
        assert unit in page
    assert mention in page and "pcs" not in page


def test_without_reverse_charge_no_mention_is_printed(client):
    order = _order()
    order.lines.update(vat_rate="21")
    client.force_login(user_with_role(Role.FINANCE, preferred_language="fr"))
    assert "vat-mention" not in client.get(order.get_absolute_url()).content.decode()
