"""Install the second versions of the shipped checklists (exact ISO clauses, Annex A coverage, VCA
qualifications) and record which standard each ISO template cites; reviews already run keep version 1."""

from django.db import migrations


def install(apps, schema_editor):
    from quality.services.checklists import checklist_default_data, checklist_defaults_install

    checklist_defaults_install(apps=apps)
    template_model = apps.get_model("quality", "ChecklistTemplate")
    for data in checklist_default_data():
        if data.get("standard"):
            template_model.objects.filter(code=data["code"]).update(standard=data["standard"])


class Migration(migrations.Migration):
    dependencies = [("quality", "0003_standards_applicability_qualifications")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
