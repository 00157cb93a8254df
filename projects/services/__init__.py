"""Changes of state in the projects app, one module per area (core: customers and projects)."""

from projects.services.core import (
    customer_contacts_save,
    customer_create,
    customer_update,
    project_code_allocate,
    project_create,
    project_update,
)

__all__ = [
    "customer_contacts_save",
    "customer_create",
    "customer_update",
    "project_code_allocate",
    "project_create",
    "project_update",
]

# Plan (issue 3).
from projects.services.plan import plan_baseline_create

__all__ += ["plan_baseline_create"]

# Intake (issue 3).
from projects.services.intake import (  # noqa: E402
    intake_accept,
    intake_create,
    intake_notify_sales,
    intake_reject,
    intake_return,
    intake_submit,
    intake_update,
    project_create_from_intake,
)

__all__ += [
    "intake_accept",
    "intake_create",
    "intake_notify_sales",
    "intake_reject",
    "intake_return",
    "intake_submit",
    "intake_update",
    "project_create_from_intake",
]

# Documents, phases and plan (issue 3).
from projects.services.documents import document_upload, document_version_upload  # noqa: E402
from projects.services.phases import project_phase_change  # noqa: E402
from projects.services.plan import (  # noqa: E402
    assignment_set,
    resource_create,
    resource_update,
    task_create,
    task_dependency_create,
    task_dependency_delete,
    task_progress_derive,
    task_remaining_set,
    task_status_set,
    task_update,
)
from projects.services.plan_import import plan_export_rows, plan_export_xlsx, plan_import  # noqa: E402

__all__ += [
    "assignment_set",
    "document_upload",
    "document_version_upload",
    "plan_export_rows",
    "plan_export_xlsx",
    "plan_import",
    "project_phase_change",
    "resource_create",
    "resource_update",
    "task_create",
    "task_dependency_create",
    "task_dependency_delete",
    "task_progress_derive",
    "task_remaining_set",
    "task_status_set",
    "task_update",
]
from projects.services.intake import intake_templates_install  # noqa: E402

__all__ += ["intake_templates_install"]
from projects.services.documents import required_document_add, required_document_remove  # noqa: E402
from projects.services.plan import task_delete  # noqa: E402

__all__ += ["required_document_add", "required_document_remove", "task_delete"]

# Registers: risks, issues, change requests, decisions, actions, lessons learned.
from projects.services import change_requests, registers  # noqa: E402, F401

# Quotations (issue 4, helper "money").
from projects.services.quotations import (  # noqa: E402
    quotation_accept,
    quotation_create,
    quotation_decline,
    quotation_expire_overdue,
    quotation_send,
    quotation_totals,
    quotation_update,
)

__all__ += [
    "quotation_accept",
    "quotation_create",
    "quotation_decline",
    "quotation_expire_overdue",
    "quotation_send",
    "quotation_totals",
    "quotation_update",
]
