"""A reason longer than the history's 100-character column is kept whole on the record and cut in the history.

Before, the intake decision and the phase change handed the whole text to django-simple-history, whose
`history_change_reason` column is varchar(100): the save failed with a database error (a 500 page) and the
decision was lost.
"""

import pytest

from pmo.roles import Role
from projects.models import Intake, IntakeStatus, Phase, PhaseChange, Project
from tests.factories import IntakeFactory, ProjectFactory, user_with_role

pytestmark = pytest.mark.django_db

LONG_REASON = "The customer has not yet confirmed the delivery site and the budget owner. " * 4


def test_it_returns_an_intake_with_a_reason_longer_than_the_history_column(client):
    intake = IntakeFactory(status=IntakeStatus.SUBMITTED)
    client.force_login(user_with_role(Role.PM_SUPPORT))

    response = client.post(f"/projects/intakes/{intake.pk}/return/", {"reason": LONG_REASON})

    assert response.status_code == 302
    intake = Intake.objects.get(pk=intake.pk)
    assert intake.status == IntakeStatus.RETURNED
    assert intake.status_reason == LONG_REASON.strip()
    assert intake.history.first().history_change_reason == LONG_REASON.strip()[:100]


def test_the_head_of_pm_overrides_a_gate_with_a_reason_longer_than_the_history_column(client):
    project = ProjectFactory(project_manager=None)
    client.force_login(user_with_role(Role.HEAD_OF_PM))

    response = client.post(
        f"/projects/{project.pk}/phase/",
        {"target_phase": Phase.PLANNING, "override": "on", "reason": LONG_REASON},
    )

    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).phase == Phase.PLANNING
    assert PhaseChange.objects.get(project=project).reason == LONG_REASON.strip()
    assert project.history.first().history_change_reason == LONG_REASON.strip()[:100]
