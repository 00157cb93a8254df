"""Running the project: a risk, a change request, an ISO 9001 review, a near miss, progress and reports."""

import io
import re
from datetime import date, timedelta
from decimal import Decimal

from projects.models import ChangeRequest, PlanBaseline, Risk, Task
from quality.models import CorrectiveAction, Finding, FindingStatus, Review, SafetyIncident
from reporting.models import HighlightReport
from tests.browser.journey import Journey, follow, messages_text, open_project, submit


def pm_raises_a_p4_i5_risk_seen_in_both_heat_maps(journey: Journey) -> None:
    page = journey.as_("project_manager")
    project = open_project(journey, page)
    follow(page, rf"/projects/{project.pk}/risks/$")
    follow(page, rf"/projects/{project.pk}/risks/create/$")
    page.fill("input[name=title]", "Late delivery of the appliances")
    page.fill("textarea[name=cause]", "Chip shortage at the vendor")
    page.fill("textarea[name=event]", "The appliances arrive after the cut-over date")
    page.fill("textarea[name=effect]", "The cut-over moves and the customer charges a penalty")
    page.select_option("select[name=probability]", "4")
    page.select_option("select[name=impact]", "5")
    page.select_option("select[name=residual_probability]", "2")
    page.select_option("select[name=residual_impact]", "3")
    page.select_option("select[name=owner]", str(journey.user("project_manager").pk))
    page.fill("input[name=review_date]", "2027-04-01")
    submit(page, "main form[method=post] button[type=submit]")
    risk = Risk.objects.get(project=project, title="Late delivery of the appliances")
    assert (risk.inherent_score, risk.residual_score) == (20, 6), messages_text(page)
    follow(page, rf"/projects/{project.pk}/risks/$")
    inherent = page.locator("table[data-basis=inherent] td[data-p='4'][data-i='5']")
    residual = page.locator("table[data-basis=residual] td[data-p='2'][data-i='3']")
    assert inherent.inner_text().strip() == "1" and residual.inner_text().strip() == "1"
    row = page.locator("table.table-sort tbody tr", has_text=risk.reference)
    assert "20" in row.inner_text() and "6" in row.inner_text()  # both scores in the list
    journey.shot(page, "risk-heat-maps")
    inherent.locator("a").click()
    page.wait_for_load_state()
    assert "basis=inherent" in page.url and risk.reference in page.locator("table.table-sort").inner_text()
    journey.state["risk"] = risk.pk


def pm_changes_the_project_by_a_change_request(journey: Journey) -> None:
    page = journey.as_("project_manager")
    project = open_project(journey, page)
    budget_before = project.budget
    follow(page, rf"/projects/{project.pk}/change-requests/$")
    follow(page, rf"/projects/{project.pk}/change-requests/create/$")
    page.fill("input[name=title]", "Extra DMZ segment")
    page.fill("textarea[name=description]", "The customer asks for a third DMZ")
    page.fill("input[name=cost_impact]", "3000")
    page.select_option("select[name=cost_category]", "equipment")
    page.fill("input[name=time_impact_days]", "5")
    submit(page, "main form[method=post] button[type=submit]")
    change = ChangeRequest.objects.get(project=project, title="Extra DMZ segment")
    assert change.cost_impact == Decimal("3000.00"), messages_text(page)
    submit(page, "form[action$='/submit/'] button")
    submit(page, "form[action$='/assess/'] button")
    first = Task.objects.get(pk=journey.state["tasks"]["first"])
    page.check(f"input[name=tasks][value='{first.pk}']")
    journey.shot(page, "change-request-approve")
    submit(page, "form.change-request-approve button")
    change.refresh_from_db()
    project.refresh_from_db()
    assert change.status == ChangeRequest.Status.APPROVED, messages_text(page)
    assert project.budget == budget_before + Decimal("3000.00")
    first.refresh_from_db()
    second = Task.objects.get(pk=journey.state["tasks"]["second"])
    assert first.planned_end == date(2027, 4, 21)  # 14 April + five working days
    assert second.planned_start == date(2027, 4, 22)
    assert PlanBaseline.objects.filter(project=project).count() == 2
    assert change.baseline.rows.get(task=second).planned_start == date(2027, 4, 22)
    moved = messages_text(page)
    assert "Firewall cluster A" in moved and "Firewall cluster B" in moved
    journey.shot(page, "change-request-approved")


