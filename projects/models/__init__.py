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

# Registers (risks, issues, change requests, decisions, actions, lessons learned).
from projects.models.registers import (
    OPPORTUNITY_RESPONSES,
    THREAT_RESPONSES,
    Action,
    ChangeRequest,
    Decision,
    Issue,
    Lesson,
    Proximity,
    Risk,
    RiskBand,
    RiskCategory,
    RiskResponse,
    RiskScale,
    RiskScaleLevel,
)

__all__ += [
    "OPPORTUNITY_RESPONSES",
    "THREAT_RESPONSES",
    "Action",
    "ChangeRequest",
    "Decision",
    "Issue",
    "Lesson",
    "Proximity",
    "Risk",
    "RiskBand",
    "RiskCategory",
    "RiskResponse",
    "RiskScale",
    "RiskScaleLevel",
]
