import importlib

import pytest


@pytest.fixture(autouse=True)
def procurement_defaults(request):
    """The data that migrations ship (role groups, cost categories, approval matrix).

    Transactional tests flush the database, migration data included; put it back idempotently.
    """
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    from django.apps import apps

    role_groups = importlib.import_module("pmo.migrations.0002_role_groups")
    defaults = importlib.import_module("procurement.migrations.0002_default_categories_and_rules")
    role_groups.create_role_groups(apps, None)
    defaults.create_defaults(apps, None)
