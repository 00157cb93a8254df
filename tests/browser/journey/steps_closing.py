"""Closing: the gate to closing, the closure validation, the hand-over to the SMO and the survey."""

import re
from datetime import date, timedelta

from django.core import mail

from projects.models import CLOSED_TASK_STATUSES, Lesson, Phase, Project, Risk, Task
from quality.models import ClosureValidation, Handover, HandoverStatus, SafetyIncident, SatisfactionSurvey
from tests.browser.journey import (
    Journey,
    follow,
    messages_text,
    open_phase_page,
    open_project,
    submit,
    upload_document,
)


def pm_finishes_the_work_and_opens_closing(journey: Journey) -> None:
    page = journey.as_("project_manager")
    project = open_project(journey, page)
    # The risk did not happen: the PM closes it with the reason.
    follow(page, rf"/projects/{project.pk}/risks/$")
    follow(page, rf"/projects/{project.pk}/risks/{journey.state['risk']}/$")
    page.fill("form[action$='/close/'] [name=reason]", "Appliances delivered on time")
    submit(page, "form[action$='/close/'] button")
    assert Risk.objects.get(pk=journey.state["risk"]).status == Risk.Status.CLOSED, messages_text(page)
    # Every task done, through its form, children before parents.
    follow(page, rf"^/projects/{project.pk}/$")
    for task in Task.objects.filter(project=project).order_by("-wbs_code"):
        follow(page, rf"/projects/{project.pk}/plan/$")
        follow(page, rf"/projects/tasks/{task.pk}/update/$")
        page.select_option("select[name=status]", "done")
        submit(page, "main form[action$='/update/'] button[type=submit]")
    open_tasks = Task.objects.filter(project=project).exclude(status__in=CLOSED_TASK_STATUSES)
    assert not open_tasks.exists(), (list(open_tasks.values_list("wbs_code", flat=True)), messages_text(page))
    # The near miss is closed: its root cause is known.
    follow(page, rf"/projects/{project.pk}/$")
    follow(page, rf"/quality/projects/{project.pk}/safety/$")
    follow(page, rf"/quality/incidents/{journey.state['incident']}/$")
    submit(page, "form[action$='/close/'] button")
    assert SafetyIncident.objects.get(pk=journey.state["incident"]).status == "closed", messages_text(page)
    follow(page, rf"/projects/{project.pk}/$")
    follow(page, rf"/projects/{project.pk}/documents/$")
    upload_document(page, category="acceptance", title="Opleveringsattest", phase="handed_over")
    open_phase_page(page, project)
    gate = page.locator(".phase-gate[data-target=closing]")
    assert gate.locator(".gate-check[data-passed=no]").count() == 0, gate.inner_text()
    journey.shot(page, "gate-to-closing-open")
    submit(page, gate.locator("button[type=submit]").first)
    assert Project.objects.get(pk=project.pk).phase == Phase.CLOSING, messages_text(page)


def pmo_validates_the_closure(journey: Journey) -> None:
    page = journey.as_("pm_support")
    project = open_project(journey, page)
    follow(page, rf"/projects/{project.pk}/lessons/$")
    follow(page, rf"/projects/{project.pk}/lessons/create/$")
    page.fill("input[name=title]", "Order the appliances at contract signature")
    page.select_option("select[name=category]", index=1)
    page.fill("textarea[name=what_happened]", "The vendor's lead time was twelve weeks.")
    page.fill("textarea[name=recommendation]", "Raise the order the day the contract is signed.")
    submit(page, "main form[method=post] button[type=submit]")
    assert Lesson.objects.filter(project=project).exists(), messages_text(page)
    follow(page, rf"/projects/{project.pk}/$")
    follow(page, rf"/quality/projects/{project.pk}/closure/$")
    page.select_option("select[name=contact]", label="Jan Peeters")
    submit(page, "form[action$='/survey/send/'] button[type=submit]")
    assert SatisfactionSurvey.objects.filter(project=project).count() == 1, messages_text(page)
    submit(page, "form[action$='/closure/evaluate/'] button[type=submit]")
    validation = ClosureValidation.objects.get(project=project)
    # The closure checklist, answered item by item with its evidence.
    follow(page, rf"/quality/reviews/{validation.checklist_id}/$")
    forms = page.locator("form[action*='/quality/answers/']")
    for index in range(forms.count()):
        form = page.locator("form[action*='/quality/answers/']").nth(index)
        form.locator("select[name=rating]").select_option("conform")
        form.locator("input[name=evidence_reference]").fill("Opleveringsattest")
        with page.expect_response(lambda response: "/quality/answers/" in response.url):
            form.locator("button[type=submit]").click()
    submit(page, "form[action$='/complete/'] button[type=submit]")
    assert validation.checklist.__class__.objects.get(pk=validation.checklist_id).status == "completed"
    follow(page, rf"^/projects/{project.pk}/$")
    follow(page, rf"/quality/projects/{project.pk}/closure/$")
    submit(page, "form[action$='/closure/evaluate/'] button[type=submit]")
    validation.refresh_from_db()
    failing = [result["label"] for result in validation.results if not result["is_passed"]]
    journey.state["closure_failing"] = failing
    journey.shot(page, "closure-evaluated")
    if failing:  # e.g. an invoice still in mismatch: only the head of PM lets the project close
        return
    assert validation.is_passed


