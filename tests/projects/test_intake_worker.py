import pytest

from pmo.roles import Role
from projects import services
from projects.models import IntakeStatusChange
from tests.conftest import wait_until
from tests.factories import IntakeFactory, user_with_role


@pytest.mark.worker
def test_sales_is_notified_of_a_return_through_a_real_worker(celery_worker_process):
    intake = IntakeFactory(status="submitted", created_by=user_with_role(Role.SALES, preferred_language="nl"))

    services.intake_return(intake=intake, actor=user_with_role(Role.PM_SUPPORT), reason="Offerte ontbreekt")

    change = IntakeStatusChange.objects.get(intake=intake)
    assert wait_until(lambda: IntakeStatusChange.objects.get(pk=change.pk).notified_at) is not None
