"""Install the default checklist templates shipped in quality/data/checklists."""

from django.db import migrations


def install(apps, schema_editor):
    from quality.services.checklists import checklist_defaults_install

    checklist_defaults_install(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_quality_and_handover")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
