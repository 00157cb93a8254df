"""The Gantt in a real browser, in Dutch: a PM drags a bar and its end, moves one with the keyboard;
successors follow, the CSP is never broken and the chart scrolls inside its own region."""

import datetime
import itertools
import os
from pathlib import Path

import pytest

from pmo.roles import Role
from projects import services
from projects.models import Task, TaskDependency
from tests.browser.conftest import browser_user, sign_in
from tests.browser.screens import save_screenshot
from tests.factories import ProjectFactory, TaskFactory

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path(os.environ.get("GANTT_SHOTS", "/nonexistent"))
D = datetime.date
FITS_THE_WINDOW = "el => el.getBoundingClientRect().right <= window.innerWidth"


def _shot(page, name: str) -> None:
    if SHOTS.is_dir():
        save_screenshot(page, str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def plan():
    manager = browser_user(Role.PROJECT_MANAGER, "pm-gantt")
    manager.preferred_language = "nl"
    manager.save(update_fields=["preferred_language"])
    project = ProjectFactory(project_manager=manager)
    tasks = [
        TaskFactory(
            project=project,
            wbs_code=str(number),
            name=f"Kabelwerk fase {number}",
            planned_start=D(2027, 3, 1) + datetime.timedelta(days=7 * (number - 1)),
            planned_end=D(2027, 3, 5) + datetime.timedelta(days=7 * (number - 1)),
            sort_order=number,
        )
        for number in range(1, 6)
    ]
    for before, after in itertools.pairwise(tasks):
        TaskDependency.objects.create(predecessor=before, successor=after)
    services.plan_baseline_create(project=project, name="Initial", actor=manager)
    return project, tasks


def _dates(task: Task) -> tuple[datetime.date, datetime.date]:
    task.refresh_from_db()
    return task.planned_start, task.planned_end


def test_a_project_manager_drags_bars_in_dutch_and_successors_follow(page, plan):
    project, tasks = plan
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, "pm-gantt")
    page.goto(f"/projects/{project.pk}/plan/gantt/?mode=Day")

    assert page.locator(".gantt-bar").count() == 5
    assert page.locator(".gantt-arrows path").count() == 4
    assert page.locator(".gantt-names").inner_text().count("Kabelwerk fase") == 5
    assert "maart 2027" in page.locator(".gantt-header").text_content()
    # The chart scrolls inside its own (focusable) region, which stays within the window.
    scroll = page.locator(".gantt-scroll")
    assert scroll.evaluate("el => el.scrollWidth > el.clientWidth")
    assert scroll.evaluate("el => getComputedStyle(el).overflowX") == "scroll"  # the scrollbar always shows
    assert page.locator(".gantt-frame").evaluate(FITS_THE_WINDOW)
    _shot(page, "gantt-nl-before")

    # Drag the first bar three days to the right (28 px a day in the day view).
    scroll.evaluate("el => { el.scrollLeft = 0; }")
    body = page.locator(f'.gantt-bar[data-task-id="{tasks[0].pk}"] .gantt-bar-body')
    box = body.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 20 + 3 * 28, box["y"] + box["height"] / 2, steps=6)
    page.mouse.up()
    page.wait_for_selector(".gantt-status .alert-success")

    assert _dates(tasks[0]) == (D(2027, 3, 4), D(2027, 3, 8))
    assert _dates(tasks[1]) == (D(2027, 3, 9), D(2027, 3, 13))
    assert "opvolger" in page.locator(".gantt-status").inner_text()
    _shot(page, "gantt-nl-dragged")

    # Drag the end of the last bar two days further.
    last = page.locator(f'.gantt-bar[data-task-id="{tasks[4].pk}"] .gantt-handle')
    last.scroll_into_view_if_needed()
    box = last.bounding_box()
    start_of_last, end_of_last = _dates(tasks[4])
    page.mouse.move(box["x"] + 3, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 3 + 2 * 28, box["y"] + box["height"] / 2, steps=4)
    page.mouse.up()
    new_end = (end_of_last + datetime.timedelta(days=2)).isoformat()
    page.locator(f'.gantt-bar[data-task-id="{tasks[4].pk}"][data-end="{new_end}"]').wait_for()
    assert _dates(tasks[4]) == (start_of_last, end_of_last + datetime.timedelta(days=2))

    # The keyboard does the same: focus the second bar, one day earlier.
    second = page.locator(f'.gantt-bar[data-task-id="{tasks[1].pk}"]')
    second.focus()
    page.keyboard.press("ArrowLeft")
    page.locator(f'.gantt-bar[data-task-id="{tasks[1].pk}"][data-start="2027-03-08"]').wait_for()
    assert _dates(tasks[1]) == (D(2027, 3, 8), D(2027, 3, 12))
    assert page.evaluate("document.activeElement.dataset.taskId") == str(tasks[1].pk)

    assert page.console_errors == []


def test_a_reader_sees_the_chart_but_no_bar_moves(page, plan):
    project, tasks = plan
    browser_user(Role.FINANCE, "finance-gantt")
    sign_in(page, "finance-gantt")
    page.goto(f"/projects/{project.pk}/plan/gantt/?mode=Day")

    assert page.locator(".gantt-bar").count() == 5
    assert page.locator('.gantt-bar[data-editable="1"]').count() == 0
    body = page.locator(f'.gantt-bar[data-task-id="{tasks[0].pk}"] .gantt-bar-body')
    box = body.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + 5)
    page.mouse.down()
    page.mouse.move(box["x"] + 150, box["y"] + 5, steps=5)
    page.mouse.up()
    page.wait_for_timeout(300)

    assert _dates(tasks[0]) == (D(2027, 3, 1), D(2027, 3, 5))
    assert page.console_errors == []


def test_the_chart_fits_a_phone(page, plan):
    project, _tasks = plan
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "pm-gantt")
    page.goto(f"/projects/{project.pk}/plan/gantt/")

    assert page.locator(".gantt-bar").count() == 5
    assert page.locator(".gantt-scroll").evaluate("el => el.scrollWidth > el.clientWidth")
    assert page.locator(".gantt-frame").evaluate(FITS_THE_WINDOW)
    assert page.locator(".gantt-toolbar").evaluate(FITS_THE_WINDOW)
    _shot(page, "gantt-nl-phone")
    assert page.console_errors == []
