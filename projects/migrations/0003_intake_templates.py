"""Ship the three default intake templates (en/fr/nl) as data."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "intake_templates.json"
FIELDS = (
    "name_en",
    "name_fr",
    "name_nl",
    "required_fields",
    "required_attachments",
    "checklist",
    "required_documents",
    "provisional_plan",
)


def install_templates(apps, schema_editor):
    IntakeTemplate = apps.get_model("projects", "IntakeTemplate")
    for item in json.loads(DATA.read_text(encoding="utf-8")):
        IntakeTemplate.objects.update_or_create(
            code=item["code"], defaults={field: item[field] for field in FIELDS}
        )


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_intake_documents_plan")]

    operations = [migrations.RunPython(install_templates, migrations.RunPython.noop)]
