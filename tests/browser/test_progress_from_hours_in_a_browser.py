"""A project manager working in Dutch switches a project to progress from hours and updates the remaining
work of a task on the plan: the row shows the approved hours and the progress they now give."""

import datetime
from decimal import Decimal

import pytest

from pmo.roles import Role
from projects.models import Phase, ProgressMethod, Project, Task, TaskKind
from projects.selectors.plan import iso_week_start
from projects.services import timesheets as timesheet_services
from tests.browser.conftest import browser_user, sign_in
from tests.browser.screens import save_screenshot, screenshot_dir
from tests.factories import AssignmentFactory, ProjectFactory, ResourceFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
SCREENSHOTS = screenshot_dir("progress")


def _project_with_approved_hours():
    """Two installation tasks of 40 h; 10 approved hours on the first this week."""
    monday = iso_week_start(datetime.date.today())
    pm = browser_user(Role.PROJECT_MANAGER, "pm-nl")
    pm.preferred_language = "nl"
    pm.save(update_fields=["preferred_language"])
    project = ProjectFactory(phase=Phase.EXECUTION, project_manager=pm, name="Campus Leuven")
    resource = ResourceFactory(user=UserFactory(), name="Jan Maes")
    tasks = [
        TaskFactory(
            project=project,
            kind=TaskKind.ADMINISTRATION,
            name=name,
            wbs_code=str(number),
            planned_start=monday,
            planned_end=monday + datetime.timedelta(days=4),
        )
        for number, name in enumerate(("Bekabeling", "Oplevering"), start=1)
    ]
    for task in tasks:
        AssignmentFactory(task=task, resource=resource, hours=Decimal("40"))
    for offset in range(2):
        timesheet_services.time_entry_set(
            resource=resource,
            task=tasks[0],
            day=monday + datetime.timedelta(days=offset),
            hours=Decimal("5"),
            actor=resource.user,
        )
    (sheet,) = timesheet_services.timesheet_week_submit(
        resource=resource, week_start=monday, actor=resource.user
    )
    timesheet_services.timesheet_approve(timesheet=sheet, actor=pm)
    return pm, project, tasks


def test_the_pm_switches_to_progress_from_hours_and_updates_remaining_work_in_dutch(browser, live_server):
    expect = pytest.importorskip("playwright.sync_api").expect
    pm, project, tasks = _project_with_approved_hours()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=live_server.url, locale="nl-BE")
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    sign_in(page, pm.username)

    page.goto(f"/projects/{project.pk}/update/")
    page.locator("#id_progress_method").select_option(ProgressMethod.HOURS)
    save_screenshot(page, str(SCREENSHOTS / "0-project-form-nl.png"), full_page=True)
    page.locator("main form.col-lg-8").get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    project.refresh_from_db()
    assert project.progress_method == ProgressMethod.HOURS

    page.goto(f"/projects/{project.pk}/plan/")
    row = page.locator(f"#task-row-{tasks[0].pk}")
    expect(row.locator("td").nth(8)).to_have_text("25 %")  # 10 approved of 40 planned hours
    expect(row.locator("td").nth(10)).to_have_text("10")
    expect(page.locator("#plan-summary")).to_contain_text("13 %")  # the mean of 25 and 0
    expect(row.locator("input[name=remaining_hours]")).to_have_attribute("placeholder", "30")
    save_screenshot(page, str(SCREENSHOTS / "1-plan-derived-nl.png"), full_page=True)

    row.locator("input[name=remaining_hours]").fill("2,5")
    row.locator("button[type=submit]").click()
    row = page.locator(f"#task-row-{tasks[0].pk}")
    expect(row.locator("td").nth(8)).to_have_text("80 %")  # the row comes back from htmx: 10 / 12,5
    expect(row.locator("input[name=remaining_hours]")).to_have_value("2,5")
    expect(page.locator("#plan-summary")).to_contain_text("40 %")  # (80 + 0) / 2, redrawn after the row
    save_screenshot(page, str(SCREENSHOTS / "2-remaining-set-nl.png"), full_page=True)
    task = Task.objects.get(pk=tasks[0].pk)
    assert task.remaining_hours == Decimal("2.5") and task.progress == 80
    assert Project.objects.get(pk=project.pk).history.first().history_user == pm

    page.reload()  # stored, not only drawn
    expect(page.locator(f"#task-row-{tasks[0].pk} input[name=remaining_hours]")).to_have_value("2,5")
    assert errors == []
    context.close()
