"""What every register service shares: numbering per project, saving with history, status moves."""

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save
from pmo.models import User
from projects.models import Project


def register_entry_save(
    entry, *, actor: User | None, update_fields: list[str] | None = None, reason: str = ""
) -> None:
    audited_save(
        entry,
        actor=actor,
        reason=reason,
        exclude=["number"] if entry.number is None else None,
        update_fields=[*update_fields, "updated_at"] if update_fields else None,
    )


def register_entry_number_next(*, project: Project, model) -> int:
    """The next number of this register on the project; the project row lock serialises writers."""
    Project.objects.select_for_update().filter(pk=project.pk).first()
    last = model.objects.filter(project=project).aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


def register_entry_check_same_project(project: Project, values: dict) -> None:
    for field in ("risk", "issue", "change_request", "decision", "category", "meeting_item"):
        linked = values.get(field)
        if linked is not None and getattr(linked, "project_id", project.pk) != project.pk:
            raise ValidationError({field: _("This entry belongs to another project.")})


def register_entry_create(
    model, *, project: Project, actor: User, fields: tuple[str, ...], values: dict, **extra
):
    register_entry_check_same_project(project, values)
    entry = model(
        project=project, created_by=actor, **{f: v for f, v in values.items() if f in fields}, **extra
    )
    entry.number = register_entry_number_next(project=project, model=model)
    register_entry_save(entry, actor=actor)
    return entry


def register_entry_update(entry, *, actor: User, fields: tuple[str, ...], values: dict, reason: str = ""):
    register_entry_check_same_project(entry.project, values)
    changed = [field for field in fields if field in values and getattr(entry, field) != values[field]]
    for field in changed:
        setattr(entry, field, values[field])
    if changed:
        register_entry_save(entry, actor=actor, update_fields=changed, reason=reason)
    return entry


def register_entry_lock(entry):
    locked = type(entry).objects.select_for_update().get(pk=entry.pk)
    locked.project = entry.project
    return locked


def register_entry_transition(
    entry, *, status: str, actor: User, reason: str = "", extra_fields: tuple[str, ...] = ()
):
    """Move a register entry through its model's workflow (refused unless its table allows it)."""
    entry.workflow.assign(entry, status)
    register_entry_save(entry, actor=actor, update_fields=["status", *extra_fields], reason=reason)
    return entry
