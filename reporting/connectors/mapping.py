"""Column mappings: the documented defaults in code, an administrator's overrides in FieldMapping rows."""

from reporting.models import FieldMapping


def mapping_for(*, connector: str, remote_table: str, defaults: dict[str, str]) -> dict[str, str]:
    """{local field: remote column}; an override with an empty remote column drops the field."""
    overrides = dict(
        FieldMapping.objects.filter(connector=connector, remote_table=remote_table).values_list(
            "local_field", "remote_field"
        )
    )
    merged = {**defaults, **overrides}
    return {local: remote for local, remote in merged.items() if remote}
