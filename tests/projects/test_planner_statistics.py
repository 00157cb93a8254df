"""PostgreSQL keeps a value for every person in the project's people columns (projects/0017, issue 14).

With the default 100 most common values, anyone outside them was guessed at 200 of 20,000 projects at
scale XL, and the home's "my projects" walked the whole code index for the head of PM, who has none.
"""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_the_people_columns_of_a_project_keep_statistics_for_a_thousand_people():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstattarget FROM pg_attribute"
            " WHERE attrelid = 'projects_project'::regclass AND attname LIKE %s",
            ["%_id"],
        )
        targets = dict(cursor.fetchall())
    assert {
        name: targets[name] for name in ("project_manager_id", "support_officer_id", "account_manager_id")
    } == {
        "project_manager_id": 1000,
        "support_officer_id": 1000,
        "account_manager_id": 1000,
    }
    assert targets["customer_id"] in (-1, None)  # the others keep the default
