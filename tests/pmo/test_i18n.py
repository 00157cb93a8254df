from datetime import date
from decimal import Decimal

import polib
import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from pmo.models import User
from pmo.roles import Role
from tests.factories import ProjectFactory


def test_it_switches_language_and_remembers_it_on_the_profile(client, role_user):
    user = role_user(Role.PM_SUPPORT, preferred_language="en")
    client.force_login(user)

    response = client.post("/language/", {"language": "fr", "next": "/projects/"})

    assert response.status_code == 302
    assert response["Location"] == "/projects/"
    assert User.objects.get(pk=user.pk).preferred_language == "fr"
    page = client.get("/projects/")
    assert page["Content-Language"] == "fr"
    assert "Projets" in page.text


def test_it_speaks_dutch_to_a_user_who_chose_dutch(client, role_user):
    client.force_login(role_user(Role.PM_SUPPORT, preferred_language="nl"))

    page = client.get("/projects/customers/")

    assert "Klanten" in page.text


def test_it_refuses_a_get_on_the_language_switch(client, role_user):
    user = role_user(Role.SALES, preferred_language="en")
    client.force_login(user)

    assert client.get("/language/", {"language": "fr"}).status_code == 405
    assert User.objects.get(pk=user.pk).preferred_language == "en"


def test_it_ignores_an_unknown_language(client, role_user):
    user = role_user(Role.SALES, preferred_language="en")
    client.force_login(user)

    client.post("/language/", {"language": "de"})

    assert User.objects.get(pk=user.pk).preferred_language == "en"


def test_it_does_not_redirect_to_another_site(client):
    response = client.post("/language/", {"language": "nl", "next": "https://evil.example/"})

    assert response["Location"] == "/"


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_it_formats_dates_and_money_the_belgian_way(language):
    template = Template("{% load pmo_tags %}{{ day|date:'SHORT_DATE_FORMAT' }} {{ amount|money }}")

    with translation.override(language):
        rendered = template.render(Context({"day": date(2026, 12, 31), "amount": Decimal("1234.56")}))

    assert rendered == "31/12/2026 1.234,56\u00a0€"


@pytest.mark.django_db
def test_it_shows_a_project_budget_in_belgian_format(client, role_user):
    project = ProjectFactory(budget=Decimal("1234567.80"))
    client.force_login(role_user(Role.HEAD_OF_PM, preferred_language="fr"))

    page = client.get(project.get_absolute_url())

    assert "1.234.567,80\u00a0€" in page.text


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_every_catalog_entry_is_translated_and_compiled(language):
    directory = settings.BASE_DIR / "locale" / language / "LC_MESSAGES"
    catalog = polib.pofile(str(directory / "django.po"))
    untranslated = [entry.msgid for entry in catalog.untranslated_entries() + catalog.fuzzy_entries()]
    assert untranslated == []
    compiled = {entry.msgid: entry.msgstr for entry in polib.mofile(str(directory / "django.mo"))}
    stale = [
        entry.msgid
        for entry in catalog.translated_entries()
        if not entry.msgid_plural and compiled.get(entry.msgid) != entry.msgstr
    ]
    assert stale == [], "run `make messages` to compile the catalogs"
