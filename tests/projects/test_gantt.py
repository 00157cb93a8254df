"""The Gantt chart: its layout read from the data, and dragging a bar through the task form's service."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from pmo.roles import Role
from projects import services
from projects.models import Task, TaskDependency, TaskKind
from projects.selectors import gantt_chart, plan_rows
from projects.selectors.gantt import HEADER_HEIGHT, ROW_HEIGHT, SCALES
from tests.factories import ProjectFactory, TaskFactory, user_with_role

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def project():
    return ProjectFactory()


@pytest.fixture
def chain(project):
    """Three tasks of a week each, finish-to-start, with a baseline taken before the last one slipped."""
    tasks = [
        TaskFactory(
            project=project,
            wbs_code=str(number),
            name=f"Step {number}",
            planned_start=D(2027, 3, 1) + datetime.timedelta(days=7 * (number - 1)),
            planned_end=D(2027, 3, 5) + datetime.timedelta(days=7 * (number - 1)),
            sort_order=number,
        )
        for number in (1, 2, 3)
    ]
    for before, after in itertools.pairwise(tasks):
        TaskDependency.objects.create(predecessor=before, successor=after)
    services.plan_baseline_create(project=project, name="Initial", actor=project.project_manager)
    services.task_update(
        task=tasks[2], actor=project.project_manager, planned_start=D(2027, 3, 17), planned_end=D(2027, 3, 23)
    )
    return [Task.objects.get(pk=task.pk) for task in tasks]


def _chart(project, scale="Day", today=None):
    return gantt_chart(
        rows=plan_rows(project=project, baseline=project.baselines.first()),
        scale=scale,
        today=today or D(2027, 3, 10),
    )


def test_bars_sit_on_their_dates_with_the_baseline_beside_them(project, chain):
    chart = _chart(project)
    day = SCALES["Day"]

    first, second, third = chart.bars
    assert chart.start == D(2027, 2, 27)  # two days of margin before the first task
    assert (first.x, first.width) == (2 * day, 5 * day)
    assert second.x == 9 * day and second.y == HEADER_HEIGHT + ROW_HEIGHT
    assert (third.x, third.width) == (18 * day, 7 * day)
    # The slipped task keeps its baseline (15-19 March) as a second bar and is marked late.
    assert (third.baseline_x, third.baseline_width) == (16 * day, 5 * day)
    assert third.css_class == "gantt-late" and third.late_days == 4
    assert first.css_class == "gantt-engineering" and first.late_days == 0
    assert chart.today_x == 11 * day + day // 2


def test_every_dependency_is_an_arrow_from_the_end_to_the_start(project, chain):
    chart = _chart(project)
    first, second, _third = chart.bars

    assert len(chart.arrows) == 2
    end_of_first = first.x + first.width
    assert chart.arrows[0].startswith(f"M{end_of_first},")
    assert chart.arrows[0].endswith(f"H{second.x - 1}")


def test_the_header_speaks_the_readers_language(project, chain):
    with translation.override("nl"):
        months = [tick.label for tick in _chart(project, "Day").major_ticks]
        weeks = [tick.label for tick in _chart(project, "Week").minor_ticks]
    with translation.override("fr"):
        french = [tick.label for tick in _chart(project, "Day").major_ticks]

    assert months == ["Feb", "maart 2027"]  # February is cut short by the edge: its short name
    assert "wk 10" in weeks
    assert french[1] == "mars 2027"


def test_weekends_are_shaded_and_today_is_left_out_when_the_plan_does_not_span_it(project, chain):
    chart = _chart(project, today=D(2030, 1, 1))

    assert chart.today_x is None
    # 27-28 February 2027 is a weekend: the first band covers both days.
    assert (chart.weekends[0].x, chart.weekends[0].width) == (0, 2 * SCALES["Day"])
    assert _chart(project, "Month").weekends == []


def test_a_milestone_is_a_diamond_on_its_day(project):
    TaskFactory(
        project=project, kind=TaskKind.MILESTONE, planned_start=D(2027, 5, 3), planned_end=D(2027, 5, 3)
    )
    bar = _chart(project).bars[0]

    assert bar.is_milestone
    assert bar.milestone_points.count(",") == 4


def test_the_page_shows_the_task_names_and_dates_in_french(client, project, chain):
    manager = project.project_manager
    manager.preferred_language = "fr"
    manager.save(update_fields=["preferred_language"])
    client.force_login(manager)

    response = client.get(f"/projects/{project.pk}/plan/gantt/?mode=Day", headers={"accept-language": "fr"})

    body = response.text
    assert response.status_code == 200
    assert "Step 1" in body and "01/03/2027" in body and "mars 2027" in body
    assert body.count('class="gantt-bar ') == 3 and body.count('data-editable="1"') == 3
    assert " style=" not in body.split('id="gantt-chart"')[1]  # the CSP forbids inline styles


def test_the_page_takes_the_same_queries_for_three_tasks_and_thirty(
    client, project, chain, django_assert_num_queries
):
    client.force_login(project.project_manager)
    with CaptureQueriesContext(connection) as small:
        client.get(f"/projects/{project.pk}/plan/gantt/")
    for number in range(4, 31):
        TaskFactory(project=project, wbs_code=str(number), sort_order=number)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(f"/projects/{project.pk}/plan/gantt/")
    assert response.text.count('class="gantt-bar ') == 30


def test_dragging_a_bar_moves_the_task_and_reschedules_its_successors_with_history(client, project, chain):
    first, second, _third = chain
    history_before = first.history.count()
    client.force_login(project.project_manager)

    response = client.post(
        f"/projects/tasks/{first.pk}/reschedule/",
        {"planned_start": "2027-03-08", "planned_end": "2027-03-12", "mode": "Day"},
    )

    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.planned_start, first.planned_end) == (D(2027, 3, 8), D(2027, 3, 12))
    assert (second.planned_start, second.planned_end) == (D(2027, 3, 13), D(2027, 3, 17))
    assert first.history.count() == history_before + 1
    assert first.history.first().history_user == project.project_manager
    # The answer is the redrawn chart, in the chosen zoom, saying what moved.
    assert response.text.lstrip().startswith('<div id="gantt-chart"')
    assert 'data-scale="Day"' in response.text
    assert "2 successors re-scheduled" in response.text and str(second) in response.text


def test_dragging_the_end_only_changes_the_end(client, project, chain):
    first = chain[0]
    client.force_login(project.project_manager)

    client.post(
        f"/projects/tasks/{first.pk}/reschedule/",
        {"planned_start": "2027-03-01", "planned_end": "2027-03-03"},
    )

    first.refresh_from_db()
    assert (first.planned_start, first.planned_end) == (D(2027, 3, 1), D(2027, 3, 3))


@pytest.mark.parametrize("role", [Role.FINANCE, Role.ENGINEERING_MANAGER])
def test_a_reader_cannot_drag_and_nothing_changes(client, project, chain, role):
    first = chain[0]
    reader = user_with_role(role)
    client.force_login(reader)

    page = client.get(f"/projects/{project.pk}/plan/gantt/")
    response = client.post(
        f"/projects/tasks/{first.pk}/reschedule/",
        {"planned_start": "2027-04-01", "planned_end": "2027-04-05"},
    )

    assert page.status_code == 200 and 'data-editable="1"' not in page.text
    assert response.status_code == 403
    first.refresh_from_db()
    assert (first.planned_start, first.planned_end) == (D(2027, 3, 1), D(2027, 3, 5))
    assert first.history.count() == 1


def test_an_end_before_the_start_is_refused_with_a_message_and_nothing_changes(client, project, chain):
    first = chain[0]
    client.force_login(project.project_manager)

    with translation.override("nl"):
        response = client.post(
            f"/projects/tasks/{first.pk}/reschedule/",
            {"planned_start": "2027-03-10", "planned_end": "2027-03-02"},
            headers={"accept-language": "nl"},
        )

    assert response.status_code == 400
    assert 'id="gantt-chart"' in response.text and "alert-danger" in response.text
    first.refresh_from_db()
    assert (first.planned_start, first.planned_end) == (D(2027, 3, 1), D(2027, 3, 5))


def test_moving_a_milestone_keeps_it_one_day(client, project):
    milestone = TaskFactory(
        project=project, kind=TaskKind.MILESTONE, planned_start=D(2027, 5, 3), planned_end=D(2027, 5, 3)
    )
    client.force_login(project.project_manager)

    client.post(
        f"/projects/tasks/{milestone.pk}/reschedule/",
        {"planned_start": "2027-05-10", "planned_end": "2027-05-12"},
    )

    milestone.refresh_from_db()
    assert (milestone.planned_start, milestone.planned_end) == (D(2027, 5, 10), D(2027, 5, 10))


def test_the_capacity_view_opens_on_the_weeks_where_the_project_has_work(client, project):
    from tests.factories import AssignmentFactory, ResourceFactory

    engineer, other = ResourceFactory(name="Engineer on it"), ResourceFactory(name="Someone else")
    task = TaskFactory(project=project, planned_start=D(2031, 6, 11), planned_end=D(2031, 6, 20))
    AssignmentFactory(task=task, resource=engineer)
    AssignmentFactory(task=TaskFactory(), resource=other)
    client.force_login(user_with_role(Role.PM_SUPPORT))

    response = client.get(f"/projects/capacity/?project={project.pk}")
    by_resource = client.get(f"/projects/capacity/?resource={engineer.pk}")

    assert response.status_code == 200
    assert response.context["weeks"][0] == D(2031, 6, 9)  # the Monday of the task's first week
    assert [row.resource for row in response.context["rows"]] == [engineer]
    assert by_resource.context["weeks"][0] == D(2031, 6, 9)
    # Without a focus it stays on this week, with everyone.
    plain = client.get("/projects/capacity/")
    assert plain.context["weeks"][0] != D(2031, 6, 9)
    assert {row.resource for row in plain.context["rows"]} >= {engineer, other}


def test_the_capacity_view_refuses_a_project_the_user_cannot_see(client):
    hidden = ProjectFactory()
    other_manager = ProjectFactory().project_manager
    client.force_login(other_manager)

    assert client.get("/projects/capacity/").status_code == 200
    assert client.get(f"/projects/capacity/?project={hidden.pk}").status_code == 404
