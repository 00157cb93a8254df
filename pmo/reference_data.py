"""The reference data an installation ships with, installed again where it went missing.

The data migrations write it once (roles, cost categories and the approval matrix, intake templates,
risk scales, bands and categories, meeting types, checklists). A database emptied afterwards — `flush`,
or a transactional test ending — has the tables but not the rows, and the app then behaves as if
nothing counted as a high risk and no order could be approved. The steps create what is missing
by code; intake templates and meeting types are also reset to the shipped text (update_or_create),
which is why only the demo seed and the test suite call this, never a live installation.
"""

from importlib import import_module

from django.apps import apps

# (migration module, function): the data migrations, in the order the migration graph runs them.
REFERENCE_DATA_MIGRATIONS = (
    ("pmo.migrations.0002_role_groups", "create_role_groups"),
    ("procurement.migrations.0002_default_categories_and_rules", "create_defaults"),
    ("projects.migrations.0003_intake_templates", "install_templates"),
    ("projects.migrations.0006_registers_defaults", "create_defaults"),
    ("projects.migrations.0010_meeting_types", "install"),
    ("quality.migrations.0002_default_checklists", "install"),
    ("quality.migrations.0004_checklists_version_2", "install"),
)


def reference_data_install() -> None:
    for module_path, function_name in REFERENCE_DATA_MIGRATIONS:
        getattr(import_module(module_path), function_name)(apps, None)
