"""The home page's sections for each role; the apps register theirs (pmo imports no app).

A section is one card of the home: the roles it is for, the template partial that draws it, and a
loader that reads what it shows through selectors in a fixed number of queries, whatever the data size.
Apps register their sections in their `AppConfig.ready` (reporting/home.py), like the navigation.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone


@dataclass(frozen=True)
class HomeSection:
    key: str  # the card's id in the page
    roles: frozenset[str]
    template: str  # a partial, "reporting/home_sections.html#smo-waiting"
    load: Callable[..., dict[str, Any]]  # load(user=..., today=...) -> the partial's context


@dataclass(frozen=True)
class LoadedSection:
    key: str
    template: str
    context: dict[str, Any]


HOME_SECTIONS: list[HomeSection] = []


def home_section_register(section: HomeSection) -> None:
    """Add a section to the home (again under the same key: replaced, so a reload registers once)."""
    HOME_SECTIONS[:] = [known for known in HOME_SECTIONS if known.key != section.key]
    HOME_SECTIONS.append(section)


def home_sections_for(*, user, today: date | None = None) -> list[LoadedSection]:
    """The sections of the user's roles, in registration order, each with what it shows."""
    today = today or timezone.localdate()
    return [
        LoadedSection(section.key, section.template, section.load(user=user, today=today))
        for section in HOME_SECTIONS
        if section.roles & user.roles
    ]
