"""Reads of the projects app, one module per area (core: customers and projects)."""

from projects.selectors.core import (
    customer_get_for_user,
    customer_list_for_user,
    customer_projects_for_user,
    project_get_for_user,
    project_list_for_user,
    project_queryset_for_user,
    project_visibility_q,
)

__all__ = [
    "customer_get_for_user",
    "customer_list_for_user",
    "customer_projects_for_user",
    "project_get_for_user",
    "project_list_for_user",
    "project_queryset_for_user",
    "project_visibility_q",
]

# Registers: risks, issues, change requests, decisions, actions, lessons learned.
from projects.selectors import registers  # noqa: F401
