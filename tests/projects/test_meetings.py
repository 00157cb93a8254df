"""Meetings and minutes: planning, the agenda the registers propose, minutes that write into the registers,
closing by the PMO and the minutes sent once to each attendee, the calendar file, and who may do what."""

from datetime import date, datetime, timedelta
from importlib import import_module
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from pmo.models import Notification, NotificationDelivery, NotificationPreference
from pmo.roles import Role
from projects.models import (
    Action,
    ChangeRequest,
    Decision,
    Issue,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    MeetingType,
    MinutesDistribution,
    Phase,
    Risk,
)
from projects.selectors.meetings import meeting_agenda_proposals
from projects.services import meetings as services
from tests.factories import (
    ActionFactory,
    ChangeRequestFactory,
    CustomerContactFactory,
    IssueFactory,
    ProjectFactory,
    RiskFactory,
    user_with_role,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("postgres_only", "meeting_defaults")]


@pytest.fixture
def meeting_defaults(db):
    """The shipped meeting types and risk bands (a transactional test elsewhere may have flushed them)."""
    from django.apps import apps

    import_module("projects.migrations.0006_registers_defaults").create_defaults(apps, None)
    import_module("projects.migrations.0010_meeting_types").install(apps, None)


@pytest.fixture
def project():
    return ProjectFactory(phase=Phase.EXECUTION)


@pytest.fixture
def pmo():
    return user_with_role(Role.PM_SUPPORT, preferred_language="fr")


@pytest.fixture
def contact(project):
    return CustomerContactFactory(customer=project.customer, language="nl")


def _steering(project, *, users=(), contacts=(), language="fr") -> Meeting:
    return services.meeting_create(
        project=project,
        actor=project.project_manager,
        meeting_type=MeetingType.objects.get(code="steering-committee"),
        title="Comité de pilotage de décembre",
        starts_at=timezone.make_aware(datetime(2026, 12, 14, 14, 0)),
        duration_minutes=90,
        place="Bruxelles, salle 3",
        language=language,
        users=users,
        contacts=contacts,
    )


def test_it_plans_a_meeting_with_the_default_agenda_in_its_language(project, contact):
    meeting = _steering(project, users=[project.project_manager], contacts=[contact])
    assert meeting.reference == "M-1"
    assert [item.title for item in meeting.agenda_items.all()][:2] == [
        "Approbation du procès-verbal précédent",
        "Avancement, budget et prévisions",
    ]
    assert {str(attendee) for attendee in meeting.attendees.all()} == {
        str(project.project_manager),
        contact.name,
    }
    assert meeting.history.count() == 1


def test_it_refuses_a_contact_of_another_customer_and_saves_nothing(project):
    stranger = CustomerContactFactory()
    with pytest.raises(ValidationError):
        _steering(project, contacts=[stranger])
    assert not Meeting.objects.exists()


def test_the_registers_propose_their_open_points_once(project):
    meeting = _steering(project)
    open_action = ActionFactory(project=project, title="Order the switches")
    ActionFactory(project=project, title="Done already", status=Action.Status.DONE)
    high_risk = RiskFactory(project=project, probability=5, impact=5, title="Supplier may fail")
    RiskFactory(project=project, probability=1, impact=1, title="Tiny risk")
    waiting_issue = IssueFactory(project=project, title="Which cabling?")
    IssueFactory(project=project, title="Decided", decision="Cat 6A")
    change = ChangeRequestFactory(project=project, status=ChangeRequest.Status.SUBMITTED)
    ChangeRequestFactory(project=ProjectFactory(), status=ChangeRequest.Status.SUBMITTED)

    keys = [proposal.key for proposal in meeting_agenda_proposals(meeting=meeting)]
    assert keys == [
        f"risk:{high_risk.pk}",
        f"action:{open_action.pk}",
        f"issue:{waiting_issue.pk}",
        f"change_request:{change.pk}",
    ]
    items = services.agenda_items_add_proposed(meeting=meeting, actor=project.project_manager, keys=keys)
    assert [item.source for item in items] == [high_risk, open_action, waiting_issue, change]
    assert meeting_agenda_proposals(meeting=meeting) == []


