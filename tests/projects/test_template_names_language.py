"""Tasks and required documents a template creates are named in the project's (customer's) language."""

import pytest
from django.utils import translation

from pmo.roles import Role
from projects import services
from projects.models.intake import translated
from tests.factories import CustomerFactory, user_with_role
from tests.projects.test_intake_services import accepted_intake

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("customer_language", "reader_language"), [("fr", "nl"), ("nl", "fr"), ("fr", "en")])
def test_template_names_follow_the_customer_not_the_reader(customer_language, reader_language):
    intake, reviewer = accepted_intake(customer=CustomerFactory(language=customer_language))
    template = intake.template

    with translation.override(reader_language):
        project = services.project_create_from_intake(
            intake=intake,
            actor=reviewer,
            project_manager=user_with_role(Role.PROJECT_MANAGER),
            support_officer=reviewer,
        )

    expected_tasks = {
        line["wbs"]: translated(line["name"], customer_language) for line in template.provisional_plan
    }
    assert dict(project.tasks.values_list("wbs_code", "name")) == expected_tasks
    expected_titles = sorted(
        translated(line["title"], customer_language) for line in template.required_documents
    )
    assert sorted(project.required_documents.values_list("title", flat=True)) == expected_titles
    assert expected_tasks != {
        line["wbs"]: translated(line["name"], reader_language) for line in template.provisional_plan
    }
