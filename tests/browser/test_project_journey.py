"""The whole life of a project in a real browser, once with every user in Dutch and once in French.

Each step (tests/browser/journey/steps_*.py) is done by the role that does it in real life, through
the links and forms that person sees, and asserts what the page shows and what the database holds.
Celery runs eagerly here (no broker configured), so the highlight reports render inside the request.
"""

from importlib import import_module

import pytest

from projects.models import Customer
from tests.browser.journey import (
    Journey,
    steps_closing,
    steps_control,
    steps_intake,
    steps_orders,
    steps_plan,
)
from tests.factories import SupplierFactory

pytestmark = pytest.mark.django_db(transaction=True)

STEPS = [
    *steps_intake.STEPS,  # sales intake → PMO return → fix → accept → convert
    *steps_plan.STEPS,  # three tasks, a dependency, a move, the baseline, the gate to planning/execution
    # Orders (helper "money"): PM 12k order approved, outside-project order, partial receipt, invoice
    # 5 % over price; the invoice stays in mismatch, so the head of PM overrides the closure below.
    steps_orders.order_steps,
    *steps_control.STEPS,  # P4xI5 risk, change request, ISO 9001 review, near miss, progress, reports
    *steps_closing.STEPS,  # gate to closing, closure validation, hand-over PDF, SMO accepts, survey
]


@pytest.fixture
def shipped_data(db):
    """What migrations ship (a transactional test flushes it)."""
    from django.apps import apps

    import_module("pmo.migrations.0002_role_groups").create_role_groups(apps, None)
    import_module("procurement.migrations.0002_default_categories_and_rules").create_defaults(apps, None)
    import_module("projects.migrations.0003_intake_templates").install_templates(apps, None)
    import_module("projects.migrations.0006_registers_defaults").create_defaults(apps, None)
    import_module("quality.migrations.0002_default_checklists").install(apps, None)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_the_life_of_a_project(browser, live_server, shipped_data, media, language):
    # The customer is already on file from earlier business, speaking the journey's language.
    customer = Customer.objects.create(name="Stad Gent", vat_number="BE0403019261", language=language)
    customer.contacts.create(name="Jan Peeters", email="jan.peeters@stad.gent", language=language)
    SupplierFactory(name="Aaa Netwerken BV")  # the supplier the orders go to
    journey = Journey(browser=browser, base_url=live_server.url, language=language)
    for role in ("sales", "pm_support", "project_manager", "head_of_pm", "smo", "finance"):
        journey.user(role)  # everyone has an account before the project starts
    try:
        for step in STEPS:
            step(journey)
    except Exception:
        for role, page in journey._pages.items():
            journey.shot(page, f"failed-{role}")
        raise
    finally:
        journey.close()
    assert journey.console_errors == []
