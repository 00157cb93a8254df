"""ServiceNow push against a local Table API: upsert by correlation, paging, auth, errors, 429 and retries."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction

from projects.models import Phase
from reporting.connectors import servicenow as snow
from reporting.connectors.runs import sync_run_create, sync_run_execute
from reporting.models import Connector, FieldMapping, ProgressUpdate, RemoteLink, SyncRun
from tests.factories import IssueFactory, ProjectFactory, RiskFactory

pytestmark = pytest.mark.django_db


def push(dry_run: bool = False) -> SyncRun:
    run = sync_run_create(
        connector=Connector.SERVICENOW, direction=SyncRun.Direction.PUSH, is_dry_run=dry_run
    )
    return sync_run_execute(run_id=run.pk)


def progress_update(project, **overrides) -> ProgressUpdate:
    values = {
        "project": project,
        "period_start": date(2026, 11, 16),
        "period_end": date(2026, 11, 22),
        "author": project.project_manager,
        "done_this_period": "Core switches installed",
        "planned_next": "Migrate the first floor",
        **{f"rag_{dimension}": "green" for dimension in ("schedule", "scope", "quality", "risk", "safety")},
        "rag_cost": "amber",
        "rag_overall": "amber",
    }
    return ProgressUpdate.objects.create(**{**values, **overrides})


def test_it_creates_projects_and_status_reports_and_remembers_their_sys_ids(servicenow):
    project = ProjectFactory(
        name="Campus refresh", phase=Phase.EXECUTION, budget=Decimal("100000.00"), start_date=date(2026, 3, 2)
    )
    update = progress_update(project)

    run = push()

    assert run.status == SyncRun.Status.SUCCEEDED, run.error
    assert (run.created_count, run.updated_count, run.failed_count) == (2, 0, 0)
    [remote_project] = servicenow.tables["pm_project"]
    assert remote_project["short_description"] == "Campus refresh"
    assert remote_project["correlation_id"] == project.code
    assert remote_project["state"] == "2" and remote_project["budget_cost"] == "100000.00"
    assert remote_project["start_date"] == "2026-03-02"
    [status] = servicenow.tables["project_status"]
    assert status["project"] == remote_project["sys_id"]
    assert (status["overall_health"], status["cost"], status["schedule"]) == ("yellow", "yellow", "green")
    assert status["as_on"] == "2026-11-22"
    link = RemoteLink.objects.get(local_model="reporting.progressupdate", local_id=update.pk)
    assert link.remote_id == status["sys_id"]


def test_a_second_run_sends_nothing_when_nothing_changed(servicenow):
    progress_update(ProjectFactory())
    push()
    writes_before = len(servicenow.methods("POST")) + len(servicenow.methods("PATCH"))

    run = push()

    assert (run.created_count, run.updated_count, run.skipped_count) == (0, 0, 2)
    assert len(servicenow.methods("POST")) + len(servicenow.methods("PATCH")) == writes_before
    assert len(servicenow.tables["pm_project"]) == 1 and len(servicenow.tables["project_status"]) == 1


def test_a_changed_project_is_updated_in_place_never_duplicated(servicenow):
    project = ProjectFactory(name="Before")
    push()
    project.name = "After"
    project.save()

    run = push()

    assert (run.created_count, run.updated_count) == (0, 1)
    [remote] = servicenow.tables["pm_project"]
    assert remote["short_description"] == "After"
    assert [path.split("?")[0] for path in servicenow.methods("PATCH")] == [
        f"/api/now/table/pm_project/{remote['sys_id']}"
    ]


def test_a_lost_link_is_found_again_by_correlation_instead_of_creating_a_duplicate(servicenow):
    project = ProjectFactory()
    push()
    RemoteLink.objects.all().delete()  # as if the run died between the POST and saving the link

    run = push()

    assert run.created_count == 0 and run.updated_count == 1
    assert len(servicenow.tables["pm_project"]) == 1
    assert (
        RemoteLink.objects.get(local_id=project.pk).remote_id == servicenow.tables["pm_project"][0]["sys_id"]
    )


def test_a_record_deleted_in_servicenow_is_created_again(servicenow):
    project = ProjectFactory(name="Before")
    push()
    servicenow.tables["pm_project"].clear()
    project.name = "After"
    project.save()

    run = push()

    assert run.status == SyncRun.Status.SUCCEEDED
    assert run.created_count == 1
    assert servicenow.tables["pm_project"][0]["short_description"] == "After"


def test_it_records_each_failure_with_servicenows_message_and_goes_on(servicenow):
    first, second = ProjectFactory(), ProjectFactory()
    servicenow.fail_next(
        403,
        {
            "error": {
                "message": "Operation Failed",
                "detail": "ACL Exception Insert Failed due to security constraints",
            },
            "status": "failure",
        },
        path="/api/now/table/pm_project",
    )

    run = push()

    assert run.status == SyncRun.Status.PARTIAL
    assert (run.created_count, run.failed_count) == (1, 1)
    [failure] = run.failures.all()
    assert failure.http_status == 403 and failure.entity == "pm_project"
    assert "ACL Exception Insert Failed" in failure.message
    assert failure.reference in (first.code, second.code)
    # the failed one is pushed by the next run
    assert push().created_count == 1


def test_it_waits_for_retry_after_on_429_and_then_succeeds(servicenow, monkeypatch):
    waits = []
    monkeypatch.setattr("time.sleep", waits.append)
    ProjectFactory()
    servicenow.fail_next(
        429,
        {
            "error": {"message": "Rate limit exceeded", "detail": "Rate limit of 100 requests per hour"},
            "status": "failure",
        },
        headers={"Retry-After": "1", "X-RateLimit-Limit": "100"},
        path="/api/now/table/pm_project",
    )

    run = push()

    assert run.status == SyncRun.Status.SUCCEEDED and run.created_count == 1
    assert 1 in waits


def test_it_retries_a_503_and_records_the_error_when_it_persists(servicenow):
    ProjectFactory()
    for _attempt in range(3):  # MAX_RETRIES=2: three answers in all
        servicenow.fail_next(
            503,
            {"error": {"message": "Service Unavailable"}, "status": "failure"},
            path="/api/now/table/pm_project",
        )

    run = push()

    assert run.status == SyncRun.Status.PARTIAL
    failure = run.failures.get()
    assert failure.http_status == 503 and "Service Unavailable" in failure.message
    assert servicenow.tables.get("pm_project", []) == []


def test_wrong_credentials_fail_the_run_without_leaking_the_password(servicenow, settings):
    settings.SERVICENOW = {**settings.SERVICENOW, "PASSWORD": "wrong-password-123"}
    ProjectFactory()

    run = push()

    # The mapping check is the first call: it fails, and nothing is tried after it.
    assert run.status == SyncRun.Status.FAILED
    assert "HTTP 401" in run.error and "User Not Authenticated" in run.error
    assert "wrong-password-123" not in run.error
    assert servicenow.writes() == []


def test_an_unconfigured_instance_fails_the_run_with_a_clear_error(settings):
    settings.SERVICENOW = {**settings.SERVICENOW, "INSTANCE_URL": ""}

    run = push()

    assert run.status == SyncRun.Status.FAILED
    assert "SERVICENOW_INSTANCE_URL" in run.error


@pytest.mark.parametrize("grant", ["client_credentials", "password"])
def test_oauth_gets_one_token_and_reuses_it(servicenow, settings, grant):
    cache.clear()
    settings.SERVICENOW = {
        **settings.SERVICENOW,
        "AUTH": grant,
        "CLIENT_ID": "snow-client",
        "CLIENT_SECRET": "snow-secret",
    }
    ProjectFactory.create_batch(3)

    run = push()

    assert run.status == SyncRun.Status.SUCCEEDED and run.created_count == 3
    assert servicenow.tokens_issued == 1


def test_a_revoked_token_is_refreshed_once(servicenow, settings):
    cache.clear()
    settings.SERVICENOW = {
        **settings.SERVICENOW,
        "AUTH": "client_credentials",
        "CLIENT_ID": "snow-client",
        "CLIENT_SECRET": "snow-secret",
    }
    ProjectFactory()
    push()
    servicenow.valid_tokens.clear()
    ProjectFactory()

    run = push()

    assert run.status == SyncRun.Status.SUCCEEDED and run.created_count == 1
    assert servicenow.tokens_issued == 2


def test_a_dry_run_says_what_would_change_and_changes_nothing(servicenow):
    project = ProjectFactory()

    run = push(dry_run=True)

    assert run.status == SyncRun.Status.SUCCEEDED and run.created_count == 1
    assert run.details["planned"] == [f"create pm_project {project.code}"]
    assert servicenow.methods("POST") == [] and not RemoteLink.objects.exists()


def test_an_administrators_mapping_renames_and_drops_columns(servicenow):
    servicenow.schema["pm_project"]["columns"]["u_title"] = "string"  # the customer's own column
    FieldMapping.objects.create(
        connector=Connector.SERVICENOW, remote_table="pm_project", local_field="name", remote_field="u_title"
    )
    FieldMapping.objects.create(
        connector=Connector.SERVICENOW, remote_table="pm_project", local_field="budget", remote_field=""
    )
    ProjectFactory(name="Mapped")

    push()

    [remote] = servicenow.tables["pm_project"]
    assert remote["u_title"] == "Mapped" and remote["short_description"] == "" and remote["budget_cost"] == ""


def test_the_run_is_claimed_once(servicenow):
    ProjectFactory()
    run = sync_run_create(connector=Connector.SERVICENOW, direction=SyncRun.Direction.PUSH)

    assert sync_run_execute(run_id=run.pk).status == SyncRun.Status.SUCCEEDED
    assert sync_run_execute(run_id=run.pk) is None
    assert len(servicenow.tables["pm_project"]) == 1


def test_listing_follows_the_link_header_across_pages(servicenow):
    servicenow.tables["sys_choice"] = [
        {
            "sys_id": str(n),
            "name": "project_status",
            "element": "overall_health",
            "value": v,
            "label": v.title(),
            "inactive": "false",
        }
        for n, v in enumerate(["green", "yellow", "red", "grey", "blue"])
    ]

    rows = list(snow.table_list(snow.servicenow_client(), "sys_choice", query="name=project_status"))

    assert [row["value"] for row in rows] == ["green", "yellow", "red", "grey", "blue"]
    assert len(servicenow.methods("GET")) == 3  # page size 2


def test_discover_reports_missing_columns_and_choice_values(servicenow):
    dictionary = [
        ("task", "short_description", "string"),
        ("task", "description", "string"),
        ("task", "state", "integer"),
        ("task", "correlation_id", "string"),
        ("planned_task", "start_date", "glide_date_time"),
        ("planned_task", "end_date", "glide_date_time"),
        ("pm_project", "budget_cost", "currency"),
        ("project_status", "project", "reference"),
        ("project_status", "as_on", "glide_date"),
        ("project_status", "overall_health", "choice"),
        ("project_status", "cost", "choice"),
        ("project_status", "scope", "choice"),
    ]
    servicenow.tables["sys_dictionary"] = [
        {"sys_id": str(n), "name": name, "element": element, "internal_type": kind}
        for n, (name, element, kind) in enumerate(dictionary)
    ]
    servicenow.tables["sys_choice"] = [
        {
            "sys_id": "c1",
            "name": "project_status",
            "element": "overall_health",
            "value": "green",
            "label": "Green",
            "inactive": "false",
        },
    ]

    report = snow.servicenow_discover(client=snow.servicenow_client())

    assert report["project_status"]["missing"] == ["schedule"]
    assert report["pm_project"]["missing"] == []
    assert report["project_status"]["choices"]["overall_health"] == [{"value": "green", "label": "Green"}]


def test_risks_and_issues_are_pushed_when_asked_and_linked_to_their_project(servicenow, settings):
    settings.SERVICENOW = {**settings.SERVICENOW, "PUSH_REGISTERS": True}
    project = ProjectFactory()
    risk = RiskFactory(
        project=project, title="Switch lead time", cause="Chip shortage", response="Order early"
    )
    IssueFactory(project=project, title="Rack too small", description="Needs 42U")

    run = push()
    again = push()

    assert run.status == SyncRun.Status.SUCCEEDED and run.created_count == 3
    project_sys_id = servicenow.tables["pm_project"][0]["sys_id"]
    [remote_risk] = servicenow.tables["risk"]
    assert (remote_risk["task"], remote_risk["short_description"]) == (project_sys_id, "Switch lead time")
    assert remote_risk["mitigation_plan"] == "Order early" and remote_risk["description"] == "Chip shortage"
    [remote_issue] = servicenow.tables["issue"]
    assert (remote_issue["parent"], remote_issue["description"]) == (project_sys_id, "Needs 42U")
    assert RemoteLink.objects.get(local_model="projects.risk").local_id == risk.pk
    assert again.created_count == 0 and again.skipped_count == 3


def test_registers_stay_home_by_default(servicenow):
    RiskFactory()

    push()

    assert "risk" not in servicenow.tables


# --- Issue 12: no write without a verified mapping, only to records we own -----------------------


def customer_project(fake, **values):
    """A project of the customer, created in ServiceNow by someone else."""
    return fake.add_record("pm_project", **{"short_description": "ERP rollout (finance dept)", **values})


def test_the_fake_ignores_an_unknown_query_column_as_the_real_table_api_does(servicenow):
    customer_project(servicenow)
    customer_project(servicenow, short_description="Datacenter move")

    rows = list(snow.table_list(snow.servicenow_client(), "pm_project", query="u_project_code=P-2026-0001"))

    assert len(rows) == 2  # the condition on a column that does not exist matched everything


def test_a_wrong_correlation_column_refuses_the_run_and_leaves_the_customers_data_alone(servicenow):
    FieldMapping.objects.create(
        connector=Connector.SERVICENOW,
        remote_table="pm_project",
        local_field="code",
        remote_field="u_project_code",
    )
    theirs = customer_project(servicenow)
    before = [dict(row) for row in servicenow.tables["pm_project"]]
    progress_update(ProjectFactory(name="Datacenter move"))

    run = push()

    assert run.status == SyncRun.Status.FAILED
    assert "pm_project.u_project_code" in run.error and "Nothing was written" in run.error
    assert list(run.failures.values_list("entity", "reference")) == [("pm_project", "u_project_code")]
    assert servicenow.writes() == []
    assert (
        servicenow.tables["pm_project"] == before
        and theirs["short_description"] == "ERP rollout (finance dept)"
    )
    assert not RemoteLink.objects.exists()


def test_the_refusal_names_every_unknown_column_and_a_dry_run_refuses_too(servicenow):
    for table, local, remote in [
        ("pm_project", "name", "u_title"),
        ("project_status", "done_this_period", "comments_typo"),
    ]:
        FieldMapping.objects.create(
            connector=Connector.SERVICENOW, remote_table=table, local_field=local, remote_field=remote
        )
    ProjectFactory()

    run = push(dry_run=True)

    assert run.status == SyncRun.Status.FAILED
    assert "pm_project.u_title" in run.error and "project_status.comments_typo" in run.error
    assert run.failures.count() == 2 and "planned" not in run.details


def test_the_dictionary_is_read_once_per_run_per_table(servicenow):
    ProjectFactory.create_batch(3)

    push()

    dictionary_reads = [path for path in servicenow.methods("GET") if "/sys_dictionary" in path]
    first_pages = [path for path in dictionary_reads if "sysparm_offset" not in path]
    assert len(first_pages) == 2  # pm_project and project_status; the next pages follow the Link header


def test_a_linked_record_that_is_no_longer_ours_is_not_updated(servicenow):
    project = ProjectFactory(name="Before")
    push()
    [remote] = servicenow.tables["pm_project"]
    remote["correlation_id"] = "SOMEONE-ELSE"  # the record was reused on the ServiceNow side
    project.name = "After"
    project.save()

    run = push()

    assert run.status == SyncRun.Status.PARTIAL
    failure = run.failures.get()
    assert "is not ours" in failure.message and "SOMEONE-ELSE" in failure.message
    assert remote["short_description"] == "Before"
    assert servicenow.methods("PATCH") == []


def test_a_lookup_finding_two_records_stops_that_record_with_a_readable_failure(servicenow):
    project, other = ProjectFactory(), ProjectFactory()
    customer_project(servicenow, correlation_id=project.code)
    customer_project(servicenow, correlation_id=project.code, short_description="Copy")

    run = push()

    assert run.status == SyncRun.Status.PARTIAL
    failure = run.failures.get()
    assert failure.reference == project.code and "More than one pm_project record" in failure.message
    assert [row["short_description"] for row in servicenow.tables["pm_project"][:2]] == [
        "ERP rollout (finance dept)",
        "Copy",
    ]
    assert RemoteLink.objects.get().local_id == other.pk  # the other project went on


def test_a_found_record_already_linked_to_another_of_ours_is_a_failure_not_a_crash(servicenow):
    project = ProjectFactory()
    theirs = customer_project(servicenow, correlation_id=project.code)
    RemoteLink.objects.create(
        connector=Connector.SERVICENOW,
        remote_table="pm_project",
        remote_id=theirs["sys_id"],
        local_model="projects.project",
        local_id=project.pk + 1000,
    )

    run = push()

    assert run.status == SyncRun.Status.PARTIAL
    failure = run.failures.get()
    assert "already linked to projects.project" in failure.message
    assert RemoteLink.objects.count() == 1


def test_the_link_table_refuses_a_second_link_to_the_same_remote_record(servicenow):
    values = {"connector": Connector.SERVICENOW, "remote_table": "pm_project", "remote_id": "abc"}
    RemoteLink.objects.create(**values, local_model="projects.project", local_id=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        RemoteLink.objects.create(**values, local_model="projects.project", local_id=2)


def test_reference_fields_come_as_link_and_value_unless_excluded(servicenow):
    progress_update(ProjectFactory())
    push()
    status_sys_id = servicenow.tables["project_status"][0]["sys_id"]
    client = snow.servicenow_client()
    url = snow._url(f"/api/now/table/project_status/{status_sys_id}")

    with_link = client.request("GET", url).json()["result"]["project"]
    bare = client.request("GET", url, params={"sysparm_exclude_reference_link": "true"}).json()["result"]

    assert set(with_link) == {"link", "value"} and with_link["link"].endswith(with_link["value"])
    assert bare["project"] == with_link["value"]


def test_the_fake_drops_unknown_fields_and_enforces_the_content_type(servicenow):
    client = snow.servicenow_client()
    url = snow._url("/api/now/table/pm_project")

    created = client.request("POST", url, json={"short_description": "X", "u_nope": "1"}).json()["result"]
    with pytest.raises(snow.RemoteError) as refused:
        client.request("POST", url, data="short_description=Y", headers={"Content-Type": "text/plain"})

    assert "u_nope" not in created and "u_nope" not in servicenow.tables["pm_project"][0]
    assert refused.value.status == 415 and len(servicenow.tables["pm_project"]) == 1


def test_an_acl_refusing_the_insert_is_recorded_per_record(servicenow):
    servicenow.denied.add(("POST", "project_status"))
    progress_update(ProjectFactory())

    run = push()

    assert run.status == SyncRun.Status.PARTIAL
    failure = run.failures.get()
    assert (failure.entity, failure.http_status) == ("project_status", 403)
    assert "project_status" not in servicenow.tables and len(servicenow.tables["pm_project"]) == 1


def test_pages_shortened_by_acls_are_followed_to_the_end(servicenow):
    servicenow.tables["sys_choice"] = [
        {"sys_id": str(n), "name": "project_status", "element": "state", "value": str(n), "label": str(n)}
        for n in range(5)
    ]
    servicenow.hidden.add("0")  # the first page comes back with one row instead of two

    rows = list(snow.table_list(snow.servicenow_client(), "sys_choice", query="name=project_status"))

    assert [row["value"] for row in rows] == ["1", "2", "3", "4"]
    assert len(servicenow.methods("GET")) == 3


def test_a_retry_after_beyond_the_bound_is_not_waited_for(servicenow, monkeypatch):
    waits = []
    monkeypatch.setattr("time.sleep", waits.append)
    ProjectFactory()
    servicenow.fail_next(
        429,
        {"error": {"message": "Rate limit exceeded"}, "status": "failure"},
        headers={"Retry-After": "3600"},
        path="/api/now/table/sys_dictionary",
    )

    run = push()

    assert run.status == SyncRun.Status.FAILED and "Retry-After 3600s" in run.error
    assert waits == [] and servicenow.writes() == []
