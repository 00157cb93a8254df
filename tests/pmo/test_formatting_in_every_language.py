"""What a French or Dutch reader sees: history in labels, amounts in messages, Django's own strings."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from pmo.lib.audit import audited_save
from pmo.roles import Role
from pmo.selectors import history_for
from procurement import services as procurement_services
from projects import services
from projects.models import Phase, TaskStatus
from tests.factories import BudgetLineFactory, ProjectFactory, TaskFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_the_history_panel_shows_labels_linked_names_and_local_formats(client):
    reader = user_with_role(Role.HEAD_OF_PM, preferred_language="nl")
    project = ProjectFactory(budget=Decimal("100000.00"), end_date=date(2027, 6, 30))
    successor = user_with_role(Role.PROJECT_MANAGER, display_name="Griet Peeters")
    services.project_update(
        project=project,
        actor=reader,
        budget=Decimal("1234567.80"),
        project_manager=successor,
        end_date=date(2027, 9, 15),
    )
    client.force_login(reader)

    page = client.get(project.get_absolute_url()).text

    assert "Gewijzigd" in page and ">Changed<" not in page
    assert "100.000,00\u00a0€ → 1.234.567,80\u00a0€" in page
    assert "30/06/2027 → 15/09/2027" in page
    assert "→ Griet Peeters" in page
    assert f"→ {successor.pk}<" not in page


def test_history_shows_status_labels_not_codes():
    task = TaskFactory()
    task.status = TaskStatus.IN_PROGRESS
    audited_save(task, actor=task.project.project_manager)
    project = task.project
    project.phase = Phase.PLANNING
    audited_save(project, actor=project.project_manager, update_fields=["phase"])

    with translation.override("fr"):
        task_changes = history_for(obj=task)[0].changes
        phase_changes = history_for(obj=project)[0].changes

        expected_status = (str(TaskStatus.NOT_STARTED.label), str(TaskStatus.IN_PROGRESS.label))
        expected_phase = (str(Phase.INITIATION.label), str(Phase.PLANNING.label))
    assert expected_status == ("Non commencée", "En cours")
    assert (task_changes[0].old, task_changes[0].new) == expected_status
    assert [(change.old, change.new) for change in phase_changes] == [expected_phase]


@pytest.mark.parametrize(("language", "expected"), [("nl", "1.000,00\u00a0€"), ("fr", "1.000,00\u00a0€")])
def test_a_refusal_formats_its_amount_like_the_pages(language, expected):
    line = BudgetLineFactory(budget=Decimal("1000.00"), forecast=Decimal("1000.00"))

    with translation.override(language), pytest.raises(ValidationError) as refused:
        procurement_services.budget_line_adjust(
            project=line.project, category=line.category, amount=Decimal("-5000"), actor=None, reason="x"
        )

    assert expected in refused.value.messages[0]
    assert "1000.00" not in refused.value.messages[0]


def test_a_dutch_form_offers_its_empty_choice_in_dutch(client):
    manager = user_with_role(Role.PROJECT_MANAGER, preferred_language="nl")
    project = ProjectFactory(project_manager=manager)
    client.force_login(manager)

    page = client.get(f"/projects/{project.pk}/risks/create/").text

    assert "- Kies een optie -" in page
    assert "- Select an option -" not in page
