"""The intake form in sections, with what the chosen project type needs before submission marked."""

import re

import pytest

from pmo.roles import Role
from projects.models import Intake, IntakeStatus
from tests.factories import IntakeFactory, intake_template, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(client):
    client.force_login(user_with_role(Role.SALES, preferred_language="fr"))
    return client


def _marked(html: str) -> set[str]:
    """The fields whose "needed to submit" badge is shown (not hidden)."""
    return set(
        re.findall(
            r'data-intake-field="(\w+)">\s*<span class="badge text-bg-info float-end template-required">',
            html,
        )
    )


def test_the_form_comes_in_six_sections_in_french(sales):
    html = sales.get("/projects/intakes/create/").content.decode()
    legends = re.findall(r'<legend class="card-header h6 mb-0">([^<]+)</legend>', html)
    assert legends == ["Client", "Commercial", "Périmètre et site", "Dates", "Contacts", "Pièces jointes"]
    assert _marked(html) == set()  # no project type chosen yet


def test_the_chosen_project_types_required_fields_are_marked_before_the_first_save(sales):
    template = intake_template()
    html = sales.get(f"/projects/intakes/create/?template={template.pk}").content.decode()
    assert _marked(html) == set(template.required_fields)
    assert "nécessaire pour soumettre" in html
    assert 'id="intake-requirements" type="application/json"' in html  # the script re-marks on change
    assert "/static/js/intake_form.js" in html


def test_the_marks_do_not_stop_a_draft_from_being_saved(sales):
    template = intake_template()
    response = sales.post(
        "/projects/intakes/create/",
        {"template": template.pk, "title": "Campus Wi-Fi", "sold_value": "0", "cost_estimate": "0"},
    )
    intake = Intake.objects.get()
    assert response.status_code == 302 and intake.status == IntakeStatus.DRAFT and intake.customer is None


def test_editing_marks_the_intakes_own_project_type(sales):
    intake = IntakeFactory(created_by=user_with_role(Role.SALES))
    sales.force_login(intake.created_by)
    html = sales.get(f"/projects/intakes/{intake.pk}/update/").content.decode()
    assert _marked(html) == set(intake.template.required_fields)
