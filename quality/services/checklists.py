"""Checklist templates: the defaults shipped as data, and new versions."""

import json
from pathlib import Path

from django.apps import apps as global_apps
from django.db import transaction

from pmo.lib.audit import audited_save
from pmo.models import User
from quality.models import ChecklistItem, ChecklistSection, ChecklistTemplate

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "checklists"
LANGUAGES = ("en", "fr", "nl")


def checklist_default_data() -> list[dict]:
    """The default templates as shipped in quality/data/checklists, sorted by file name."""
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(DATA_DIR.glob("*.json"))]


def _localized_fields(prefix: str, values: list[str] | None) -> dict[str, str]:
    return {
        f"{prefix}_{language}": value
        for language, value in zip(LANGUAGES, values or ["", "", ""], strict=True)
    }


def checklist_template_import(*, data: dict, apps=global_apps) -> bool:
    """Create one template version from its data unless it exists; return whether it was created."""
    template_model = apps.get_model("quality", "ChecklistTemplate")
    section_model = apps.get_model("quality", "ChecklistSection")
    item_model = apps.get_model("quality", "ChecklistItem")
    if template_model.objects.filter(code=data["code"], version=data["version"]).exists():
        return False
    # Migrations before quality 0003 run this with a model that has no `standard` yet.
    has_standard = any(field.name == "standard" for field in template_model._meta.get_fields())
    template = template_model.objects.create(
        code=data["code"],
        version=data["version"],
        kind=data["kind"],
        **({"standard": data.get("standard", "")} if has_standard else {}),
        **_localized_fields("name", data["name"]),
        **_localized_fields("description", data.get("description")),
    )
    # A newer shipped version replaces the older ones for new reviews; past reviews keep theirs.
    template_model.objects.filter(code=data["code"], version__lt=data["version"]).update(is_active=False)
    items = []
    for section_position, section_data in enumerate(data["sections"], start=1):
        section = section_model.objects.create(
            template=template, position=section_position, **_localized_fields("title", section_data["title"])
        )
        for position, (reference, question, evidence, weight, guidance) in enumerate(
            section_data["items"], 1
        ):
            items.append(
                item_model(
                    section=section,
                    position=position,
                    reference=reference,
                    is_evidence_required=evidence,
                    weight=weight,
                    **_localized_fields("question", question),
                    **_localized_fields("guidance", guidance),
                )
            )
    item_model.objects.bulk_create(items)
    return True


def checklist_defaults_install(*, apps=global_apps) -> int:
    """Install every shipped template that is missing; return how many were created."""
    return sum(checklist_template_import(data=data, apps=apps) for data in checklist_default_data())


@transaction.atomic
def checklist_template_new_version(*, template: ChecklistTemplate, actor: User) -> ChecklistTemplate:
    """Copy a template into the next version and retire the older ones; past reviews keep theirs."""
    latest = (
        ChecklistTemplate.objects.select_for_update().filter(code=template.code).order_by("-version").first()
    )
    copy = ChecklistTemplate(
        code=template.code,
        version=(latest.version if latest is not None else template.version) + 1,
        kind=template.kind,
        standard=template.standard,
        **{
            f"{field}_{lang}": getattr(template, f"{field}_{lang}")
            for field in ("name", "description")
            for lang in LANGUAGES
        },
    )
    audited_save(copy, actor=actor)
    for section in template.sections.prefetch_related("items"):
        new_section = ChecklistSection.objects.create(
            template=copy,
            position=section.position,
            **{f"title_{lang}": getattr(section, f"title_{lang}") for lang in LANGUAGES},
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(
                section=new_section,
                position=item.position,
                reference=item.reference,
                is_evidence_required=item.is_evidence_required,
                weight=item.weight,
                **{
                    f"{field}_{lang}": getattr(item, f"{field}_{lang}")
                    for field in ("question", "guidance")
                    for lang in LANGUAGES
                },
            )
            for item in section.items.all()
        )
    for older in ChecklistTemplate.objects.filter(code=template.code, is_active=True).exclude(pk=copy.pk):
        older.is_active = False
        audited_save(older, actor=actor, update_fields=["is_active"])
    return copy
