"""Object permissions of the quality app.

The PMO (portfolio writers) runs reviews; the project's managers record safety and work
their corrective actions; the head of PM overrides closure; the SMO decides on hand-overs
addressed to it.
"""

import rules

from pmo.rules import is_administrator, is_head_of_pm, is_portfolio_writer, is_project_manager, is_smo
from projects.rules import can_change_project, can_view_project, manages_project


@rules.predicate
def owns_action(user, action) -> bool:
    return action is not None and action.owner_id == user.pk


@rules.predicate
def manages_action_project(user, action) -> bool:
    return action is not None and manages_project(user, action.project)


@rules.predicate
def addressed_to_user(user, handover) -> bool:
    return handover is not None and handover.smo_owner_id == user.pk


@rules.predicate
def can_view_handover_project(user, handover) -> bool:
    return handover is not None and can_view_project(user, handover.project)


@rules.predicate
def can_change_handover_project(user, handover) -> bool:
    return handover is not None and can_change_project(user, handover.project)


# On a project: run reviews and manage findings (the PMO).
rules.add_perm("quality.run_review", is_portfolio_writer)
# On a project: record LMRAs, toolbox meetings, incidents, hours; send the survey; build the hand-over.
rules.add_perm("quality.record_safety", can_change_project)
rules.add_perm("quality.manage_closure", is_portfolio_writer | (is_project_manager & manages_project))
rules.add_perm("quality.override_closure", is_head_of_pm)
# On a corrective action.
rules.add_perm(
    "quality.complete_action",
    is_portfolio_writer | owns_action | (is_project_manager & manages_action_project),
)
rules.add_perm("quality.verify_action", is_portfolio_writer)
# On a hand-over.
rules.add_perm("quality.view_handover", can_view_handover_project | (is_smo & addressed_to_user))
rules.add_perm("quality.change_handover", can_change_handover_project)
rules.add_perm("quality.decide_handover", is_smo & addressed_to_user)
# Checklist templates.
rules.add_perm("quality.view_checklisttemplate", is_portfolio_writer | is_administrator)
rules.add_perm("quality.change_checklisttemplate", is_administrator | is_head_of_pm)