def pmo_runs_an_iso_9001_review_with_a_minor_nonconformity(journey: Journey) -> None:
    page = journey.as_("pm_support")
    project = open_project(journey, page)
    follow(page, rf"/quality/projects/{project.pk}/$")
    follow(page, rf"/quality/projects/{project.pk}/reviews/create/$")
    option = page.locator("select[name=template] option", has_text="9001").first
    page.select_option("select[name=template]", option.get_attribute("value"))
    page.select_option("select[name=reviewer]", str(journey.user("pm_support").pk))
    page.fill("input[name=scheduled_for]", date.today().isoformat())
    submit(page, "main form[method=post] button[type=submit]")
    review = Review.objects.get(project=project)
    forms = page.locator("form[action*='/quality/answers/']")
    for index in range(forms.count()):
        form = page.locator("form[action*='/quality/answers/']").nth(index)
        rating = "minor_nc" if index == 2 else "conform"
        form.locator("select[name=rating]").select_option(rating)
        if rating == "minor_nc":
            form.locator("textarea[name=comment]").fill("The risk register was not reviewed last month.")
        form.locator("input[name=evidence_reference]").fill("PID v1")
        with page.expect_response(lambda response: "/quality/answers/" in response.url):
            form.locator("button[type=submit]").click()
    page.fill("textarea[name=summary]", "Well run; one minor point.")
    submit(page, "form[action$='/complete/'] button[type=submit]")
    review.refresh_from_db()
    assert review.status == "completed", messages_text(page)
    finding = Finding.objects.get(project=project)
    assert finding.severity == "minor"
    journey.state["finding"] = finding.pk
    follow(page, rf"/quality/projects/{project.pk}/$")
    follow(page, rf"/quality/findings/{finding.pk}/$")
    page.fill("textarea[name=root_cause]", "The monthly register review is not in the PM's calendar.")
    submit(page, "main form[novalidate] button[type=submit]")
    page.fill("form[action$='/actions/create/'] textarea[name=description]", "Add a monthly register review")
    page.select_option(
        "form[action$='/actions/create/'] select[name=owner]", str(journey.user("project_manager").pk)
    )
    page.fill("form[action$='/actions/create/'] input[name=due_date]", "2027-05-01")
    submit(page, "form[action$='/actions/create/'] button[type=submit]")
    action = CorrectiveAction.objects.get(finding=finding)
    assert action.owner == journey.user("project_manager"), messages_text(page)


def pm_completes_the_corrective_action(journey: Journey) -> None:
    page = journey.as_("project_manager")
    project = open_project(journey, page)
    follow(page, rf"/quality/projects/{project.pk}/$")
    follow(page, rf"/quality/findings/{journey.state['finding']}/$")
    submit(page, "form[action$='/complete/'] button[type=submit]")
    assert CorrectiveAction.objects.get(finding_id=journey.state["finding"]).status == "done", messages_text(
        page
    )


def pmo_verifies_it_and_closes_the_finding(journey: Journey) -> None:
    page = journey.as_("pm_support")
    project = open_project(journey, page)
    follow(page, rf"/quality/projects/{project.pk}/$")
    follow(page, rf"/quality/findings/{journey.state['finding']}/$")
    page.fill(
        "form[action$='/verify/'] input[name=verification]", "Seen in the calendar and in the May minutes"
    )
    submit(page, "form[action$='/verify/'] button[type=submit]")
    action = CorrectiveAction.objects.get(finding_id=journey.state["finding"])
    assert action.status == "verified" and action.verified_by == journey.user("pm_support"), messages_text(
        page
    )
    submit(page, "form[action$='/close/'] button[type=submit]")
    assert Finding.objects.get(pk=journey.state["finding"]).status == FindingStatus.CLOSED, messages_text(
        page
    )


