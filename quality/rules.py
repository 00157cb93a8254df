"""Object permissions of the quality app.

The PMO (portfolio writers) runs reviews; the project's managers record safety and work
their corrective actions; the head of PM overrides closure; the SMO decides on hand-overs
addressed to it.
"""

import rules

from pmo.lib.visibility import has_role, through, user_is, value_in
from pmo.roles import Role
from pmo.rules import is_administrator, is_head_of_pm, is_portfolio_writer, is_project_manager, is_smo
from projects.rules import can_change_project, manages_project, project_visibility
from quality.models.closure import HandoverStatus

# Written once (pmo/lib/visibility.py): the permission below and the selectors' list filter.
# The SMO a hand-over is addressed to sees it from its submission on, even on a project it cannot open;
# while the PM drafts it, only those who see the project do.
handover_visibility = through("project", project_visibility) | (
    has_role(Role.SMO)
    & user_is("smo_owner")
    & value_in("status", [status for status in HandoverStatus.values if status != HandoverStatus.DRAFT])
)
# Corrective actions of visible projects, and those the user owns wherever they are.
corrective_action_visibility = through("project", project_visibility) | user_is("owner")


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
rules.add_perm("quality.view_handover", handover_visibility.predicate)
rules.add_perm("quality.view_correctiveaction", corrective_action_visibility.predicate)
rules.add_perm("quality.change_handover", can_change_handover_project)
rules.add_perm("quality.decide_handover", is_smo & addressed_to_user)
# Checklist templates.
rules.add_perm("quality.view_checklisttemplate", is_portfolio_writer | is_administrator)
rules.add_perm("quality.change_checklisttemplate", is_administrator | is_head_of_pm)
