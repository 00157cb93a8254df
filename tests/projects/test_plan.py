import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from pmo.roles import Role
from projects import services
from projects.models import PlanBaseline, Task, TaskDependency, TaskStatus
from projects.selectors import capacity_rows
from projects.selectors import plan as plan_selectors
from tests.factories import AssignmentFactory, ProjectFactory, ResourceFactory, TaskFactory, user_with_role

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def project():
    return ProjectFactory()


@pytest.fixture
def manager_client(client, project):
    client.force_login(project.project_manager)
    return client


def test_plan_baseline_create_snapshots_every_task_with_the_next_number(project):
    TaskFactory(project=project, wbs_code="1")
    TaskFactory(project=project, wbs_code="2", planned_start=D(2027, 4, 1), planned_end=D(2027, 4, 9))

    first = services.plan_baseline_create(project=project, name="Initial", actor=project.project_manager)
    second = services.plan_baseline_create(
        project=project, name="CR-3", actor=project.project_manager, reason="Change request approved"
    )

    assert (first.number, second.number) == (1, 2)
    assert second.reason == "Change request approved"
    assert sorted(second.rows.values_list("wbs_code", "planned_end")) == [
        ("1", D(2027, 3, 12)),
        ("2", D(2027, 4, 9)),
    ]


def test_moving_a_task_reschedules_its_successors_and_says_what_moved(manager_client, project):
    design = TaskFactory(
        project=project, wbs_code="1", planned_start=D(2027, 3, 1), planned_end=D(2027, 3, 5)
    )
    build = TaskFactory(
        project=project, wbs_code="2", planned_start=D(2027, 3, 8), planned_end=D(2027, 3, 12)
    )
    test = TaskFactory(
        project=project, wbs_code="3", planned_start=D(2027, 3, 15), planned_end=D(2027, 3, 16)
    )
    TaskDependency.objects.create(predecessor=design, successor=build)
    TaskDependency.objects.create(predecessor=build, successor=test, lag_days=2)

    response = manager_client.post(
        f"/projects/tasks/{design.pk}/update/",
        {
            "wbs_code": "1",
            "name": design.name,
            "kind": "engineering",
            "status": "in_progress",
            "planned_start": "2027-03-01",
            "planned_end": "2027-03-10",
            "progress": "40",
        },
    )

    assert response.status_code == 200
    build.refresh_from_db()
    test.refresh_from_db()
    assert (build.planned_start, build.planned_end) == (D(2027, 3, 11), D(2027, 3, 15))
    assert (test.planned_start, test.planned_end) == (D(2027, 3, 18), D(2027, 3, 19))
    assert [entry.task.pk for entry in response.context["moved"]] == [build.pk, test.pk]
    assert "successors moved" in response.text


def test_a_dependency_loop_is_refused(project):
    first = TaskFactory(project=project)
    second = TaskFactory(project=project)
    services.task_dependency_create(predecessor=first, successor=second, actor=project.project_manager)

    with pytest.raises(ValidationError):
        services.task_dependency_create(predecessor=second, successor=first, actor=project.project_manager)

    assert TaskDependency.objects.count() == 1


def test_a_done_task_is_complete():
    task = TaskFactory()

    task, _moved = services.task_update(task=task, actor=task.project.project_manager, status=TaskStatus.DONE)

    assert task.progress == 100 and task.actual_end is not None


def test_the_plan_page_shows_variance_against_the_chosen_baseline(manager_client, project):
    task = TaskFactory(project=project, planned_end=D(2027, 3, 12))
    services.plan_baseline_create(project=project, name="Initial", actor=project.project_manager)
    Task.objects.filter(pk=task.pk).update(planned_end=D(2027, 3, 19))

    response = manager_client.get(f"/projects/{project.pk}/plan/?baseline=1")

    row = response.context["rows"][0]
    assert row.baseline_end == D(2027, 3, 12) and row.variance_days == 7
    assert "+7" in response.text


