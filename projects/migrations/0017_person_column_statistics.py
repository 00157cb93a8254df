"""Exact per-person statistics on the project's manager, support officer and account manager (issue 14).

The home lists "my projects" (manager, support officer or account manager, open, by code, first 10). With
more people than the 100 most common values PostgreSQL keeps by default (501 managers at scale XL), it
guessed 200 projects for anyone outside that list, the head of PM with none among them, and walked the
code index through all 20,000 projects to find ten that never came (3.5 ms; 0.04 ms with these
statistics, as at L). A target of 1,000 samples up to 300,000 projects, so the statistics then hold every
person and their exact count. PostgreSQL only: SQLite keeps no such statistics.
"""

from django.db import migrations

COLUMNS = ("project_manager_id", "support_officer_id", "account_manager_id")


def _set_statistics(schema_editor, target: int) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    columns = ", ".join(f'ALTER COLUMN "{column}" SET STATISTICS {target}' for column in COLUMNS)
    schema_editor.execute(f"ALTER TABLE projects_project {columns}")
    schema_editor.execute("ANALYZE projects_project")


def forwards(apps, schema_editor):
    _set_statistics(schema_editor, 1000)


def backwards(apps, schema_editor):
    _set_statistics(schema_editor, -1)  # back to default_statistics_target


class Migration(migrations.Migration):
    dependencies = [("projects", "0016_task_open_field_work_and_milestone_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
