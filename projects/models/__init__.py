from projects.models.core import (
    LEVEL_1_LIMIT,
    LEVEL_2_LIMIT,
    Customer,
    CustomerContact,
    Language,
    Level,
    Phase,
    ProgressMethod,
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
    "ProgressMethod",
    "Project",
]

# Intake, documents, plan and phase changes (issue 3).
from projects.models.documents import (
    Document,
    DocumentCategory,
    DocumentVersion,
    RequiredDocument,
)
from projects.models.intake import (
    INTAKE_EDITABLE_STATUSES,
    INTAKE_TRANSITIONS,
    Intake,
    IntakeStatus,
    IntakeStatusChange,
    IntakeTemplate,
)
from projects.models.phases import PhaseChange
from projects.models.plan import (
    CLOSED_TASK_STATUSES,
    OPEN_FIELD_WORK,
    Assignment,
    PlanBaseline,
    PlanBaselineTask,
    Resource,
    ResourceKind,
    ResourceRole,
    Task,
    TaskDependency,
    TaskKind,
    TaskStatus,
)

__all__ += [
    "CLOSED_TASK_STATUSES",
    "INTAKE_EDITABLE_STATUSES",
    "INTAKE_TRANSITIONS",
    "OPEN_FIELD_WORK",
    "Assignment",
    "Document",
    "DocumentCategory",
    "DocumentVersion",
    "Intake",
    "IntakeStatus",
    "IntakeStatusChange",
    "IntakeTemplate",
    "PhaseChange",
    "PlanBaseline",
    "PlanBaselineTask",
    "RequiredDocument",
    "Resource",
    "ResourceKind",
    "ResourceRole",
    "Task",
    "TaskDependency",
    "TaskKind",
    "TaskStatus",
]

# Registers (risks, issues, change requests, decisions, actions, lessons learned).
from projects.models.registers import (  # noqa: E402
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
# Quotations to direct customers (issue 4, helper "money").
from projects.models.quotations import (  # noqa: E402
    QUOTATION_TRANSITIONS,
    Quotation,
    QuotationLine,
    QuotationStatus,
    QuotationVatRate,
)

__all__ += ["QUOTATION_TRANSITIONS", "Quotation", "QuotationLine", "QuotationStatus", "QuotationVatRate"]

# Timesheets and cost rates (issue 15, helper "timesheets").
from projects.models.timesheets import (  # noqa: E402
    EDITABLE_TIMESHEET_STATUSES,
    ApprovalTrack,
    CostRate,
    RoleCostRate,
    Timesheet,
    TimesheetEntry,
    TimesheetReminder,
    TimesheetStatus,
    approval_track_for,
)

__all__ += [
    "EDITABLE_TIMESHEET_STATUSES",
    "ApprovalTrack",
    "CostRate",
    "RoleCostRate",
    "Timesheet",
    "TimesheetEntry",
    "TimesheetReminder",
    "TimesheetStatus",
    "approval_track_for",
]
# Meetings and minutes (issue 16, branch feature/meetings).
from projects.models.meetings import (  # noqa: E402
    AgendaItem,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    MeetingType,
    MinutesDistribution,
)

__all__ += ["AgendaItem", "Meeting", "MeetingAttendee", "MeetingStatus", "MeetingType", "MinutesDistribution"]
