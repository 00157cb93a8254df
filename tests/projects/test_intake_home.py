"""The home page tells sales where their intakes stand and shows the PMO what waits for review."""

import pytest
from django.test import Client

from pmo.roles import Role
from projects import services
from tests.factories import IntakeFactory, user_with_role
from tests.projects.test_intake_services import attach_required

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_sales_see_their_intakes_by_state_with_the_pmo_s_latest_reason(django_assert_max_num_queries):
    seller = user_with_role(Role.SALES)
    reviewer = user_with_role(Role.PM_SUPPORT)
    returned = IntakeFactory(created_by=seller, title="Campus wifi")
    attach_required(returned)
    services.intake_submit(intake=returned, actor=seller)
    services.intake_return(intake=returned, actor=reviewer, reason="Add the site survey for building C")
    IntakeFactory(created_by=seller, title="Draft datacenter")
    someone_elses = IntakeFactory(title="Not mine")
    client = _client(seller)

    with django_assert_max_num_queries(25):
        page = client.get("/")

    assert 'id="my-intakes"' in page.text
    assert "Campus wifi" in page.text and "Draft datacenter" in page.text
    assert "Add the site survey for building C" in page.text
    assert someone_elses.title not in page.text
    labels = [label for label, _intakes in page.context["my_intakes"]]
    assert labels[:2] == ["Returned", "Draft"]


def test_the_pmo_home_lists_the_intakes_waiting_for_review():
    reviewer = user_with_role(Role.PM_SUPPORT)
    waiting = IntakeFactory(title="Waiting for the PMO")
    attach_required(waiting)
    services.intake_submit(intake=waiting, actor=waiting.created_by)
    IntakeFactory(title="Still a draft")

    page = _client(reviewer).get("/")

    assert 'id="intakes-to-review"' in page.text and "Waiting for the PMO" in page.text
    assert "Still a draft" not in page.text
    assert "my_intakes" not in page.context
