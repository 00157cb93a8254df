"""The order steps of the journey on a prepared project, once in Dutch and once in French."""

from decimal import Decimal

import pytest

from pmo.roles import Role
from tests.browser.journey import Journey
from tests.browser.journey.steps_orders import order_steps
from tests.factories import BudgetLineFactory, ProjectFactory, SupplierFactory, cost_category

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def procurement_data(transactional_db):
    import importlib

    from django.apps import apps

    importlib.import_module("pmo.migrations.0002_role_groups").create_role_groups(apps, None)
    importlib.import_module("procurement.migrations.0002_default_categories_and_rules").create_defaults(
        apps, None
    )


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_order_journey(browser, live_server, procurement_data, language):
    journey = Journey(browser=browser, base_url=live_server.url, language=language)
    for role in (Role.PM_SUPPORT, Role.HEAD_OF_PM, Role.FINANCE):
        journey.user(role)
    project = ProjectFactory(project_manager=journey.user(Role.PROJECT_MANAGER), budget=Decimal("200000.00"))
    BudgetLineFactory(project=project, category=cost_category(), budget=Decimal("50000.00"))
    SupplierFactory(name="Aaa Netwerken BV")
    journey.state["project_code"] = project.code
    try:
        order_steps(journey)
    finally:
        journey.close()
    assert not journey.console_errors
