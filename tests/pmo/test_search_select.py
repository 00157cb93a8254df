"""The searchable filter selects: only the chosen option and the matches, with or without JavaScript."""

import pytest

from pmo.roles import Role
from tests.factories import CustomerFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_it_lists_only_the_matches_and_the_chosen_customer(client):
    chosen = CustomerFactory(name="Zeta Chosen")
    CustomerFactory(name="Alpha Match")
    CustomerFactory(name="Other One")
    client.force_login(user_with_role(Role.PM_SUPPORT))
    response = client.get(f"/options/customers/?field=customer&customer_search=match&customer={chosen.pk}")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Zeta Chosen" in text and "Alpha Match" in text and "Other One" not in text


def test_the_project_list_narrows_the_options_without_javascript(client):
    CustomerFactory(name="Alpha Match")
    CustomerFactory(name="Other One")
    client.force_login(user_with_role(Role.PM_SUPPORT))
    text = client.get("/projects/?customer_search=alpha").content.decode()
    assert "Alpha Match" in text and "Other One" not in text
    assert 'name="customer_search"' in text


def test_it_refuses_strangers_posts_and_unknown_sources(client):
    assert client.get("/options/customers/?field=customer").status_code == 302
    client.force_login(user_with_role(Role.PM_SUPPORT))
    assert client.post("/options/customers/?field=customer").status_code == 405
    assert client.get("/options/nothing/?field=customer").status_code == 404
