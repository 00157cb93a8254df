"""The project page links to the project's money for those who may see it, and only for them."""

import pytest
from django.urls import reverse

from pmo.roles import Role
from tests.factories import ProjectFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_finance_finds_the_budget_and_orders_of_a_project_from_its_page(client):
    project = ProjectFactory()
    client.force_login(user_with_role(Role.FINANCE))

    response = client.get(project.get_absolute_url())

    assert response.status_code == 200
    assert reverse("procurement:project-pnl", args=[project.pk]) in response.content.decode()


def test_sales_sees_the_project_they_sold_without_its_money(client):
    seller = user_with_role(Role.SALES)
    project = ProjectFactory(account_manager=seller)
    client.force_login(seller)

    response = client.get(project.get_absolute_url())

    assert response.status_code == 200
    assert reverse("procurement:project-pnl", args=[project.pk]) not in response.content.decode()
    assert client.get(reverse("procurement:project-pnl", args=[project.pk])).status_code == 403
