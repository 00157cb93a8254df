from projects.models.core import (
    LEVEL_1_LIMIT,
    LEVEL_2_LIMIT,
    Customer,
    CustomerContact,
    Language,
    Level,
    Phase,
    Project,
)

__all__ = [
    "LEVEL_1_LIMIT",
    "LEVEL_2_LIMIT",
    "Customer",
    "CustomerContact",
    "Language",
    "Level",
    "Phase",
    "Project",
]
