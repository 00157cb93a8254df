from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from procurement.models import BudgetLine, PurchaseOrderLine
from procurement.services import budget_line_adjust
from tests.factories import BudgetLineFactory, ProjectFactory, PurchaseOrderLineFactory, cost_category

pytestmark = pytest.mark.django_db


def test_it_raises_a_budget_line_and_its_forecast(users):
    line = BudgetLineFactory(budget=Decimal("1000.00"), forecast=Decimal("900.00"))
    adjusted = budget_line_adjust(
        project=line.project,
        category="equipment",
        amount=Decimal("250.00"),
        actor=users["head_of_pm"],
        reason="CR-7 approved",
    )
    assert (adjusted.budget, adjusted.forecast) == (Decimal("1250.00"), Decimal("1150.00"))
    assert adjusted.history.first().history_change_reason == "CR-7 approved"


def test_it_creates_the_line_when_the_project_has_none_in_that_category(users):
    project = ProjectFactory()
    line = budget_line_adjust(
        project=project, category=cost_category("travel"), amount=Decimal("80.00"), actor=None, reason="CR"
    )
    assert line.budget == Decimal("80.00")
    assert BudgetLine.objects.filter(project=project).count() == 1


def test_it_refuses_to_take_a_budget_below_zero():
    line = BudgetLineFactory(budget=Decimal("100.00"))
    with pytest.raises(ValidationError):
        budget_line_adjust(
            project=line.project, category="equipment", amount=Decimal("-100.01"), actor=None, reason="x"
        )
    line.refresh_from_db()
    assert line.budget == Decimal("100.00")


def test_it_computes_line_amounts_in_the_database():
    line = PurchaseOrderLineFactory(quantity=Decimal("3"), unit_price=Decimal("33.33"), vat_rate="21")
    line = PurchaseOrderLine.objects.get(pk=line.pk)
    assert (line.amount, line.vat_amount, line.open_amount) == (
        Decimal("99.99"),
        Decimal("21.00"),
        Decimal("99.99"),
    )