def test_it_refuses_an_entry_of_another_project_on_the_agenda(project):
    meeting = _steering(project)
    foreign = ActionFactory(project=ProjectFactory())
    before = meeting.agenda_items.count()
    with pytest.raises(ValidationError):
        services.agenda_items_add_proposed(
            meeting=meeting, actor=project.project_manager, keys=[f"action:{foreign.pk}"]
        )
    assert meeting.agenda_items.count() == before


def test_minutes_write_actions_decisions_and_risks_in_the_registers_linked_to_the_meeting(project):
    meeting = _steering(project)
    change = ChangeRequestFactory(project=project, status=ChangeRequest.Status.ASSESSED)
    (item,) = services.agenda_items_add_proposed(
        meeting=meeting, actor=project.project_manager, keys=[f"change_request:{change.pk}"]
    )
    pm = project.project_manager
    services.agenda_item_minutes_record(item=item, actor=pm, discussion="Le comité accepte l'extension.")
    action = services.agenda_item_action_create(
        item=item, actor=pm, title="Commander les switches", owner=pm, due_date=date(2026, 12, 20)
    )
    decision = services.agenda_item_decision_create(item=item, actor=pm, title="Extension acceptée")
    risk = services.agenda_item_risk_create(
        item=item, actor=pm, title="Délai fournisseur", owner=pm, probability=4, impact=4
    )
    assert (action.meeting_item, action.change_request, action.project) == (item, change, project)
    assert (decision.meeting_item, decision.decision_body) == (item, "Steering committee")
    assert decision.decided_on == date(2026, 12, 14)
    assert risk.meeting_item == item and risk.reference == "R-1"
    assert action.raised_in.startswith("M-1")
    assert action.history.first().history_user == pm


def test_nothing_changes_once_the_minutes_are_closed(project, pmo):
    meeting = _steering(project, users=[project.project_manager])
    item = meeting.agenda_items.first()
    services.meeting_hold(meeting=meeting, actor=project.project_manager)
    services.meeting_minutes_close(meeting=meeting, actor=pmo)
    with pytest.raises(ValidationError):
        services.agenda_item_action_create(
            item=item, actor=pmo, title="Too late", owner=pmo, due_date=date(2026, 12, 20)
        )
    with pytest.raises(ValidationError):
        services.agenda_item_minutes_record(item=item, actor=pmo, discussion="changed")
    item.refresh_from_db()
    assert item.discussion == "" and not Action.objects.exists()


def test_closing_sends_each_attendee_one_email_with_the_pdf_once(
    project, pmo, contact, mailoutbox, django_capture_on_commit_callbacks
):
    engineer = user_with_role(Role.PROJECT_MANAGER, preferred_language="nl")
    meeting = _steering(project, users=[project.project_manager, engineer], contacts=[contact])
    services.meeting_hold(meeting=meeting, actor=project.project_manager)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # eager Celery: sent on commit
        services.meeting_minutes_close(meeting=meeting, actor=pmo)
    recipients = sorted(address for message in mailoutbox for address in message.to)
    assert recipients == sorted([project.project_manager.email, engineer.email, contact.email])
    for message in mailoutbox:
        ((filename, content, mimetype),) = message.attachments
        assert (filename, mimetype) == (f"{project.code}-M-1-minutes.pdf", "application/pdf")
        assert "Comité de pilotage" in PdfReader(BytesIO(content)).pages[0].extract_text()
    distribution = MinutesDistribution.objects.get(meeting=meeting)
    assert (distribution.status, distribution.sent_count) == ("done", 3)
    assert Notification.objects.filter(event="meeting_minutes").count() == 2  # users, not the contact

    MinutesDistribution.objects.filter(pk=distribution.pk).update(status="queued")
    assert services.meeting_minutes_distribute(distribution_id=distribution.pk)
    assert len(mailoutbox) == 3  # a second delivery of the task finds every attendee served


