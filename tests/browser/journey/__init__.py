"""The whole life of a project, done through the pages by the role that does each step.

`test_project_journey.py` composes the steps (one module per part of the product, `steps_<part>.py`),
once with every user in Dutch and once in French. A step receives the `Journey`, acts only through
links and forms a person sees, asserts what the page shows and what the database holds, and leaves
what later steps need in `journey.state` (codes and primary keys, never model instances).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pmo.roles import Role
from tests.browser.conftest import browser_user, sign_in
from tests.browser.screens import save_screenshot


@dataclass
class Journey:
    browser: Any
    base_url: str
    language: str  # "nl" or "fr": every user of the journey works in it
    users: dict[str, Any] = field(default_factory=dict)  # role -> User
    state: dict[str, Any] = field(default_factory=dict)
    _pages: dict[str, Any] = field(default_factory=dict)
    console_errors: list[str] = field(default_factory=list)

    def user(self, role: str):
        if role not in self.users:
            self.users[role] = browser_user(role, f"{role}-{self.language}")
            self.users[role].preferred_language = self.language
            self.users[role].first_name = role.replace("_", " ").title()
            self.users[role].save(update_fields=["preferred_language", "first_name"])
        return self.users[role]

    def as_(self, role: str):
        """The signed-in page of the user holding `role` (one browser context per role)."""
        if role not in self._pages:
            user = self.user(role)
            locale = {"nl": "nl-BE", "fr": "fr-BE"}.get(self.language, "en-GB")
            context = self.browser.new_context(base_url=self.base_url, locale=locale)
            page = context.new_page()
            page.on("pageerror", lambda error: self.console_errors.append(str(error)))
            page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm questions
            sign_in(page, user.username)
            self._pages[role] = page
        return self._pages[role]

    def anonymous(self):
        """A page with no signed-in user (a customer answering the satisfaction survey)."""
        context = self.browser.new_context(base_url=self.base_url)
        return context.new_page()

    def t(self, message: str, **params) -> str:
        """`message` as the catalog translates it into the journey's language (what the page shows)."""
        from django.utils import translation

        with translation.override(self.language):
            text = translation.gettext(message)
        return text % params if params else text

    def shot(self, page, name: str) -> None:
        """Keep a screenshot of what the user saw (SCREENSHOTS=dir, default /tmp/journey)."""
        import os

        folder = Path(os.environ.get("SCREENSHOTS", "/tmp/journey"))
        folder.mkdir(parents=True, exist_ok=True)
        save_screenshot(
            page,
            str(folder / f"{self.language}-{len(list(folder.glob('*.png'))):02d}-{name}.png"),
            full_page=False,
        )

    def close(self) -> None:
        for page in self._pages.values():
            page.context.close()
        self._pages.clear()


ROLES = Role


def _open_menu_of(link) -> bool:
    """A top-bar link sits in a closed menu: open the menu the way a person does, by its button."""
    toggle = link.locator("xpath=ancestor::*[contains(concat(' ', @class, ' '), ' dropdown ')][1]/button")
    if toggle.count() and toggle.first.is_visible():
        toggle.first.click()
        link.wait_for(state="visible")
        return True
    return False


def nav_click(page, selector: str) -> None:
    """Click a link, opening its top-bar menu first when it is inside one."""
    link = page.locator(selector).first
    if not link.is_visible():
        _open_menu_of(link)
    link.click()
    page.wait_for_load_state()


def follow(page, href_pattern: str) -> None:
    """Click the first visible link whose address matches `href_pattern` (a regular expression), opening
    the top-bar menu that holds it when it is only there."""
    links = page.locator("a[href]")
    hidden = []
    for index in range(links.count()):
        link = links.nth(index)
        if re.search(href_pattern, link.get_attribute("href") or ""):
            if link.is_visible():
                link.click()
                page.wait_for_load_state()
                return
            hidden.append(link)
    for link in hidden:
        if _open_menu_of(link):
            link.click()
            page.wait_for_load_state()
            return
    raise AssertionError(f"no visible link to {href_pattern} on {page.url}")


def open_phase_page(page, project) -> None:
    """To the phase and gates page: from the project's cockpit, where it lives (the overview tab)."""
    if not re.search(rf"/projects/{project.pk}/$", page.url):
        follow(page, rf"/projects/{project.pk}/$")
    follow(page, rf"/projects/{project.pk}/phase/$")


def submit(page, button) -> None:
    """Click a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(button).first.click() if isinstance(button, str) else button.click()
    page.wait_for_load_state()


# A minimal valid PDF: uploads check a file's type by its content.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def open_project(journey: Journey, page):
    """From the home page to the journey's project, by its link in the project list."""
    from projects.models import Project

    project = Project.objects.get(pk=journey.state["project"])
    page.goto("/")
    follow(page, r"^/projects/$")
    follow(page, rf"^/projects/{project.pk}/$")
    return project


def upload_document(page, *, category: str, title: str, phase: str = "") -> None:
    """Attach a PDF through the upload form of the page the user is on."""
    form = page.locator("form[action$='/documents/upload/']").first
    form.locator("select[name=category]").select_option(category)
    form.locator("input[name=title]").fill(title)
    if phase and form.locator("select[name=phase]").count():
        form.locator("select[name=phase]").select_option(phase)
    form.locator("input[name=file]").set_input_files(
        files=[{"name": f"{category}.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    submit(page, form.locator("button[type=submit]"))
    assert title in page.inner_text("main"), messages_text(page)


def messages_text(page) -> str:
    return " ".join(page.locator(".alert").all_inner_texts())
