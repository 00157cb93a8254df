"""Looking up a model's columns by name, typed as the fields they are."""

from django.db import models


def model_column(model: type[models.Model], name: str) -> models.Field:
    """The field `name` of `model` that is a column (or a many-to-many), never the reverse side of a
    relation: what forms, history and messages name by its verbose name."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise LookupError(f"{model.__name__}.{name} is the reverse side of a relation, not a field")
    return field