def test_a_user_who_chose_the_digest_gets_no_immediate_minutes(
    project, pmo, mailoutbox, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=project.project_manager, event="meeting_minutes", delivery=NotificationDelivery.DIGEST
    )
    meeting = _steering(project, users=[project.project_manager])
    services.meeting_hold(meeting=meeting, actor=project.project_manager)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_minutes_close(meeting=meeting, actor=pmo)
    assert mailoutbox == []
    assert Notification.objects.get(recipient=project.project_manager).delivery == "digest"


def test_the_invitation_carries_an_icalendar_request(project, contact, mailoutbox):
    meeting = _steering(project, users=[project.project_manager], contacts=[contact])
    assert services.meeting_invitations_send(meeting_id=meeting.pk) == 2
    assert services.meeting_invitations_send(meeting_id=meeting.pk) == 0
    assert len(mailoutbox) == 2
    (filename, content, mimetype) = mailoutbox[0].attachments[0]
    assert (filename, mimetype) == ("M-1.ics", "text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["uid"]) == meeting.ical_uid
    assert event.decoded("dtstart") == meeting.starts_at
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=90)
    assert sorted(str(a) for a in event.get("attendee")) == sorted(
        [f"mailto:{project.project_manager.email}", f"mailto:{contact.email}"]
    )


# Pages ---------------------------------------------------------------------------------------------


def _url(name, meeting, *extra):
    return reverse(f"projects:{name}", args=[meeting.project_id, meeting.pk, *extra])


