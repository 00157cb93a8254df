import importlib

import pytest


@pytest.fixture(autouse=True)
def shipped_data(request):
    """The data migrations ship (role groups, checklists, cost categories, risk bands).

    Transactional tests elsewhere flush the database, migration data included; put it back idempotently.
    """
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    from django.apps import apps

    from quality.services.checklists import checklist_defaults_install

    for module in (
        "pmo.migrations.0002_role_groups",
        "procurement.migrations.0002_default_categories_and_rules",
        "projects.migrations.0006_registers_defaults",
    ):
        migration = importlib.import_module(module)
        (getattr(migration, "create_role_groups", None) or migration.create_defaults)(apps, None)
    checklist_defaults_install()