def head_overrides_what_still_fails(journey: Journey) -> None:
    if not journey.state.get("closure_failing"):
        return
    page = journey.as_("head_of_pm")
    project = open_project(journey, page)
    follow(page, rf"/quality/projects/{project.pk}/closure/$")
    page.fill("form[action$='/closure/override/'] textarea[name=reason]", "Supplier credit note promised")
    submit(page, "form[action$='/closure/override/'] button[type=submit]")
    assert ClosureValidation.objects.get(project=project).is_passed, messages_text(page)


def pmo_prepares_the_hand_over(journey: Journey) -> None:
    import io

    from pypdf import PdfReader

    page = journey.as_("pm_support")
    project = open_project(journey, page)
    follow(page, rf"/quality/projects/{project.pk}/closure/$")
    follow(page, rf"/quality/projects/{project.pk}/handover/create/$")
    page.select_option("select[name=smo_owner]", str(journey.user("smo").pk))
    page.fill("input[name=service_name]", "Firewalls stadhuis")
    page.fill("textarea[name=scope]", "Two firewall clusters")
    page.fill("input[name=els_start]", date.today().isoformat())
    page.fill("input[name=els_end]", (date.today() + timedelta(days=30)).isoformat())
    submit(page, "main form[method=post] button[type=submit]")
    handover = Handover.objects.get(project=project)
    page.fill("input[name=configuration_item-name]", "fw-gent-01")
    page.fill("input[name=configuration_item-item_type]", "Firewall")
    submit(page, "form[action$='/configuration_item/add/'] button[type=submit]")
    assert handover.configuration_items.count() == 1, messages_text(page)
    submit(page, "form[action$='/submit/'] button")
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.SUBMITTED, messages_text(page)
    link = page.locator(f"a[href='/quality/handovers/{handover.pk}/pdf/']").first
    response = page.context.request.get(link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "fw-gent-01" in text and project.code in text
    journey.state["handover"] = handover.pk


def smo_accepts_the_hand_over(journey: Journey) -> None:
    page = journey.as_("smo")
    page.goto("/")
    follow(page, r"^/quality/handovers/$")
    follow(page, rf"/quality/handovers/{journey.state['handover']}/$")
    assert page.locator("#handover-blockers").count() == 0
    submit(page, "form[action$='/accept/'] button")
    handover = Handover.objects.get(pk=journey.state["handover"])
    assert handover.status == HandoverStatus.ACCEPTED, messages_text(page)
    assert handover.project.phase == Phase.HANDED_OVER
    journey.shot(page, "handover-accepted")


def customer_answers_the_survey_once(journey: Journey) -> None:
    survey = SatisfactionSurvey.objects.get(project_id=journey.state["project"])
    emailed = [message for message in mail.outbox if "jan.peeters@stad.gent" in message.to]
    assert emailed, [message.to for message in mail.outbox]
    link = re.search(r"https?://\S+/quality/survey/\S+/", emailed[-1].body).group(0)
    page = journey.anonymous()
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    for name, value in (("overall", "5"), ("quality", "4"), ("communication", "5"), ("timeliness", "4")):
        page.check(f"input[name={name}][value='{value}']")
    page.check("input[name=recommend][value='9']")
    page.fill("textarea[name=comment]", "Vlot verlopen")
    submit(page, "main form button[type=submit]")
    survey.refresh_from_db()
    assert survey.is_answered and survey.recommend == 9
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    assert page.locator("input[name=overall]").count() == 0  # answered once: no form any more
    journey.shot(page, "survey-answered")
    page.context.close()


STEPS = [
    pm_finishes_the_work_and_opens_closing,
    pmo_validates_the_closure,
    head_overrides_what_still_fails,
    pmo_prepares_the_hand_over,
    smo_accepts_the_hand_over,
    customer_answers_the_survey_once,
]
