import pytest

from pmo.models import User
from pmo.roles import Role
from pmo.services import user_create
from tests.conftest import wait_until


@pytest.mark.worker
def test_it_sends_the_welcome_email_through_a_real_worker(celery_worker_process):
    user = user_create(
        username="newcomer", email="newcomer@example.com", display_name="New Comer", roles=[Role.FINANCE]
    )

    sent_at = wait_until(lambda: User.objects.get(pk=user.pk).welcome_email_sent_at)

    assert sent_at is not None
    assert list(User.objects.get(pk=user.pk).groups.values_list("name", flat=True)) == [Role.FINANCE]
