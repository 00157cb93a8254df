"""The value types of projects that other apps may use: choices and status sets, no model, no query.

Quality and reporting import these (`public_surface` contract, ARCHITECTURE.md); the models stay the
owners of their definitions. `tests/pmo/test_import_rules.py` fails if a model or a function lands here.
"""

from projects.models import (
    CLOSED_TASK_STATUSES,
    DocumentCategory,
    IntakeStatus,
    Language,
    Level,
    Phase,
    QuotationStatus,
    TaskKind,
    TaskStatus,
)

__all__ = [
    "CLOSED_TASK_STATUSES",
    "DocumentCategory",
    "IntakeStatus",
    "Language",
    "Level",
    "Phase",
    "QuotationStatus",
    "TaskKind",
    "TaskStatus",
]
