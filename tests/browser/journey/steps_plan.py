"""The PM takes the project through its first gates and plans it: tasks, a dependency, a move, a baseline."""

from datetime import date

from projects.models import Phase, PlanBaseline, Project, Task
from tests.browser.journey import (
    Journey,
    follow,
    messages_text,
    open_phase_page,
    open_project,
    submit,
    upload_document,
)


def pm_files_the_kick_off_minutes_and_opens_planning(journey: Journey) -> None:
    page = journey.as_("project_manager")
    project = open_project(journey, page)
    open_phase_page(page, project)
    gate = page.locator(".phase-gate[data-target=planning]")
    assert gate.locator(".gate-check[data-passed=no]").count() >= 1  # the kick-off minutes are missing
    assert gate.locator(f"a[href='/projects/{project.pk}/documents/']").count() == 1
    journey.shot(page, "gate-to-planning-closed")
    gate.locator(f"a[href='/projects/{project.pk}/documents/']").click()
    page.wait_for_load_state()
    assert page.locator("#required-documents .required-category").count() >= 3  # each line names its category
    upload_document(page, category="minutes", title="Verslag kick-off", phase="planning")
    open_phase_page(page, project)
    gate = page.locator(".phase-gate[data-target=planning]")
    assert gate.locator(".gate-check[data-passed=no]").count() == 0
    gate.locator("textarea[name=reason]").fill("Kick-off held")
    submit(page, gate.locator("button[type=submit]").first)
    assert Project.objects.get(pk=project.pk).phase == Phase.PLANNING, messages_text(page)


def pm_plans_three_tasks_with_a_dependency(journey: Journey) -> None:
    page = journey.as_("project_manager")
    project = open_project(journey, page)
    follow(page, rf"/projects/{project.pk}/plan/$")
    for wbs, name, start, end in (
        ("5", "Firewall cluster A", "2027-04-05", "2027-04-09"),
        ("6", "Firewall cluster B", "2027-04-12", "2027-04-16"),
        ("7", "Rule base review", "2027-04-05", "2027-04-07"),
    ):
        follow(page, rf"/projects/{project.pk}/plan/tasks/create/$")
        page.fill("input[name=wbs_code]", wbs)
        page.fill("input[name=name]", name)
        page.fill("input[name=planned_start]", start)
        page.fill("input[name=planned_end]", end)
        submit(page, "main form[method=post] button[type=submit]")
        assert name in page.inner_text("main"), messages_text(page)
    first, second = (Task.objects.get(project=project, wbs_code=code) for code in ("5", "6"))
    follow(page, rf"/projects/tasks/{second.pk}/update/$")
    page.select_option("select[name=predecessor]", str(first.pk))
    submit(page, "form[action$='/dependencies/create/'] button[type=submit]")
    assert second.predecessor_links.filter(predecessor=first).exists(), messages_text(page)
    journey.state["tasks"] = {"first": first.pk, "second": second.pk}


def pm_moves_a_task_and_sees_its_successor_move(journey: Journey) -> None:
    page = journey.as_("project_manager")
    project = open_project(journey, page)
    first = Task.objects.get(pk=journey.state["tasks"]["first"])
    follow(page, rf"/projects/{project.pk}/plan/$")
    follow(page, rf"/projects/tasks/{first.pk}/update/$")
    page.fill("input[name=planned_end]", "2027-04-14")  # cluster A takes a week longer
    submit(page, "main form[action$='/update/'] button[type=submit]")
    second = Task.objects.get(pk=journey.state["tasks"]["second"])
    assert second.planned_start == date(2027, 4, 15) and second.planned_end == date(2027, 4, 19)
    assert "Firewall cluster B" in page.inner_text("main")  # the page lists the successor it moved
    journey.shot(page, "successor-moved")


def pm_takes_the_baseline_and_opens_execution(journey: Journey) -> None:
    page = journey.as_("project_manager")
    project = open_project(journey, page)
    follow(page, rf"/projects/{project.pk}/plan/$")
    page.fill("form[action$='/baselines/create/'] input[name=name]", "Baseline 1")
    submit(page, "form[action$='/baselines/create/'] button[type=submit]")
    baseline = PlanBaseline.objects.get(project=project)
    assert baseline.rows.get(task_id=journey.state["tasks"]["second"]).planned_end == date(2027, 4, 19)
    follow(page, rf"/projects/{project.pk}/documents/$")
    upload_document(page, category="design", title="Beveiligingsontwerp", phase="execution")
    open_phase_page(page, project)
    gate = page.locator(".phase-gate[data-target=execution]")
    assert gate.locator(".gate-check[data-passed=no]").count() == 0, gate.inner_text()
    submit(page, gate.locator("button[type=submit]").first)
    assert Project.objects.get(pk=project.pk).phase == Phase.EXECUTION, messages_text(page)


STEPS = [
    pm_files_the_kick_off_minutes_and_opens_planning,
    pm_plans_three_tasks_with_a_dependency,
    pm_moves_a_task_and_sees_its_successor_move,
    pm_takes_the_baseline_and_opens_execution,
]
