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


def _options(text: str, name: str) -> str:
    """The <option>s of the select called `name` in a page."""
    start = text.index(f'<select name="{name}"')
    return text[start : text.index("</select>", start)]


def test_a_register_owner_filter_lists_the_chosen_owner_and_the_matches_only(client):
    from tests.factories import ProjectFactory, UserFactory

    project = ProjectFactory()
    UserFactory(display_name="Zed Farfetched")
    chosen = UserFactory(display_name="Olga Chosen")
    UserFactory(display_name="Olga Matching")
    client.force_login(user_with_role(Role.PM_SUPPORT))
    text = client.get(f"/projects/{project.pk}/actions/?owner={chosen.pk}&owner_search=olga").content.decode()
    owners = _options(text, "owner")
    assert "Olga Chosen" in owners and "Olga Matching" in owners and "Zed Farfetched" not in owners
    assert 'name="owner_search"' in text
    options = client.get("/options/people/?field=owner&owner_search=zed").content.decode()
    assert "Zed Farfetched" in options and "Olga" not in options


def test_the_order_list_supplier_filter_and_the_dashboards_search_their_choices(client):
    from tests.factories import SupplierFactory

    SupplierFactory(name="Alpha Cables")
    SupplierFactory(name="Beta Steel")
    CustomerFactory(name="Gamma Chosen")
    CustomerFactory(name="Delta Other")
    client.force_login(user_with_role(Role.FINANCE))
    page = client.get("/procurement/orders/?supplier_search=alpha").content.decode()
    suppliers = _options(page, "supplier")
    assert "Alpha Cables" in suppliers and "Beta Steel" not in suppliers
    for url in ("/reporting/finance/", "/reporting/portfolio/"):
        client.force_login(user_with_role(Role.HEAD_OF_PM if "portfolio" in url else Role.FINANCE))
        customers = _options(client.get(f"{url}?customer_search=gamma").content.decode(), "customer")
        assert "Gamma Chosen" in customers and "Delta Other" not in customers, url