def test_the_plan_page_at_300_tasks_runs_a_constant_number_of_queries(
    manager_client, project, django_assert_max_num_queries
):
    tasks = Task.objects.bulk_create(
        Task(
            project=project,
            wbs_code=str(number),
            name=f"Task {number}",
            planned_start=D(2027, 1, 4) + datetime.timedelta(days=number % 90),
            planned_end=D(2027, 1, 8) + datetime.timedelta(days=number % 90),
            sort_order=number,
        )
        for number in range(1, 301)
    )
    TaskDependency.objects.bulk_create(
        TaskDependency(predecessor=before, successor=after) for before, after in itertools.pairwise(tasks)
    )
    services.plan_baseline_create(project=project, name="Initial", actor=project.project_manager)

    for path in ("plan/", "plan/gantt/", "plan/milestones/"):
        with django_assert_max_num_queries(12):
            assert manager_client.get(f"/projects/{project.pk}/{path}").status_code == 200


@pytest.mark.parametrize("role", [Role.FINANCE, Role.ENGINEERING_MANAGER])
def test_readers_see_the_plan_but_cannot_change_it(client, project, role):
    task = TaskFactory(project=project, name="Original")
    client.force_login(user_with_role(role))

    assert client.get(f"/projects/{project.pk}/plan/").status_code == 200
    assert client.post(f"/projects/tasks/{task.pk}/update/", {"name": "Changed"}).status_code == 403
    assert client.post(f"/projects/{project.pk}/plan/baselines/create/", {"name": "B"}).status_code == 403
    assert Task.objects.get(pk=task.pk).name == "Original" and not PlanBaseline.objects.exists()


@pytest.mark.parametrize("role", [Role.SALES, Role.SMO, Role.PROJECT_MANAGER])
def test_outsiders_do_not_see_the_plan(client, project, role):
    task = TaskFactory(project=project)
    client.force_login(user_with_role(role))

    assert client.get(f"/projects/{project.pk}/plan/").status_code == 404
    assert client.get(f"/projects/tasks/{task.pk}/update/").status_code == 404


def test_it_refuses_get_on_baseline_create(manager_client, project):
    assert manager_client.get(f"/projects/{project.pk}/plan/baselines/create/").status_code == 405


def test_it_creates_a_task_and_a_baseline_from_the_pages(manager_client, project):
    response = manager_client.post(
        f"/projects/{project.pk}/plan/tasks/create/",
        {
            "wbs_code": "1",
            "name": "Site survey",
            "kind": "engineering",
            "status": "not_started",
            "planned_start": "2027-02-01",
            "planned_end": "2027-02-05",
            "progress": "0",
        },
    )
    assert response.status_code == 302
    assert (
        manager_client.post(f"/projects/{project.pk}/plan/baselines/create/", {"name": "Initial"}).status_code
        == 302
    )
    assert project.baselines.get().rows.get().name == "Site survey"


def test_assignments_are_set_and_removed(manager_client, project):
    task = TaskFactory(project=project)
    resource = ResourceFactory()

    manager_client.post(f"/projects/tasks/{task.pk}/assignments/", {"resource": resource.pk, "hours": "24"})
    assert task.assignments.get().hours == Decimal("24.0")
    manager_client.post(f"/projects/tasks/{task.pk}/assignments/", {"resource": resource.pk, "hours": "0"})
    assert not task.assignments.exists()


