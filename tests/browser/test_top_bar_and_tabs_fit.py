"""The project tab bar and the top bar's search fit their room in the longest languages (issue 19).

At 1280 and 1366 the ten project tabs fit the page's width in Dutch and French (no sideways scroll of
their own, the document no wider than the window); on a phone they scroll in their own region, which
opens on the current tab and follows the keyboard. The search's placeholder is whole between xl and xxl,
where the search shrinks to leave the menus their room, and its label names what it searches.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from pmo.roles import Role
from tests.browser.conftest import browser_user, sign_in
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)

TAB_BAR = """() => { const bar = document.querySelector('.project-tabs');
  return {scroll: bar.scrollWidth, client: bar.clientWidth, tabs: bar.querySelectorAll('a.nav-link').length,
          document: document.documentElement.scrollWidth}; }"""

# Chromium's scrollWidth of an input does not count its placeholder: the placeholder's own width is
# measured with the input's font, against the input's content box.
SEARCH = """() => { const input = document.querySelector('.navbar-search input');
  const style = getComputedStyle(input);
  const context = document.createElement('canvas').getContext('2d');
  context.font = style.font;
  return {scroll: input.scrollWidth, client: input.clientWidth,
          placeholder: input.placeholder, label: input.getAttribute('aria-label'),
          text: Math.ceil(context.measureText(input.placeholder).width),
          room: input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
          document: document.documentElement.scrollWidth}; }"""


def _user(language: str):
    user = browser_user(Role.PM_SUPPORT, "pmo")
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_the_project_tabs_fit_the_page_at_1280_and_1366(page, live_server, language):
    _user(language)
    project = ProjectFactory()
    sign_in(page, "pmo")

    for width in (1280, 1366):
        page.set_viewport_size({"width": width, "height": 800})
        for path in (project.get_absolute_url(), reverse("projects:project-gantt", args=[project.pk])):
            page.goto(path)
            sizes = page.evaluate(TAB_BAR)
            assert sizes["tabs"] == 10, sizes
            assert sizes["scroll"] <= sizes["client"], (path, width, sizes)
            assert sizes["document"] <= width, (path, width, sizes)


def test_on_a_phone_the_project_tabs_scroll_in_their_own_region_from_the_current_tab(page, live_server):
    _user("nl")
    project = ProjectFactory()
    sign_in(page, "pmo")
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(reverse("quality:closure", args=[project.pk]))
    sizes = page.evaluate(TAB_BAR)
    assert sizes["scroll"] > sizes["client"] and sizes["document"] <= 390, sizes
    bar = page.locator(".project-tabs")
    active = bar.locator("a[aria-current=page]")
    with translation.override("nl"):
        assert active.inner_text().strip() == str(translation.gettext("Closure"))
    assert _inside(bar, active), "the bar opens on its first tabs, not on the current one"

    # The keyboard reaches every tab, and the region follows the focus.
    page.goto(project.get_absolute_url())
    assert page.evaluate("document.querySelector('.project-tabs').scrollLeft") == 0
    last = bar.locator("a.nav-link").last
    assert not _inside(bar, last)
    bar.locator("a.nav-link").first.focus()
    for _tab in range(9):
        page.keyboard.press("Tab")
    assert last.evaluate("link => link === document.activeElement")
    assert _inside(bar, last)


def _inside(bar, link) -> bool:
    outer, inner = bar.bounding_box(), link.bounding_box()
    return inner["x"] >= outer["x"] - 1 and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 1


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_the_search_placeholder_is_whole_from_xl_to_past_xxl(page, live_server, language):
    _user(language)
    project = ProjectFactory()
    sign_in(page, "pmo")

    for width in (1200, 1280, 1366, 1400):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(project.get_absolute_url())  # the widest top bar: a bold active menu
        search = page.evaluate(SEARCH)
        assert search["scroll"] <= search["client"], (width, search)
        assert search["text"] <= search["room"], (width, search)
        assert search["document"] <= width, (width, search)
    with translation.override(language):
        assert search["placeholder"] == translation.gettext("Search")
        assert search["label"] == translation.gettext("Search projects, customers")
