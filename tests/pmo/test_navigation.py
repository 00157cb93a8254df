"""The top bar: at most seven menus for any role, entries grouped by `group=`, the active link marked."""

import pytest

from pmo import navigation
from pmo.navigation import MAX_TOP_LEVEL, NavEntry, navigation_menus
from pmo.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", Role.values)
def test_it_shows_each_role_at_most_seven_top_level_items(role):
    menus = navigation_menus(user_with_role(role))

    assert 0 < len(menus) <= MAX_TOP_LEVEL
    assert all(entry.group for entry in navigation.NAVIGATION), "every entry names its menu with group="


def test_it_groups_entries_into_menus_in_the_order_of_the_groups():
    menus = navigation_menus(user_with_role(Role.HEAD_OF_PM))

    assert [item.key for item in menus] == [
        "projects",
        "sales",
        "procurement",
        "registers",
        "quality",
        "reporting",
    ]
    procurement = next(item for item in menus if item.key == "procurement")
    assert procurement.is_menu
    urls = [link.url for link in procurement.links]
    assert urls[:2] == ["/procurement/orders/", "/procurement/portfolio/"]
    assert "/procurement/requisitions/" in urls and "/procurement/rfqs/" in urls


def test_a_menu_with_one_entry_for_the_role_is_a_plain_link(client):
    client.force_login(user_with_role(Role.SMO))

    page = client.get("/").text

    # The SMO sees one entry of "Quality and safety": the hand-overs, as a link of the top bar.
    assert '<li class="nav-item"><a class="nav-link" href="/quality/handovers/">' in page


def test_a_new_entry_only_needs_a_group(monkeypatch):
    entry = NavEntry("Timesheets", "projects:capacity", "clock", frozenset({Role.FINANCE}), group="projects")
    monkeypatch.setattr(navigation, "NAVIGATION", [*navigation.NAVIGATION, entry])

    menus = navigation_menus(user_with_role(Role.FINANCE))

    projects = next(item for item in menus if item.key == "projects")
    labels = [link.label for link in projects.links]
    assert labels[0] == "Projects" and labels[-1] == "Timesheets"


def test_people_without_a_role_reach_their_timesheet_and_requisitions():
    from pmo.models import User

    technician = User.objects.create_user("tech-nav", password="x")

    links = [link.url for item in navigation_menus(technician) for link in item.links]

    assert links == ["/projects/timesheets/", "/procurement/requisitions/"]


def test_the_longest_matching_link_is_active():
    menus = navigation_menus(user_with_role(Role.PM_SUPPORT), "/projects/customers/4/")

    active = [link.label for item in menus for link in item.links if link.is_active]
    assert active == ["Customers"]
    assert [item.key for item in menus if item.is_active] == ["sales"]


def test_the_page_has_a_skip_link_and_menus_outside_the_collapsed_part(client):
    client.force_login(user_with_role(Role.PM_SUPPORT))

    page = client.get("/projects/").text

    assert page.index('class="skip-link') < page.index("<nav")
    assert '<main id="main"' in page
    tools = page.index('class="navbar-tools')
    assert tools < page.index('id="main-nav"'), "language and user menus stay visible when the bar collapses"
    assert 'aria-current="page"' in page


@pytest.mark.parametrize("role", Role.values)
def test_every_role_opens_every_page_its_top_bar_offers(client, role):
    # An entry is shown only to roles that may open it (issue 19: the SMO met a 403 behind Dashboards).
    user = user_with_role(role)
    client.force_login(user)

    refused = [
        (link.url, response.status_code)
        for item in navigation_menus(user)
        for link in item.links
        if (response := client.get(link.url, secure=True, follow=True)).status_code != 200
    ]

    assert refused == []


def test_the_links_follow_the_prefix_the_site_is_served_under():
    from django.urls import get_script_prefix, set_script_prefix

    user = user_with_role(Role.HEAD_OF_PM)
    plain = [link.url for item in navigation_menus(user) for link in item.links]
    before = get_script_prefix()
    set_script_prefix("/pmo/")
    try:
        prefixed = [link.url for item in navigation_menus(user) for link in item.links]
    finally:
        set_script_prefix(before)
    assert prefixed == [f"/pmo{url}" for url in plain] and plain[0].startswith("/projects/")
    assert [link.url for item in navigation_menus(user) for link in item.links] == plain