def test_capacity_spreads_hours_over_working_days_and_flags_over_allocation():
    resource = ResourceFactory(weekly_capacity_hours=Decimal("38"))
    # Two weeks of work, Monday 1 March 2027 to Friday 12 March: 80 h over 10 working days.
    AssignmentFactory(
        resource=resource,
        hours=Decimal("80"),
        task=TaskFactory(planned_start=D(2027, 3, 1), planned_end=D(2027, 3, 12)),
    )
    # A second project the same first week: 20 h.
    AssignmentFactory(
        resource=resource,
        hours=Decimal("20"),
        task=TaskFactory(planned_start=D(2027, 3, 1), planned_end=D(2027, 3, 5)),
    )
    AssignmentFactory(
        resource=resource,
        hours=Decimal("500"),
        task=TaskFactory(planned_start=D(2027, 3, 1), planned_end=D(2027, 3, 5), status=TaskStatus.CANCELLED),
    )

    row = capacity_rows(resources=[resource], start=D(2027, 3, 3), weeks=3)[0]

    assert [cell.week for cell in row.cells] == [D(2027, 3, 1), D(2027, 3, 8), D(2027, 3, 15)]
    assert [cell.load for cell in row.cells] == [Decimal("60.0"), Decimal("40.0"), Decimal("0.0")]
    assert [cell.is_over for cell in row.cells] == [True, True, False]


def test_the_python_spread_of_the_embedded_database_matches_the_sql_one(postgres_only):
    resources = [ResourceFactory(), ResourceFactory()]
    # A weekend-only task counts its calendar days; a long one crosses the window's edges.
    spans = [
        (D(2027, 3, 6), D(2027, 3, 7)),
        (D(2027, 2, 24), D(2027, 3, 23)),
        (D(2027, 3, 10), D(2027, 3, 10)),
    ]
    for number, (first_day, last_day) in enumerate(spans):
        AssignmentFactory(
            resource=resources[number % 2],
            hours=Decimal("17.5") * (number + 1),
            task=TaskFactory(planned_start=first_day, planned_end=last_day),
        )
    window = {"resource_ids": [r.pk for r in resources], "start": D(2027, 3, 1), "end": D(2027, 3, 22)}

    from_sql = plan_selectors.capacity_loads_sql(**window)

    assert from_sql and plan_selectors.capacity_loads_python(**window) == from_sql


def test_the_sql_counts_working_days_as_the_python_spread_does_from_every_weekday(postgres_only):
    """Tasks of 1 to 24 days starting on each day of the week, in windows opening on each weekday: the
    arithmetic weekday count of the SQL spread against the day-by-day Python one."""
    resource = ResourceFactory()
    project = ProjectFactory()
    monday = D(2027, 3, 1)
    for offset, length in itertools.product(range(7), (1, 2, 3, 5, 6, 8, 12, 24)):
        first_day = monday + datetime.timedelta(days=offset)
        AssignmentFactory(
            resource=resource,
            hours=Decimal("7.3") * length,
            task=TaskFactory(
                project=project,
                planned_start=first_day,
                planned_end=first_day + datetime.timedelta(days=length - 1),
            ),
        )

    for opening in range(5):
        start = D(2027, 3, 8) + datetime.timedelta(days=opening)
        window = {"resource_ids": [resource.pk], "start": start, "end": start + datetime.timedelta(weeks=2)}
        from_sql = plan_selectors.capacity_loads_sql(**window)
        assert len(from_sql) >= 2
        assert plan_selectors.capacity_loads_python(**window) == from_sql, start


def test_the_capacity_page_is_for_the_engineering_manager_and_the_pmo(client, django_assert_max_num_queries):
    for number in range(30):
        AssignmentFactory(resource=ResourceFactory(department="Networks" if number % 2 else "Security"))
    client.force_login(user_with_role(Role.ENGINEERING_MANAGER))

    with django_assert_max_num_queries(11):  # the 11th: hours booked on timesheets (issue 15)
        response = client.get("/projects/capacity/?department=Networks&week=2027-W09")

    assert response.status_code == 200
    assert {row.resource.department for row in response.context["rows"]} == {"Networks"}
    client.force_login(user_with_role(Role.FINANCE))
    assert client.get("/projects/capacity/").status_code == 403


def csv_file(text: str, name: str = "plan.csv"):
    return SimpleUploadedFile(name, text.encode())