def pm_reports_a_near_miss(journey: Journey) -> None:
    page = journey.as_("project_manager")
    project = open_project(journey, page)
    follow(page, rf"/quality/projects/{project.pk}/safety/$")
    follow(page, rf"/quality/projects/{project.pk}/incidents/create/$")
    page.select_option("select[name=kind]", "near_miss")
    yesterday = date.today() - timedelta(days=1)
    page.fill("input[name=occurred_at]", f"{yesterday.isoformat()}T10:30")
    page.fill("input[name=place]", "Server room, floor -1")
    page.fill("textarea[name=description]", "A floor tile was left open next to the rack.")
    page.fill("textarea[name=immediate_actions]", "Tile closed, area taped off.")
    page.fill("textarea[name=root_cause]", "No one owned the tile after the cabling work.")
    submit(page, "main form[method=post] button[type=submit]")
    incident = SafetyIncident.objects.get(project=project)
    assert incident.kind == "near_miss", messages_text(page)
    journey.state["incident"] = incident.pk
    journey.shot(page, "near-miss")


def pm_writes_the_progress_update(journey: Journey) -> None:
    page = journey.as_("project_manager")
    project = open_project(journey, page)
    follow(page, rf"/reporting/projects/{project.pk}/$")
    follow(page, rf"/reporting/projects/{project.pk}/progress/create/$")
    page.fill("input[name=period_start]", _this_monday().isoformat())
    for dimension in ("schedule", "cost", "scope", "quality", "risk", "safety", "overall"):
        page.select_option(f"select[name=rag_{dimension}]", "amber" if dimension == "schedule" else "green")
    page.fill("textarea[name=done_this_period]", "Cluster A racked; rule base reviewed.")
    page.fill("textarea[name=planned_next]", "Cluster B staging.")
    page.fill("textarea[name=override_comment]", "The change request moved the cut-over by five days.")
    submit(page, "main form[method=post] button[type=submit]")
    assert project.progress_updates.filter(period_start=_this_monday()).exists(), messages_text(page)


def pm_gets_highlight_reports_in_dutch_and_french(journey: Journey) -> None:
    from pypdf import PdfReader

    page = journey.as_("project_manager")
    project = open_project(journey, page)
    follow(page, rf"/reporting/projects/{project.pk}/$")
    for language in ("nl", "fr"):
        form = page.locator("form[action$='/reports/create/']")
        form.locator("input[name=period_start]").fill(_this_monday().isoformat())
        form.locator("select[name=language]").select_option(language)
        submit(page, form.locator("button[type=submit]"))
        report = HighlightReport.objects.filter(project=project, language=language).latest("pk")
        assert report.is_downloadable, (report.status, messages_text(page))
        follow(page, r"/reporting/projects/\d+/$") if "/reports/" in page.url else None
        link = page.locator(f"a[href='/reporting/reports/{report.pk}/download/']").first
        response = page.context.request.get(link.get_attribute("href"))
        assert response.ok and response.headers["content-type"] == "application/pdf"
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
        flat = re.sub(r"\s+", " ", text)
        words = {"nl": ("Projectleider", "Periode"), "fr": ("Chef de projet", "Période")}[language]
        assert all(word in flat for word in words), (language, flat[:400])
        assert project.code in flat and "Cluster A racked" in flat
        digits = re.sub(r"[^\d,]", "", flat)
        assert "143000,00" in digits, digits[:300]  # the budget after the change request
        journey.state.setdefault("reports", []).append(report.pk)


def _this_monday() -> date:
    today = date.today()
    return today - timedelta(days=today.weekday())


STEPS = [
    pm_raises_a_p4_i5_risk_seen_in_both_heat_maps,
    pm_changes_the_project_by_a_change_request,
    pmo_runs_an_iso_9001_review_with_a_minor_nonconformity,
    pm_completes_the_corrective_action,
    pmo_verifies_it_and_closes_the_finding,
    pm_reports_a_near_miss,
    pm_writes_the_progress_update,
    pm_gets_highlight_reports_in_dutch_and_french,
]
