"""The minutes go out through a real Celery worker on Redis: the job row is claimed once, every attendee is
served once, and a second delivery of the same task sends nothing."""

from datetime import datetime
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone

from pmo.models import Notification
from pmo.roles import Role
from projects import tasks
from projects.models import MeetingType, MinutesDistribution, Phase
from projects.services import meetings as services
from tests.conftest import wait_until
from tests.factories import CustomerContactFactory, ProjectFactory, user_with_role


@pytest.mark.worker
def test_the_closed_minutes_are_sent_once_by_a_real_worker(celery_worker_process):
    import_module("projects.migrations.0006_registers_defaults").create_defaults(apps, None)
    import_module("projects.migrations.0010_meeting_types").install(apps, None)
    project = ProjectFactory(phase=Phase.EXECUTION)
    contact = CustomerContactFactory(customer=project.customer, language="fr")
    meeting = services.meeting_create(
        project=project,
        actor=project.project_manager,
        meeting_type=MeetingType.objects.get(code="steering-committee"),
        title="Stuurgroep",
        starts_at=timezone.make_aware(datetime(2026, 12, 14, 14, 0)),
        duration_minutes=60,
        language="nl",
        users=[project.project_manager],
        contacts=[contact],
    )
    meeting = services.meeting_hold(meeting=meeting, actor=project.project_manager)
    services.meeting_minutes_close(meeting=meeting, actor=user_with_role(Role.PM_SUPPORT))
    distribution = MinutesDistribution.objects.get(meeting=meeting)

    done = wait_until(lambda: MinutesDistribution.objects.filter(pk=distribution.pk, status="done").first())
    assert done is not None and done.sent_count == 2
    assert done.claimed_by.startswith(celery_worker_process.args[-1].split("@")[0])
    sent_at = sorted(meeting.attendees.values_list("minutes_sent_at", flat=True))

    # A duplicate delivery (a redelivered message after a lost ack) finds the job done and sends nothing.
    tasks.meeting_minutes_distribute_task.delay(distribution.pk).get(timeout=30)
    assert sorted(meeting.attendees.values_list("minutes_sent_at", flat=True)) == sent_at
    assert Notification.objects.filter(event="meeting_minutes").count() == 1
