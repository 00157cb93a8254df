"""Project codes are allocated without gaps or duplicates, also under concurrency."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from pmo.roles import Role
from projects.models import Project
from projects.services import project_create
from tests.factories import CustomerFactory, user_with_role


@pytest.mark.django_db(transaction=True)
def test_parallel_creations_get_consecutive_codes_without_duplicates(postgres_only):
    customer = CustomerFactory()
    actor = user_with_role(Role.PM_SUPPORT)
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def create(number: int) -> None:
        try:
            start.wait()
            project_create(
                actor=actor,
                name=f"Parallel {number}",
                customer=customer,
                budget=Decimal("1000.00"),
                contract_value=Decimal("1200.00"),
            )
        except BaseException as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=create, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in Project.objects.values_list("code", flat=True))
    assert numbers == list(range(1, 9))


@pytest.mark.django_db
def test_a_failed_creation_does_not_use_up_a_code():
    customer = CustomerFactory()
    actor = user_with_role(Role.PM_SUPPORT)
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do; what matters is the next code
        project_create(
            actor=actor, name="x" * 500, customer=customer, budget=Decimal("1"), contract_value=Decimal("1")
        )

    project = project_create(
        actor=actor, name="Next", customer=customer, budget=Decimal("1"), contract_value=Decimal("1")
    )

    assert project.code.endswith("-0001")
