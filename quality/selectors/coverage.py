"""Which clauses or controls a checklist covers, and which a project declared not applicable.

The reference lists (ISO 9001 clauses, ISO/IEC 27001 Annex A controls) are shipped as data in
quality/data/references; an item's `reference` cites one or more of their ids ("A.5.12, A.5.13",
"A.8.15-A.8.17", "8.5.1, 8.5.2").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.translation import get_language

from quality.models import ChecklistItem, ChecklistTemplate, ControlApplicability, ReviewAnswer

if TYPE_CHECKING:
    from projects.models import Project

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "data" / "references"
_RANGE = re.compile(r"^(?P<prefix>(?:A\.)?\d+\.)(?P<start>\d+)\s*[-\u2013]\s*(?P=prefix)(?P<end>\d+)$")


@dataclass(frozen=True)
class Reference:
    id: str
    title: str
    parent: str = ""
    theme: str = ""
    outside_projects: tuple[str, ...] = ()  # en, fr, nl: why a project never touches it

    @property
    def reason_outside_projects(self) -> str:
        if not self.outside_projects:
            return ""
        index = {"fr": 1, "nl": 2}.get((get_language() or "en")[:2], 0)
        return self.outside_projects[index]


@dataclass(frozen=True)
class ReferenceList:
    code: str
    name: str
    entries: tuple[Reference, ...]

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(entry.id for entry in self.entries)

    @property
    def leaves(self) -> tuple[Reference, ...]:
        """The entries an auditor checks one by one: those without sub-clauses."""
        parents = {entry.parent for entry in self.entries}
        return tuple(entry for entry in self.entries if entry.id not in parents and "." in entry.id)


@cache
def reference_list(code: str) -> ReferenceList:
    """The shipped reference list of a standard (quality/data/references/<code>.json)."""
    data = json.loads((REFERENCE_DIR / f"{code}.json").read_text(encoding="utf-8"))
    entries = tuple(
        Reference(
            id=entry["id"],
            title=entry["title"],
            parent=entry.get("parent", ""),
            theme=entry.get("theme", ""),
            outside_projects=tuple(entry.get("outside_projects", ())),
        )
        for entry in data["entries"]
    )
    return ReferenceList(code=data["code"], name=data["name"], entries=entries)


def references_cited(reference: str) -> list[str]:
    """The ids an item's reference cites: lists split on commas, ranges such as A.8.15-A.8.17 expanded."""
    cited: list[str] = []
    for part in (piece.strip() for piece in reference.split(",")):
        if not part:
            continue
        match = _RANGE.match(part)
        if match:
            prefix = match["prefix"]
            cited += [f"{prefix}{number}" for number in range(int(match["start"]), int(match["end"]) + 1)]
        else:
            cited.append(part)
    return cited


class CoverageState:
    COVERED = "covered"
    COVERED_BY_PARENT = "covered_by_parent"
    NOT_COVERED = "not_covered"
    OUTSIDE_PROJECTS = "outside_projects"


@dataclass
class CoverageRow:
    reference: Reference
    state: str
    items: list[str] = field(default_factory=list)  # the item references that cite it


@dataclass
class Coverage:
    template: ChecklistTemplate
    references: ReferenceList
    rows: list[CoverageRow]
    unknown: list[str]  # cited ids that are not in the reference list

    def count(self, *states: str) -> int:
        return sum(1 for row in self.rows if row.state in states)

    @property
    def direct(self) -> int:
        return self.count(CoverageState.COVERED)

    @property
    def by_parent(self) -> int:
        return self.count(CoverageState.COVERED_BY_PARENT)

    @property
    def outside_projects(self) -> int:
        return self.count(CoverageState.OUTSIDE_PROJECTS)

    @property
    def not_covered(self) -> int:
        return self.count(CoverageState.NOT_COVERED)

    @property
    def covered(self) -> int:
        return self.count(CoverageState.COVERED, CoverageState.COVERED_BY_PARENT)

    @property
    def total(self) -> int:
        return len(self.rows)


def template_coverage(*, template: ChecklistTemplate) -> Coverage | None:
    """Each clause or control of the template's standard: cited by an item, via its parent, or left out."""
    if not template.standard:
        return None
    references = reference_list(template.standard)
    citing: dict[str, list[str]] = {}
    for item_reference in ChecklistItem.objects.filter(section__template=template).values_list(
        "reference", flat=True
    ):
        for cited in references_cited(item_reference):
            citing.setdefault(cited, []).append(item_reference)
    rows = [_coverage_row(leaf, citing) for leaf in references.leaves]
    unknown = sorted(set(citing) - references.ids)
    return Coverage(template=template, references=references, rows=rows, unknown=unknown)


def _coverage_row(leaf: Reference, citing: dict[str, list[str]]) -> CoverageRow:
    if leaf.id in citing:
        return CoverageRow(leaf, CoverageState.COVERED, citing[leaf.id])
    if leaf.parent in citing:
        return CoverageRow(leaf, CoverageState.COVERED_BY_PARENT, citing[leaf.parent])
    if leaf.outside_projects:
        return CoverageRow(leaf, CoverageState.OUTSIDE_PROJECTS)
    return CoverageRow(leaf, CoverageState.NOT_COVERED)


def project_not_applicable(*, project: Project, standard: str) -> dict[str, ControlApplicability]:
    """The project's statement of applicability for one standard: reference → the decision."""
    decisions = ControlApplicability.objects.filter(project=project, standard=standard).select_related(
        "decided_by"
    )
    return {decision.reference: decision for decision in decisions}


def answer_waiver(
    *, answer: ReviewAnswer, not_applicable: dict[str, ControlApplicability]
) -> list[ControlApplicability]:
    """The decisions that make an answer not applicable: every control the item cites was declared so."""
    cited = references_cited(answer.item.reference)
    if not cited or any(reference not in not_applicable for reference in cited):
        return []
    return [not_applicable[reference] for reference in cited]


@dataclass
class ApplicabilityRow:
    reference: Reference
    decision: ControlApplicability | None


def project_applicability_rows(*, project: Project, standard: str) -> list[ApplicabilityRow]:
    """Every clause or control of a standard with the project's decision on it, in two queries at most."""
    decisions = project_not_applicable(project=project, standard=standard)
    return [
        ApplicabilityRow(reference=leaf, decision=decisions.get(leaf.id))
        for leaf in reference_list(standard).leaves
    ]