def test_it_plans_a_meeting_through_the_page(client, project, contact):
    client.force_login(project.project_manager)
    response = client.post(
        reverse("projects:meeting-create", args=[project.pk]),
        {
            "meeting_type": MeetingType.objects.get(code="site-weekly").pk,
            "title": "Werfvergadering week 51",
            "starts_at": "2026-12-16T09:00",
            "duration_minutes": "60",
            "place": "Gent",
            "language": "nl",
            "users": [project.project_manager.pk],
            "contacts": [contact.pk],
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    assert meeting.agenda_items.first().title == "Veiligheid op de werf"
    assert meeting.attendees.count() == 2


def test_a_project_manager_may_not_close_the_minutes(client, project):
    meeting = _steering(project, users=[project.project_manager])
    services.meeting_hold(meeting=meeting, actor=project.project_manager)
    client.force_login(project.project_manager)
    response = client.post(_url("meeting-transition", meeting, "close-minutes"))
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and not MinutesDistribution.objects.exists()


def test_someone_outside_the_project_sees_nothing_and_changes_nothing(client, project):
    meeting = _steering(project)
    client.force_login(user_with_role(Role.PROJECT_MANAGER))
    assert client.get(_url("meeting-detail", meeting)).status_code == 404
    assert client.get(_url("meeting-pdf", meeting)).status_code == 404
    item = meeting.agenda_items.first()
    response = client.post(_url("agenda-item-minutes", meeting, item.pk), {"discussion": "hacked"})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.discussion == ""


def test_a_reader_may_look_but_not_write_the_minutes(client, project):
    meeting = _steering(project)
    client.force_login(user_with_role(Role.FINANCE))
    assert client.get(_url("meeting-detail", meeting)).status_code == 200
    item = meeting.agenda_items.first()
    response = client.post(
        _url("agenda-item-raise", meeting, item.pk, "decision"), {"title": "Sneaky decision"}
    )
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_the_action_views_refuse_get(client, project):
    meeting = _steering(project)
    client.force_login(project.project_manager)
    assert client.get(_url("meeting-transition", meeting, "hold")).status_code == 405
    assert client.get(_url("meeting-invite", meeting)).status_code == 405


def test_the_minutes_page_writes_a_decision_that_the_register_shows_linked(client, project):
    meeting = _steering(project)
    item = meeting.agenda_items.first()
    client.force_login(project.project_manager)
    response = client.post(
        _url("agenda-item-raise", meeting, item.pk, "decision"), {"title": "Planning approuvé"}
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert decision.meeting_item == item
    page = client.get(reverse("projects:decision-list", args=[project.pk])).content.decode()
    assert f'href="{item.get_absolute_url()}" data-meeting-link' in page
    detail = client.get(decision.get_absolute_url()).content.decode()
    assert item.get_absolute_url() in detail


def test_the_pdf_and_calendar_downloads(client, project):
    meeting = _steering(project, users=[project.project_manager])
    client.force_login(project.project_manager)
    pdf = client.get(_url("meeting-pdf", meeting))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    ics = client.get(_url("meeting-ics", meeting))
    assert Calendar.from_ical(ics.content).walk("VEVENT")[0]["location"] == "Bruxelles, salle 3"


def test_the_meeting_list_and_page_have_a_fixed_number_of_queries(
    client, project, django_assert_max_num_queries
):
    client.force_login(project.project_manager)
    for _ in range(3):
        _steering(
            project,
            users=[project.project_manager],
            contacts=[CustomerContactFactory(customer=project.customer)],
        )
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("projects:meeting-list", args=[project.pk]))
    for _ in range(5):
        _steering(project, users=[project.project_manager])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("projects:meeting-list", args=[project.pk]))
    meeting = Meeting.objects.first()
    for index in range(3):
        ActionFactory(project=project, title=f"Open {index}")
    with django_assert_max_num_queries(40) as detail:
        client.get(meeting.get_absolute_url())
    item = meeting.agenda_items.first()
    for index in range(4):
        services.agenda_item_action_create(
            item=item,
            actor=project.project_manager,
            title=f"A{index}",
            owner=project.project_manager,
            due_date=date(2026, 12, 30),
        )
        IssueFactory(project=project)
        RiskFactory(project=project, probability=5, impact=5)
    with django_assert_max_num_queries(len(detail.captured_queries)):
        client.get(meeting.get_absolute_url())


def test_meeting_states_only_move_through_the_workflow(project, pmo):
    meeting = _steering(project, users=[project.project_manager])
    with pytest.raises(ValidationError):
        services.meeting_minutes_close(meeting=meeting, actor=pmo)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED and not MinutesDistribution.objects.exists()
    assert Risk.objects.count() == 0 and Issue.objects.count() == 0
    assert MeetingAttendee.objects.filter(meeting=meeting).count() == 1


def test_a_moved_meeting_sends_an_updated_invitation_to_everyone(project, contact, mailoutbox):
    meeting = _steering(project, users=[project.project_manager], contacts=[contact])
    services.meeting_invitations_send(meeting_id=meeting.pk)
    services.meeting_update(
        meeting=meeting, actor=project.project_manager, starts_at=meeting.starts_at + timedelta(days=1)
    )
    assert services.meeting_invitations_send(meeting_id=meeting.pk) == 2
    event = Calendar.from_ical(mailoutbox[-1].attachments[0][1]).walk("VEVENT")[0]
    assert (str(event["uid"]), int(event["sequence"])) == (meeting.ical_uid, 1)
    assert event.decoded("dtstart") == meeting.starts_at + timedelta(days=1)


def test_an_unchanged_meeting_is_not_sent_again(project, contact, mailoutbox):
    meeting = _steering(project, users=[project.project_manager], contacts=[contact])
    services.meeting_invitations_send(meeting_id=meeting.pk)
    services.meeting_update(meeting=meeting, actor=project.project_manager, place=meeting.place)
    assert services.meeting_invitations_send(meeting_id=meeting.pk) == 0
    meeting.refresh_from_db()
    assert meeting.ical_sequence == 0 and len(mailoutbox) == 2
