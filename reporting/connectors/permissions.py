"""Who sees the connector runs (the PMO and its head); who starts one or maps a record (the administrator)."""

import rules

from pmo.rules import is_administrator, is_head_of_pm, is_pm_support

rules.add_perm("reporting.view_syncrun", is_administrator | is_head_of_pm | is_pm_support)
rules.add_perm("reporting.add_syncrun", is_administrator)
# Mapping a Dynamics 365 record to one of ours books the hours that waited on it (issue 15).
rules.add_perm("reporting.add_remotelink", is_administrator)
