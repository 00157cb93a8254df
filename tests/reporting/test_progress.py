"""Progress updates, tolerances and the distribution list, through the pages."""

from datetime import date, timedelta

import pytest

from pmo.roles import Role
from reporting.models import DistributionRecipient, ProgressUpdate, Tolerance
from reporting.selectors import last_week_start
from tests.factories import DistributionRecipientFactory, ProjectFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    # Ends in two weeks, so the schedule is green against any tolerance.
    return ProjectFactory(
        phase="execution", start_date=date(2026, 1, 5), end_date=date.today() + timedelta(days=14)
    )


def payload(**changes) -> dict:
    rags = {
        f"rag_{name}": "green"
        for name in ("schedule", "cost", "scope", "quality", "risk", "safety", "overall")
    }
    return {
        "period_start": last_week_start().isoformat(),
        **rags,
        "done_this_period": "Switches configured.",
        "planned_next": "Cut-over of building B.",
        **changes,
    }


def test_the_manager_records_last_weeks_update(client, project):
    client.force_login(project.project_manager)

    response = client.post(f"/reporting/projects/{project.pk}/progress/create/", payload(rag_safety="amber"))

    update = ProgressUpdate.objects.get()
    assert response.status_code == 302
    assert (update.period_start, update.rag_safety, update.author) == (
        last_week_start(),
        "amber",
        project.project_manager,
    )
    assert update.suggested["schedule"] == "green"
    assert update.history.count() == 1


def test_a_rag_that_differs_from_the_suggestion_needs_a_comment(client, project):
    client.force_login(project.project_manager)

    refused = client.post(f"/reporting/projects/{project.pk}/progress/create/", payload(rag_schedule="red"))
    assert refused.status_code == 200
    assert "Explain why the RAG differs" in refused.text
    assert not ProgressUpdate.objects.exists()

    accepted = client.post(
        f"/reporting/projects/{project.pk}/progress/create/",
        payload(rag_schedule="red", override_comment="The supplier announced a six-week delay."),
    )
    assert accepted.status_code == 302
    assert ProgressUpdate.objects.get().rag_schedule == "red"


@pytest.mark.parametrize(
    ("role", "status"), [(Role.FINANCE, 403), (Role.PROJECT_MANAGER, 404), (Role.SALES, 404)]
)
def test_others_cannot_record_an_update(client, project, role, status):
    client.force_login(user_with_role(role))

    response = client.post(f"/reporting/projects/{project.pk}/progress/create/", payload())

    assert response.status_code == status
    assert not ProgressUpdate.objects.exists()


def test_the_progress_page_refuses_delete(client, project):
    client.force_login(project.project_manager)

    assert client.delete(f"/reporting/projects/{project.pk}/progress/create/").status_code == 405


def test_the_manager_edits_the_tolerances(client, project):
    client.force_login(project.project_manager)

    response = client.post(
        f"/reporting/projects/{project.pk}/tolerances/update/",
        {
            "time_days": "8",
            "cost_percent": "6,00",
            "cost_amount": "12.000,00",
            "scope_percent": "5,00",
            "quality_findings": "3",
            "risk_score": "30",
        },
    )
    assert response.status_code == 200
    assert not Tolerance.objects.exists()

    client.post(
        f"/reporting/projects/{project.pk}/tolerances/update/",
        {
            "time_days": "8",
            "cost_percent": "6,00",
            "cost_amount": "12.000,00",
            "scope_percent": "5,00",
            "quality_findings": "3",
            "risk_score": "15",
        },
    )
    assert Tolerance.objects.get(project=project).time_days == 8


def test_finance_reads_the_page_but_cannot_change_tolerances(client, project):
    client.force_login(user_with_role(Role.FINANCE))

    page = client.get(f"/reporting/projects/{project.pk}/")
    refused = client.post(f"/reporting/projects/{project.pk}/tolerances/update/", {"time_days": "1"})

    assert page.status_code == 200
    assert refused.status_code == 403
    assert not Tolerance.objects.exists()


def test_the_distribution_list_is_kept_by_the_manager(client, project):
    client.force_login(project.project_manager)

    client.post(
        f"/reporting/projects/{project.pk}/recipients/create/",
        {"name": "Hilde Verstraete", "email": "Hilde@Stad.example", "language": "nl", "audience": "customer"},
    )
    recipient = DistributionRecipient.objects.get()
    assert recipient.email == "hilde@stad.example"

    client.post(f"/reporting/projects/{project.pk}/recipients/{recipient.pk}/delete/")
    assert not DistributionRecipient.objects.exists()


def test_another_manager_cannot_remove_a_recipient(client, project):
    recipient = DistributionRecipientFactory(project=project)
    client.force_login(user_with_role(Role.PROJECT_MANAGER))

    response = client.post(f"/reporting/projects/{project.pk}/recipients/{recipient.pk}/delete/")

    assert response.status_code == 404
    assert DistributionRecipient.objects.filter(pk=recipient.pk).exists()


def test_the_project_page_runs_a_constant_number_of_queries(client, project, django_assert_max_num_queries):
    client.force_login(project.project_manager)
    DistributionRecipientFactory(project=project)
    with django_assert_max_num_queries(25) as few:
        client.get(f"/reporting/projects/{project.pk}/")
    for _ in range(10):
        DistributionRecipientFactory(project=project)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(f"/reporting/projects/{project.pk}/")

    assert response.status_code == 200


def test_the_update_of_the_latest_week_is_the_one_the_dashboards_show(client, project):
    """Updates recorded out of order: the flag the dashboards join follows the latest week, not the save."""
    from reporting.selectors import portfolio_projects

    client.force_login(project.project_manager)
    last_week = last_week_start()
    week_before = last_week - timedelta(weeks=1)
    comment = {"override_comment": "The customer moved the cut-over."}

    client.post(f"/reporting/projects/{project.pk}/progress/create/", payload(**comment, rag_overall="amber"))
    client.post(
        f"/reporting/projects/{project.pk}/progress/create/",
        payload(**comment, period_start=week_before.isoformat(), rag_overall="red"),
    )

    flags = dict(ProgressUpdate.objects.values_list("period_start", "is_latest"))
    assert flags == {last_week: True, week_before: False}
    shown = portfolio_projects(user=project.project_manager).get(pk=project.pk)
    assert (shown.latest_rag, shown.latest_period) == ("amber", last_week)
    assert portfolio_projects(user=project.project_manager).filter(pk=project.pk).count() == 1
