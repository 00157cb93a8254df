"""The connectors' pages and commands: who sees runs, who starts one, what the commands print."""

import pytest
from django.core.management import CommandError, call_command

from pmo.roles import Role
from reporting.models import Connector, SyncFailure, SyncRun
from tests.factories import ProjectFactory, user_with_role

pytestmark = pytest.mark.django_db

READERS = {Role.ADMINISTRATOR, Role.HEAD_OF_PM, Role.PM_SUPPORT}


def make_run(**values) -> SyncRun:
    return SyncRun.objects.create(
        connector=Connector.SERVICENOW,
        direction=SyncRun.Direction.PUSH,
        status=SyncRun.Status.PARTIAL,
        **values,
    )


@pytest.mark.parametrize("role", Role.values)
def test_only_the_pmo_and_administrators_see_the_runs(client, role):
    run = make_run()
    SyncFailure.objects.create(
        run=run,
        entity="pm_project",
        reference="P-2026-0001",
        http_status=403,
        message="ACL Exception Insert Failed",
    )
    client.force_login(user_with_role(role))

    listing = client.get("/reporting/sync-runs/")
    detail = client.get(f"/reporting/sync-runs/{run.pk}/")

    expected = 200 if role in READERS else 403
    assert listing.status_code == expected and detail.status_code == expected
    if role in READERS:
        assert "ACL Exception Insert Failed" in detail.text


@pytest.mark.parametrize("rows", [2, 30])
def test_the_run_list_runs_a_constant_number_of_queries(client, rows, django_assert_max_num_queries):
    requester = user_with_role(Role.ADMINISTRATOR)
    for _ in range(rows):
        make_run(requested_by=requester)
    client.force_login(requester)

    with django_assert_max_num_queries(9):
        response = client.get("/reporting/sync-runs/")

    assert response.status_code == 200


def test_an_administrator_starts_a_dry_run_from_the_page(
    client, servicenow, django_capture_on_commit_callbacks
):
    project = ProjectFactory()
    admin = user_with_role(Role.ADMINISTRATOR)
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reporting/sync-runs/start/", {"connector": "servicenow", "dry_run": "1"})

    run = SyncRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    # tests run Celery eagerly: the task ran once the run was committed
    assert run.requested_by == admin and run.is_dry_run and run.status == SyncRun.Status.SUCCEEDED
    assert run.details["planned"] == [f"create pm_project {project.code}"]
    assert servicenow.tables == {}


@pytest.mark.parametrize("role", [Role.HEAD_OF_PM, Role.PM_SUPPORT, Role.PROJECT_MANAGER, Role.FINANCE])
def test_other_roles_may_not_start_a_run(client, role):
    client.force_login(user_with_role(role))

    response = client.post("/reporting/sync-runs/start/", {"connector": "servicenow"})

    assert response.status_code == 403
    assert not SyncRun.objects.exists()


def test_starting_is_post_only_and_refuses_a_second_run_in_progress(client):
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    SyncRun.objects.create(
        connector=Connector.DYNAMICS365, direction=SyncRun.Direction.PULL, status=SyncRun.Status.RUNNING
    )

    assert client.get("/reporting/sync-runs/start/").status_code == 405
    response = client.post("/reporting/sync-runs/start/", {"connector": "dynamics365"}, follow=True)

    assert SyncRun.objects.count() == 1
    assert "already queued or running" in response.text


def test_the_sync_command_prints_what_a_dry_run_would_do(servicenow, capsys):
    project = ProjectFactory()

    call_command("connector_sync", "servicenow", "--dry-run")

    output = capsys.readouterr().out
    assert f"would create pm_project {project.code}" in output
    assert "succeeded: created 1" in output
    assert servicenow.tables == {}


def test_the_sync_command_fails_loudly_when_not_configured(settings):
    settings.DYNAMICS365 = {**settings.DYNAMICS365, "ENVIRONMENT_URL": ""}

    with pytest.raises(CommandError, match="D365_ENVIRONMENT_URL"):
        call_command("connector_sync", "dynamics365")


def test_the_discover_command_names_missing_columns(servicenow):
    servicenow.tables["sys_dictionary"] = [
        {"sys_id": "1", "name": "task", "element": "short_description", "internal_type": "string"}
    ]

    with pytest.raises(CommandError, match="correlation_id"):
        call_command("connector_discover")
