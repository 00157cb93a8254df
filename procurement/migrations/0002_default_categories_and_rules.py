from decimal import Decimal

from django.db import migrations

CATEGORIES = [
    ("equipment", "Equipment", 1),
    ("subcontracting", "Subcontracting", 2),
    ("internal_labour", "Internal labour", 3),
    ("travel", "Travel", 4),
    ("contingency", "Contingency", 5),
]
# The approval matrix as shipped (administrators edit it): amount tiers excl. VAT are cumulative.
RULES = [
    ("amount", Decimal("0.00"), "project_manager", False),
    ("amount", Decimal("10000.00"), "pm_support", False),
    ("amount", Decimal("50000.00"), "finance", False),
    ("amount", Decimal("100000.00"), "head_of_pm", True),
    ("outside_project", Decimal("0.00"), "head_of_pm", True),
    ("over_budget", Decimal("0.00"), "head_of_pm", True),
    ("level_1_limit", Decimal("0.00"), "head_of_pm", True),
]


def create_defaults(apps, schema_editor):
    CostCategory = apps.get_model("procurement", "CostCategory")
    ApprovalRule = apps.get_model("procurement", "ApprovalRule")
    for code, name, position in CATEGORIES:
        CostCategory.objects.get_or_create(code=code, defaults={"name": name, "position": position})
    for kind, min_amount, role, requires_justification in RULES:
        ApprovalRule.objects.get_or_create(
            kind=kind, min_amount=min_amount, role=role, defaults={"requires_justification": requires_justification}
        )


class Migration(migrations.Migration):
    dependencies = [("procurement", "0001_budget_and_orders")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
