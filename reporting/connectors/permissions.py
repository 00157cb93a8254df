"""Who sees the connector runs (the PMO and its head) and who starts one (the administrator)."""

import rules

from pmo.rules import is_administrator, is_head_of_pm, is_pm_support

rules.add_perm("reporting.view_syncrun", is_administrator | is_head_of_pm | is_pm_support)
rules.add_perm("reporting.add_syncrun", is_administrator)
