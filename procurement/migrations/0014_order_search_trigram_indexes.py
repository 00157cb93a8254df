"""Trigram indexes for the order search (issue 14, scale XL): number, title and supplier name.

`icontains` is `UPPER(column) LIKE UPPER('%...%')` on PostgreSQL, which no b-tree serves: at 100,000
orders the search read every order (55 ms). A GIN index of the upper-cased column with pg_trgm's
operator class serves that very expression. pg_trgm is a trusted extension (PostgreSQL 13+): the database
owner may create it. PostgreSQL only, and outside the model state on purpose: SQLite (`make run`) has
neither GIN nor operator classes, and a table it rebuilds recreates every index the state declares.
"""

from django.db import migrations

INDEXES = [
    ("po_number_upper_trgm_idx", "procurement_purchaseorder", "number"),
    ("po_title_upper_trgm_idx", "procurement_purchaseorder", "title"),
    ("supplier_name_upper_trgm_idx", "procurement_supplier", "name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (UPPER("{column}") gin_trgm_ops)'
        )
    # The planner estimates a condition on an indexed expression from that expression's statistics,
    # which only ANALYZE gathers (under a second for 100,000 orders).
    schema_editor.execute("ANALYZE procurement_purchaseorder, procurement_supplier")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("procurement", "0013_fill_running_totals")]

    operations = [migrations.RunPython(create, drop)]
