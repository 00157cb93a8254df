"""A steering committee in French, as the people who run it click through it: the PM plans it and the
registers propose its agenda, the minutes write an action and a decision into the registers (linked back
to the meeting), the PMO closes the minutes and every attendee gets one email with the PDF; an attendee
sees the unread count in the top bar and marks it read."""

import os
from datetime import date, timedelta
from importlib import import_module
from io import BytesIO

import pytest
from django.apps import apps
from django.core import mail
from icalendar import Calendar
from pypdf import PdfReader

from pmo.roles import Role
from projects.models import Action, ChangeRequest, Decision, Meeting, MeetingStatus, Phase
from tests.browser.conftest import browser_user, sign_in
from tests.browser.screens import save_screenshot, screenshot_dir
from tests.factories import ActionFactory, ChangeRequestFactory, ProjectFactory, RiskFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = screenshot_dir("meetings")


def _shot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    save_screenshot(page, f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def steering_setup(db):
    # The transactional test flushed the rows the migrations ship: install them again.
    import_module("projects.migrations.0006_registers_defaults").create_defaults(apps, None)
    import_module("projects.migrations.0010_meeting_types").install(apps, None)
    manager = browser_user(Role.PROJECT_MANAGER, "chef")
    pmo = browser_user(Role.PM_SUPPORT, "pmo")
    for user, name in ((manager, "Claire Dupont"), (pmo, "Marc Lambert")):
        user.preferred_language, user.display_name = "fr", name
        user.save(update_fields=["preferred_language", "display_name"])
    project = ProjectFactory(phase=Phase.EXECUTION, project_manager=manager, support_officer=pmo)
    contact = project.customer.contacts.create(
        name="Sophie Martin", email="sophie.martin@client.be", language="fr"
    )
    ActionFactory(project=project, title="Valider les plans du local technique", owner=manager)
    RiskFactory(project=project, title="Retard de livraison des switches", probability=5, impact=4)
    ChangeRequestFactory(
        project=project, title="Extension au 3e étage", status=ChangeRequest.Status.SUBMITTED
    )
    return project, manager, pmo, contact


def test_a_steering_committee_from_planning_to_minutes_sent(browser, live_server, page, steering_setup):
    project, manager, pmo, contact = steering_setup
    sign_in(page, "chef")

    # The PM plans the steering committee in French.
    page.goto(f"/projects/{project.pk}/meetings/")
    page.get_by_role("link", name="Planifier une réunion").click()
    page.select_option("select[name=meeting_type]", label="Comité de pilotage")
    page.fill("input[name=title]", "Comité de pilotage de décembre")
    page.fill("input[name=starts_at]", "2026-12-14T14:00")
    page.fill("input[name=duration_minutes]", "90")
    page.fill("input[name=place]", "Bruxelles, salle 3")
    page.select_option("select[name=language]", "fr")
    page.get_by_label("Claire Dupont").check()
    page.get_by_label("Marc Lambert").check()
    page.get_by_label("Sophie Martin").check()
    _shot(page, "01-plan-fr")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    meeting = Meeting.objects.get()
    assert page.url.endswith(meeting.get_absolute_url())
    # The type's default agenda, in French.
    assert "Approbation du procès-verbal précédent" in page.locator("[data-item='1']").inner_text()

    # The registers propose the open action, the high risk and the change request.
    proposals = page.locator("#proposals").inner_text()
    assert "Valider les plans du local technique" in proposals
    assert "Retard de livraison des switches" in proposals
    assert "Extension au 3e étage" in proposals
    _shot(page, "02-proposals-fr")
    page.get_by_role("button", name="Mettre à l'ordre du jour").click()
    page.wait_for_load_state()
    assert meeting.agenda_items.exclude(change_request=None).count() == 1

    # The invitation goes with its calendar file.
    mail.outbox.clear()
    page.get_by_role("button", name="Envoyer l'invitation").click()
    page.wait_for_load_state()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([manager.email, pmo.email, contact.email])
    ics = mail.outbox[0].attachments[0]
    assert ics[2] == "text/calendar"
    assert Calendar.from_ical(ics[1]).walk("VEVENT")[0]["location"] == "Bruxelles, salle 3"

    # The minutes of the change request's item: a discussion, an action and a decision.
    item = meeting.agenda_items.exclude(change_request=None).get()
    card = page.locator(f"#item-{item.pk}")
    card.locator("textarea[name=discussion]").fill("Le comité accepte l'extension si le budget suit.")
    card.get_by_role("button", name="Enregistrer le procès-verbal").click()
    page.wait_for_load_state()
    card = page.locator(f"#item-{item.pk}")
    card.locator("[data-raise=action] summary").click()
    action_form = card.locator("[data-raise=action] form")
    action_form.locator("input[name=title]").fill("Chiffrer l'extension au 3e étage")
    action_form.locator("select[name=owner]").select_option(label="Claire Dupont")
    action_form.locator("input[name=due_date]").fill((date.today() + timedelta(days=10)).isoformat())
    action_form.get_by_role("button", name="Inscrire dans le registre des actions").click()
    page.wait_for_load_state()
    card = page.locator(f"#item-{item.pk}")
    card.locator("[data-raise=decision] summary").click()
    decision_form = card.locator("[data-raise=decision] form")
    decision_form.locator("input[name=title]").fill("Extension acceptée sous réserve du budget")
    decision_form.get_by_role("button", name="Inscrire dans le registre des décisions").click()
    page.wait_for_load_state()
    raised = page.locator(f"#item-{item.pk} [data-raised]").inner_text()
    assert "Chiffrer l'extension" in raised and "Extension acceptée" in raised
    _shot(page, "03-minutes-fr")

    # Both are in the registers, linked to the meeting and to the change request.
    action = Action.objects.get(meeting_item=item)
    decision = Decision.objects.get(meeting_item=item)
    assert action.change_request == item.change_request == decision.change_request
    page.goto(f"/projects/{project.pk}/actions/")
    row = page.locator("tr", has_text="Chiffrer l'extension")
    assert "M-1" in row.locator("[data-meeting-link]").inner_text()
    _shot(page, "04-action-register-fr")
    row.locator("[data-meeting-link]").click()
    page.wait_for_load_state()
    assert meeting.get_absolute_url() in page.url
    page.goto(decision.get_absolute_url())
    assert "M-1" in page.locator("main").inner_text()

    page.goto(meeting.get_absolute_url())
    page.get_by_role("button", name="Marquer comme tenue").click()
    page.wait_for_load_state()
    # The PM may not close the minutes: the button is not theirs.
    assert page.get_by_role("button", name="Clôturer et envoyer le procès-verbal").count() == 0

    # The PMO closes the minutes: one email each, with the PDF in French.
    pmo_context = browser.new_context(base_url=live_server.url, locale="fr-BE")
    pmo_page = pmo_context.new_page()
    sign_in(pmo_page, "pmo")
    pmo_page.goto(meeting.get_absolute_url())
    mail.outbox.clear()
    pmo_page.once("dialog", lambda dialog: dialog.accept())
    pmo_page.get_by_role("button", name="Clôturer et envoyer le procès-verbal").click()
    pmo_page.wait_for_load_state()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.MINUTES_CLOSED
    assert sorted(m.to[0] for m in mail.outbox) == sorted([manager.email, pmo.email, contact.email])
    for message in mail.outbox:
        assert message.subject.startswith("Procès-verbal")
        ((filename, content, mimetype),) = message.attachments
        assert mimetype == "application/pdf" and filename.endswith("M-1-minutes.pdf")
        text = PdfReader(BytesIO(content)).pages[0].extract_text()
        assert "Comité de pilotage" in text and "Chiffrer l'extension" in text
    assert pmo_page.locator("textarea[name=discussion]").count() == 0  # frozen
    _shot(pmo_page, "05-minutes-closed-fr")
    pmo_context.close()

    # The PM, an attendee, sees the unread count and marks everything read.
    page.goto("/")
    badge = page.locator("#notifications-bell [data-unread-count]")
    badge.wait_for()
    assert badge.get_attribute("data-unread-count") == "2"  # the invitation and the minutes
    _shot(page, "06-bell-fr")
    page.get_by_role("link", name="Notifications").click()
    page.wait_for_load_state()
    assert "Procès-verbal" in page.locator("#notifications").inner_text()
    _shot(page, "07-notifications-fr")
    page.get_by_role("button", name="Tout marquer comme lu").click()
    page.wait_for_load_state()
    page.wait_for_timeout(300)
    assert page.locator("#notifications-bell [data-unread-count]").count() == 0
    assert manager.notifications.filter(read_at=None).count() == 0
    assert page.console_errors == []


def test_a_dutch_user_chooses_the_digest_and_reads_a_notification(page):
    from pmo.models import NotificationDelivery, NotificationEvent
    from pmo.services import notification_delivery_for, notification_send

    user = browser_user(Role.PROJECT_MANAGER, "jeroen")
    user.preferred_language = "nl"
    user.save(update_fields=["preferred_language"])
    project = ProjectFactory(phase=Phase.EXECUTION, project_manager=user)
    mail.outbox.clear()
    notification_send(
        recipient=user,
        event=NotificationEvent.RISK_REVIEW,
        subject=f"Risico R-1 van {project.code} herzien",
        body="...",
        link=f"/projects/{project.pk}/risks/",
        project=project,
    )
    sign_in(page, "jeroen")
    badge = page.locator("#notifications-bell [data-unread-count]")
    badge.wait_for()
    assert badge.get_attribute("data-unread-count") == "1"

    page.get_by_role("link", name="Meldingen").click()
    page.get_by_role("link", name="Hoe ik op de hoogte word gebracht").click()
    row = page.locator("tr", has_text="Een risico waarvan ik eigenaar ben moet herzien worden")
    row.locator(f"input[value={NotificationDelivery.DIGEST}]").check()
    _shot(page, "09-preferences-nl")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert notification_delivery_for(user=user, event="risk_review") == "digest"
    assert notification_delivery_for(user=user, event="handover") == "immediate"

    page.goto("/notifications/")
    page.get_by_role("button", name="Tonen").click()  # opens what it is about, and marks it read
    page.wait_for_load_state()
    assert page.url.endswith(f"/projects/{project.pk}/risks/")
    assert user.notifications.get().read_at is not None
    page.wait_for_timeout(300)
    assert page.locator("#notifications-bell [data-unread-count]").count() == 0
    assert page.console_errors == []