def test_it_imports_a_plan_from_csv_with_parents_and_predecessors(manager_client, project):
    content = (
        "wbs_code;name;kind;planned_start;planned_end;progress;predecessors\n"
        "1;Design;engineering;2027-02-01;2027-02-12;0;\n"
        "1.1;Survey;engineering;2027-02-01;2027-02-03;50;\n"
        "2;Build;installation;2027-02-15;2027-03-05;0;1\n"
        "3;Go-live;milestone;2027-03-08;;0;2\n"
    )

    response = manager_client.post(f"/projects/{project.pk}/plan/import/", {"file": csv_file(content)})

    assert response.status_code == 302
    assert project.tasks.count() == 4
    assert project.tasks.get(wbs_code="1.1").parent.wbs_code == "1"
    assert TaskDependency.objects.filter(successor__wbs_code="3", predecessor__wbs_code="2").exists()
    assert list(project.tasks.order_by("sort_order").values_list("wbs_code", flat=True)) == [
        "1",
        "1.1",
        "2",
        "3",
    ]


def test_an_import_with_a_bad_row_imports_nothing_and_names_the_rows(manager_client, project):
    content = (
        "wbs_code,name,kind,planned_start,planned_end\n"
        "1,Design,engineering,2027-02-01,2027-02-12\n"
        "2,Build,welding,2027-02-15,2027-03-05\n"
        "3,Test,engineering,2027-03-10,2027-03-01\n"
    )

    response = manager_client.post(f"/projects/{project.pk}/plan/import/", {"file": csv_file(content)})

    assert response.status_code == 400
    assert [row for row, _message in response.context["result"].errors] == [3, 4]
    assert not project.tasks.exists()


def test_it_exports_the_plan_and_imports_it_back_from_xlsx(manager_client, project):
    first = TaskFactory(project=project, wbs_code="1")
    second = TaskFactory(project=project, wbs_code="2")
    TaskDependency.objects.create(predecessor=first, successor=second)

    exported = manager_client.get(f"/projects/{project.pk}/plan/export/?format=xlsx")
    rows = list(
        load_workbook(io.BytesIO(b"".join(exported.streaming_content))).active.iter_rows(values_only=True)
    )
    assert rows[0][0] == "wbs_code" and rows[2][6] == "1"
    csv_export = b"".join(manager_client.get(f"/projects/{project.pk}/plan/export/").streaming_content)
    assert csv_export.decode("utf-8").startswith("\ufeffwbs_code;name;kind")

    other = ProjectFactory(project_manager=project.project_manager)
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = manager_client.post(
        f"/projects/{other.pk}/plan/import/", {"file": SimpleUploadedFile("plan.xlsx", buffer.getvalue())}
    )
    assert response.status_code == 302
    assert other.tasks.count() == 2


def test_resources_are_managed_by_the_engineering_manager(client):
    client.force_login(user_with_role(Role.ENGINEERING_MANAGER))

    response = client.post(
        "/projects/resources/create/",
        {
            "name": "Crew Van Damme",
            "kind": "subcontractor",
            "department": "Installation",
            "weekly_capacity_hours": "76",
        },
    )

    assert response.status_code == 302
    client.force_login(user_with_role(Role.FINANCE))
    assert (
        client.post(
            "/projects/resources/create/", {"name": "X", "kind": "person", "weekly_capacity_hours": "1"}
        ).status_code
        == 403
    )


def test_it_deletes_a_task_with_its_sub_tasks(manager_client, project):
    parent = TaskFactory(project=project, wbs_code="1")
    TaskFactory(project=project, wbs_code="1.1", parent=parent)
    other = TaskFactory(project=project, wbs_code="2")

    response = manager_client.post(f"/projects/tasks/{parent.pk}/delete/")

    assert response.status_code == 302
    assert list(project.tasks.all()) == [other]


