import pytest

from pmo.roles import Role
from quality.models import ChecklistItem, ChecklistKind, ChecklistTemplate
from quality.services.checklists import checklist_defaults_install, checklist_template_new_version
from tests.factories import ReviewFactory, checklist_template, user_with_role

pytestmark = pytest.mark.django_db

# The current (version 2) templates of issue 18; version 1 stays installed for the reviews run on it.
SHIPPED_ITEMS = {
    ChecklistKind.QUALITY_REVIEW: 32,
    ChecklistKind.SECURITY_REVIEW: 69,
    ChecklistKind.LMRA: 10,
    ChecklistKind.TOOLBOX: 7,
    ChecklistKind.WORKPLACE_INSPECTION: 12,
    ChecklistKind.CLOSURE: 9,
    ChecklistKind.HANDOVER: 16,
}


def test_every_kind_ships_a_template_with_its_items_in_three_languages():
    for kind, count in SHIPPED_ITEMS.items():
        template = checklist_template(kind)
        items = ChecklistItem.objects.filter(section__template=template)
        assert items.count() == count, kind
        assert all(item.question_en and item.question_fr and item.question_nl for item in items)
        assert all(item.reference for item in items)
        assert template.name_fr != template.name_en


def test_installing_the_defaults_twice_creates_nothing_new():
    before = ChecklistTemplate.objects.count()

    assert checklist_defaults_install() == 0
    assert ChecklistTemplate.objects.count() == before


def test_the_question_follows_the_active_language(settings):
    from django.utils import translation

    item = ChecklistItem.objects.filter(section__template=checklist_template(), reference="8.6").get()
    with translation.override("nl"):
        dutch = item.question
    with translation.override("fr"):
        french = item.question

    assert dutch.startswith("Gebeurt de vrijgave")
    assert french.startswith("La libération")


def test_a_new_version_copies_the_items_retires_the_old_one_and_old_reviews_keep_theirs():
    admin = user_with_role(Role.ADMINISTRATOR)
    old = checklist_template()
    review = ReviewFactory(template=old)

    new = checklist_template_new_version(template=old, actor=admin)

    old.refresh_from_db()
    assert new.version == old.version + 1 and new.is_active and not old.is_active
    assert ChecklistItem.objects.filter(section__template=new).count() == 32
    assert review.answers.first().item.section.template_id == old.pk


def test_the_template_pages_are_for_the_pmo_and_the_new_version_for_administrators(client):
    template = checklist_template()
    client.force_login(user_with_role(Role.PM_SUPPORT))
    assert client.get("/quality/templates/").status_code == 200
    assert "Project quality review (ISO 9001)" in client.get(f"/quality/templates/{template.pk}/").text
    assert client.post(f"/quality/templates/{template.pk}/new-version/").status_code == 403

    client.force_login(user_with_role(Role.SALES))
    assert client.get("/quality/templates/").status_code == 403

    client.force_login(user_with_role(Role.ADMINISTRATOR))
    assert client.get(f"/quality/templates/{template.pk}/new-version/").status_code == 405
    response = client.post(f"/quality/templates/{template.pk}/new-version/")
    assert response.status_code == 302
    assert ChecklistTemplate.objects.filter(code=template.code).count() == 3  # v1, v2 shipped, v3 new
