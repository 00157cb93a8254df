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

# Registers: risks, issues, change requests, decisions, actions, lessons learned.
from projects.services import registers  # noqa: E402, F401
