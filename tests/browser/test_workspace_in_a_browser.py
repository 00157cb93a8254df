"""Every page each role reaches from the top bar, in en, fr and nl, on a laptop and a phone.

For each demo role: the pages of its top bar and, one click further, the first page of each kind they
link to (a project, an order, its form...). Each page must fit the viewport (the document no wider than
the window) and pass axe-core (vendored in tests/browser/assets) with no critical or serious WCAG 2.1 A/AA
violation, and raise no console error (a CSP violation among them).
"""

import io
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pmo.models import User
from pmo.seed import DEMO_USERS
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

AXE_SOURCE = (Path(__file__).parent / "assets" / "axe-core" / "axe.min.js").read_text()
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
VIEWPORTS = [(1280, 800), (390, 844)]
# Not pages of ours (Django's admin), or not pages at all (downloads, sign-out).
SKIPPED = re.compile(
    r"^/(admin|accounts/logout|static|media)/|\.(csv|xlsx|pdf|ics|xml|zip)$|/(export|download)"
)


@pytest.fixture
def demo_data(transactional_db):
    """The demo of `seed_demo --scale S` (which installs the roles and defaults the migrations create)."""
    from pmo.seeding import run_seed

    run_seed(scale="S", stdout=io.StringIO())


def _kind(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _links(page, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "links => links.map(link => link.getAttribute('href'))")
    paths = []
    for href in hrefs:
        parts = urlsplit(href or "")
        if parts.scheme or parts.netloc or parts.query or not parts.path.startswith("/"):
            continue
        if not SKIPPED.search(parts.path) and parts.path not in paths:
            paths.append(parts.path)
    return paths


def _pages_of(page) -> list[str]:
    """The top bar's pages, then one page of each kind those pages link to from their content."""
    page.goto("/")
    top = ["/", *_links(page, "#main-nav a[href]")]
    kinds, pages = set(), []
    for path in top:
        kinds.add(_kind(path))
        pages.append(path)
    for path in top:
        page.goto(path)
        for link in _links(page, "main a[href]"):
            if _kind(link) not in kinds:
                kinds.add(_kind(link))
                pages.append(link)
    return pages


def _check(page, path: str, width: int, problems: list[str], impacts: Counter) -> None:
    response = page.goto(path)
    if response is None or "text/html" not in response.headers.get("content-type", ""):
        return
    if response.status >= 400:
        problems.append(f"{path} @{width}: HTTP {response.status}")
        return
    page.wait_for_load_state("load")
    document_width = page.evaluate("document.documentElement.scrollWidth")
    if document_width > width:
        problems.append(f"{path} @{width}: the document is {document_width} px wide")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    violations = page.evaluate(
        """async (options) => (await axe.run(document, options)).violations.map(
            v => ({id: v.id, impact: v.impact, targets: v.nodes.map(n => n.target.join(' ')).slice(0, 3),
                   count: v.nodes.length}))""",
        AXE_OPTIONS,
    )
    for violation in violations:
        impacts[violation["impact"]] += violation["count"]
        if violation["impact"] in ("critical", "serious"):
            problems.append(
                f"{path} @{width}: axe {violation['id']} x{violation['count']} {violation['targets']}"
            )


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_every_page_a_role_reaches_fits_the_screen_and_passes_axe(browser, live_server, demo_data, language):
    User.objects.update(preferred_language=language)
    problems: list[str] = []
    for username, _name, role, _language, _department in DEMO_USERS:
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
        page = context.new_page()
        errors: list[str] = []
        page.on(
            "console", lambda message, errors=errors: message.type == "error" and errors.append(message.text)
        )
        sign_in(page, username)
        pages = _pages_of(page)
        impacts: Counter = Counter()
        role_problems: list[str] = []
        for width, height in VIEWPORTS:
            page.set_viewport_size({"width": width, "height": height})
            for path in pages:
                _check(page, path, width, role_problems, impacts)
        role_problems += [f"console: {error}" for error in dict.fromkeys(errors)]
        print(f"{language} {role}: {len(pages)} pages x {len(VIEWPORTS)} sizes, axe {dict(impacts)}")
        problems += [f"{role} {language} {problem}" for problem in role_problems]
        context.close()
    assert len(problems) == 0, "\n".join(problems)


def test_the_check_fails_on_an_unlabelled_field_and_on_a_page_wider_than_the_screen(page, live_server):
    from tests.browser.conftest import browser_user

    browser_user("pm_support", "pmo")
    sign_in(page, "pmo")
    page.set_viewport_size({"width": 390, "height": 844})
    problems: list[str] = []
    page.goto("/")
    _check(page, "/", 390, problems, Counter())
    assert problems == []

    # The same check after the page grows a field without a label and a row wider than the phone.
    page.route("**/", lambda route: route.fulfill(response=route.fetch(), body=_broken(route.fetch().text())))
    _check(page, "/", 390, problems, Counter())
    assert any("axe label" in problem for problem in problems), problems
    assert any("the document is" in problem for problem in problems), problems


def _broken(html: str) -> str:
    return html.replace(
        '<main id="main"',
        '<div class="d-flex"><input type="text"><span>' + "x" * 200 + '</span></div><main id="main"',
    )