def test_readers_cannot_delete_a_task(client, project):
    task = TaskFactory(project=project)
    client.force_login(user_with_role(Role.FINANCE))

    assert client.post(f"/projects/tasks/{task.pk}/delete/").status_code == 403
    assert client.get(f"/projects/tasks/{task.pk}/delete/").status_code == 405
    assert Task.objects.filter(pk=task.pk).exists()


# --- remaining work in the plan's files (issue 15) -------------------------------------------------------
def _remaining_plan(project):
    design = TaskFactory(project=project, wbs_code="1", kind="engineering", remaining_hours=Decimal("12.50"))
    TaskFactory(project=project, wbs_code="2", kind="installation", remaining_hours=None)
    TaskFactory(project=project, wbs_code="3", kind="administration", remaining_hours=Decimal("0"))
    return design


def _remaining_by_wbs(project):
    return dict(project.tasks.values_list("wbs_code", "remaining_hours"))


def test_remaining_hours_go_out_with_a_decimal_comma_and_come_back_from_csv(manager_client, project):
    _remaining_plan(project)

    lines = b"".join(manager_client.get(f"/projects/{project.pk}/plan/export/").streaming_content)
    rows = [line.split(";") for line in lines.decode("utf-8").lstrip("\ufeff").splitlines()]
    assert rows[0][-1] == "remaining_hours"
    assert [row[-1] for row in rows[1:]] == ["12,50", "", "0,00"]  # Belgian Excel reads 12,50 as a number

    other = ProjectFactory(project_manager=project.project_manager)
    response = manager_client.post(f"/projects/{other.pk}/plan/import/", {"file": csv_file(lines.decode())})
    assert response.status_code == 302
    assert _remaining_by_wbs(other) == {"1": Decimal("12.50"), "2": None, "3": Decimal("0.00")}


def test_remaining_hours_round_trip_through_xlsx_as_numbers(manager_client, project):
    _remaining_plan(project)

    exported = manager_client.get(f"/projects/{project.pk}/plan/export/?format=xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(exported.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][-1] == "remaining_hours" and rows[1][-1] == 12.5 and rows[2][-1] is None
    buffer = io.BytesIO()
    workbook.save(buffer)

    other = ProjectFactory(project_manager=project.project_manager)
    upload = SimpleUploadedFile("plan.xlsx", buffer.getvalue())
    assert manager_client.post(f"/projects/{other.pk}/plan/import/", {"file": upload}).status_code == 302
    assert _remaining_by_wbs(other) == {"1": Decimal("12.50"), "2": None, "3": Decimal("0.00")}


@pytest.mark.parametrize(
    "value", ["-1", "douze", "1.234,5", "12,345", "100000", "NaN", "Infinity"], ids=lambda value: value
)
def test_a_bad_remaining_hours_refuses_the_whole_file(manager_client, project, value):
    content = (
        "wbs_code;name;kind;planned_start;planned_end;remaining_hours\n"
        "1;Design;engineering;2027-02-01;2027-02-12;8,5\n"
        f'2;Build;installation;2027-02-15;2027-03-05;"{value}"\n'
    )

    response = manager_client.post(f"/projects/{project.pk}/plan/import/", {"file": csv_file(content)})

    assert response.status_code == 400
    [(row, message)] = response.context["result"].errors
    assert row == 3 and "remaining_hours" in message
    assert not project.tasks.exists()


def test_a_milestone_with_remaining_hours_is_refused(manager_client, project):
    content = "wbs_code,name,kind,planned_start,remaining_hours\n1,Go-live,milestone,2027-02-01,4\n"

    response = manager_client.post(f"/projects/{project.pk}/plan/import/", {"file": csv_file(content)})

    assert response.status_code == 400 and not project.tasks.exists()
    assert "milestone" in response.context["result"].errors[0][1]


def test_the_import_page_lists_the_remaining_hours_column(manager_client, project):
    page = manager_client.get(f"/projects/{project.pk}/plan/import/")

    assert "<code>remaining_hours</code>" in page.content.decode()
