"""The engineering manager's over-allocated resource-weeks, summed and filtered by PostgreSQL (issue 19).

The card reads only the weeks past capacity, the first few of them, and how many there are; it no longer
loads every resource and every week to keep a handful.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from projects.choices import TaskStatus
from projects.selectors.plan import capacity_loads_sql, capacity_over_allocations
from tests.factories import AssignmentFactory, ResourceFactory, TaskFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 3, 1)  # ISO week 9


def _booked(resource, hours: str, *, monday: date = MONDAY, days: int = 5, **task):
    """Hours on a task of `days` working days from `monday`."""
    return AssignmentFactory(
        resource=resource,
        hours=Decimal(hours),
        task=TaskFactory(planned_start=monday, planned_end=monday + timedelta(days=days - 1), **task),
    )


def test_it_keeps_the_weeks_past_capacity_and_leaves_the_others():
    busy = ResourceFactory(name="Annelies Busy", weekly_capacity_hours=Decimal("20.0"))
    full = ResourceFactory(name="Bram Full", weekly_capacity_hours=Decimal("38.0"))
    _booked(busy, "30.0")  # 30 h in week 9 against 20: over
    _booked(busy, "10.0", monday=MONDAY + timedelta(weeks=1))  # week 10: under
    _booked(full, "38.0")  # exactly its capacity: not over

    rows, total = capacity_over_allocations(start=MONDAY + timedelta(days=2), weeks=6, limit=16)

    assert total == 1
    [over] = rows
    assert (over.resource, over.week, over.load, over.capacity) == (
        busy,
        MONDAY,
        Decimal("30.0"),
        Decimal("20.0"),
    )
    assert (over.iso_week, over.percent) == ("2027-W09", 150)


def test_it_spreads_a_task_over_its_working_days_and_leaves_out_cancelled_tasks_and_inactive_people():
    split = ResourceFactory(name="Split", weekly_capacity_hours=Decimal("25.0"))
    # 50 h from a Wednesday to the next Tuesday, five working days: 30 h in week 9 (over), 20 h in week 10.
    _booked(split, "50.0", monday=MONDAY + timedelta(days=2), days=7)
    _booked(ResourceFactory(name="Gone", is_active=False, weekly_capacity_hours=Decimal("1.0")), "40.0")
    _booked(ResourceFactory(name="Cancelled"), "99.0", status=TaskStatus.CANCELLED)

    rows, total = capacity_over_allocations(start=MONDAY, weeks=6, limit=16)

    assert total == 1
    assert [(over.resource.name, over.week, over.load) for over in rows] == [
        ("Split", MONDAY, Decimal("30.0"))
    ]
    # The same loads as the capacity page's.
    loads = capacity_loads_sql(resource_ids=[split.pk], start=MONDAY, end=MONDAY + timedelta(weeks=6))
    assert (loads[(split.pk, MONDAY)], loads[(split.pk, MONDAY + timedelta(weeks=1))]) == (
        Decimal("30.0"),
        Decimal("20.0"),
    )


def test_it_shows_the_first_weeks_by_week_then_name_and_counts_them_all():
    for name in ("Cas", "Anna", "Bert"):
        resource = ResourceFactory(name=name, weekly_capacity_hours=Decimal("10.0"))
        _booked(resource, "20.0")
        _booked(resource, "20.0", monday=MONDAY + timedelta(weeks=1))

    rows, total = capacity_over_allocations(start=MONDAY, weeks=6, limit=4)

    assert total == 6
    assert [(over.week, over.resource.name) for over in rows] == [
        (MONDAY, "Anna"),
        (MONDAY, "Bert"),
        (MONDAY, "Cas"),
        (MONDAY + timedelta(weeks=1), "Anna"),
    ]


def _people(count: int) -> None:
    for _number in range(count):
        _booked(ResourceFactory(weekly_capacity_hours=Decimal("10.0")), "30.0")
        _booked(ResourceFactory(weekly_capacity_hours=Decimal("40.0")), "10.0")


@pytest.mark.parametrize("count", [2, 40])
def test_it_runs_the_same_queries_whatever_the_number_of_people(django_assert_num_queries, count):
    _people(count)

    # The jit setting, the sums, the resources shown (and the savepoint pair of the transaction).
    with django_assert_num_queries(5):
        rows, total = capacity_over_allocations(start=MONDAY, weeks=6, limit=16)

    assert total == count and len(rows) == min(count, 16)
