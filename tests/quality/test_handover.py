import pytest
from django.test import Client

from pmo.roles import Role
from projects.models import Phase
from quality.models import (
    ClosureStatus,
    ClosureValidation,
    ConfigurationItem,
    Handover,
    HandoverEvent,
    HandoverStatus,
)
from tests.factories import HandoverFactory, ProjectFactory, RiskFactory, user_with_role

pytestmark = pytest.mark.django_db


def login(role, **kwargs):
    user = user_with_role(role, **kwargs)
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def submitted_handover(**kwargs) -> Handover:
    handover = HandoverFactory(status=HandoverStatus.SUBMITTED, **kwargs)
    ClosureValidation.objects.create(project=handover.project, status=ClosureStatus.PASSED)
    ConfigurationItem.objects.create(
        handover=handover, name="core-sw-01", item_type="Switch", serial_number="FDO2231X0AB"
    )
    return handover


def test_the_project_team_prepares_and_submits_a_package():
    pmo = login(Role.PM_SUPPORT)
    smo = user_with_role(Role.SMO)
    project = ProjectFactory(phase=Phase.CLOSING)
    ClosureValidation.objects.create(project=project, status=ClosureStatus.PASSED)

    pmo.post(
        f"/quality/projects/{project.pk}/handover/create/",
        {
            "smo_owner": smo.pk,
            "language": "fr",
            "service_name": "Réseau campus",
            "els_start": "2026-12-01",
            "els_end": "2026-12-31",
        },
    )
    handover = Handover.objects.get()
    refused = pmo.post(f"/quality/handovers/{handover.pk}/submit/", follow=True)
    pmo.post(
        f"/quality/handovers/{handover.pk}/configuration_item/add/",
        {"configuration_item-name": "core-sw-01", "configuration_item-item_type": "Switch"},
    )
    pmo.post(
        f"/quality/handovers/{handover.pk}/support_contract/add/",
        {
            "support_contract-supplier": "Cisco",
            "support_contract-reference": "SN-99812",
            "support_contract-coverage": "24x7x4h",
        },
    )
    pmo.post(f"/quality/handovers/{handover.pk}/submit/")

    handover.refresh_from_db()
    assert "List at least one configuration item." in refused.text
    assert handover.status == HandoverStatus.SUBMITTED and handover.support_contracts.count() == 1
    assert HandoverEvent.objects.get().kind == "submitted"


def test_the_package_defaults_to_the_smo_owner_language():
    pmo = login(Role.PM_SUPPORT)
    smo = user_with_role(Role.SMO, preferred_language="nl")
    project = ProjectFactory(phase=Phase.CLOSING)

    pmo.post(
        f"/quality/projects/{project.pk}/handover/create/",
        {"smo_owner": smo.pk, "language": "", "service_name": "Campusnetwerk"},
    )

    assert Handover.objects.get().language == "nl"


def test_it_refuses_to_submit_before_the_closure_validation_passes():
    pmo = login(Role.PM_SUPPORT)
    handover = HandoverFactory()
    ConfigurationItem.objects.create(handover=handover, name="ap-1", item_type="Access point")

    response = pmo.post(f"/quality/handovers/{handover.pk}/submit/", follow=True)

    handover.refresh_from_db()
    assert "The closure validation must pass before the hand-over goes to the SMO." in response.text
    assert handover.status == HandoverStatus.DRAFT


def test_the_addressed_smo_accepts_and_the_project_becomes_handed_over():
    smo = login(Role.SMO)
    handover = submitted_handover(smo_owner=smo.user)

    response = smo.post(f"/quality/handovers/{handover.pk}/accept/")

    handover.refresh_from_db()
    handover.project.refresh_from_db()
    assert response.status_code == 302
    assert handover.status == HandoverStatus.ACCEPTED and handover.decided_at
    assert handover.project.phase == Phase.HANDED_OVER
    assert handover.project.history.latest().history_user == smo.user
    change = handover.project.phase_changes.get()
    assert (change.from_phase, change.to_phase, change.actor) == (Phase.CLOSING, Phase.HANDED_OVER, smo.user)
    assert [event.kind for event in handover.events.all()] == ["accepted"]


def test_acceptance_is_refused_while_the_gate_is_closed():
    smo = login(Role.SMO)
    handover = submitted_handover(smo_owner=smo.user)
    ClosureValidation.objects.filter(project=handover.project).update(status=ClosureStatus.OPEN)

    response = smo.post(f"/quality/handovers/{handover.pk}/accept/", follow=True)

    handover.refresh_from_db()
    assert "The closure validation has not passed." in response.text
    assert handover.status == HandoverStatus.SUBMITTED and handover.project.phase == Phase.CLOSING


def test_the_refused_acceptance_names_who_clears_it_and_the_pmo_sees_it_on_the_closure_page():
    smo = login(Role.SMO)
    officer = user_with_role(Role.PM_SUPPORT, first_name="Paula", last_name="Officer")
    handover = submitted_handover(smo_owner=smo.user, project=ProjectFactory(phase=Phase.CLOSING))
    handover.project.support_officer = officer
    handover.project.save(update_fields=["support_officer"])
    ClosureValidation.objects.filter(project=handover.project).update(status=ClosureStatus.OPEN)
    pmo = Client()
    pmo.force_login(officer)

    detail = smo.get(f"/quality/handovers/{handover.pk}/")
    refused = smo.post(f"/quality/handovers/{handover.pk}/accept/", follow=True)
    closure = pmo.get(f"/quality/projects/{handover.project.pk}/closure/")

    assert "The project cannot be handed over yet:" in detail.text
    assert f"{officer} (PMO) clears this" in refused.text
    assert 'id="handover-gate"' in closure.text and "The closure validation has not passed." in closure.text
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.SUBMITTED


def test_the_head_s_closure_override_covers_the_unfinished_closure_checklist():
    from quality.services.closure import closure_validation_override

    smo = login(Role.SMO)
    head = user_with_role(Role.HEAD_OF_PM)
    handover = submitted_handover(smo_owner=smo.user, project=ProjectFactory(phase=Phase.CLOSING))
    ClosureValidation.objects.filter(project=handover.project).delete()
    validation = closure_validation_override(project=handover.project, actor=head, reason="Customer signed")
    assert validation.checklist.status != "completed"  # the PMO's checklist is still open

    smo.post(f"/quality/handovers/{handover.pk}/accept/")

    handover.refresh_from_db()
    handover.project.refresh_from_db()
    assert handover.status == HandoverStatus.ACCEPTED and handover.project.phase == Phase.HANDED_OVER


def test_the_smo_returns_it_with_reasons_and_the_team_can_edit_again():
    smo = login(Role.SMO)
    handover = submitted_handover(smo_owner=smo.user)

    no_reason = smo.post(f"/quality/handovers/{handover.pk}/return/", {"reason": ""}, follow=True)
    smo.post(f"/quality/handovers/{handover.pk}/return/", {"reason": "No runbook for the firewall cluster"})

    handover.refresh_from_db()
    assert "Say what is missing or wrong." in no_reason.text
    assert handover.status == HandoverStatus.RETURNED and handover.is_editable
    assert handover.events.get().reason == "No runbook for the firewall cluster"


def test_another_smo_cannot_decide_or_even_see_it():
    other = login(Role.SMO)
    handover = submitted_handover()
    handover.project.phase = Phase.EXECUTION
    handover.project.save()

    assert other.get(handover.get_absolute_url()).status_code == 404
    assert other.post(f"/quality/handovers/{handover.pk}/accept/").status_code == 404
    handover.refresh_from_db()
    assert handover.status == HandoverStatus.SUBMITTED


def test_an_smo_that_can_read_the_project_still_cannot_decide_someone_elses_handover():
    other = login(Role.SMO)
    handover = submitted_handover()

    response = other.post(f"/quality/handovers/{handover.pk}/accept/")

    handover.refresh_from_db()
    assert response.status_code == 403 and handover.status == HandoverStatus.SUBMITTED


def test_the_project_team_cannot_accept_its_own_package():
    pmo = login(Role.PM_SUPPORT)
    handover = submitted_handover()

    assert pmo.post(f"/quality/handovers/{handover.pk}/accept/").status_code == 403


def test_the_smo_list_shows_only_submitted_packages_addressed_to_it(django_assert_max_num_queries):
    smo = login(Role.SMO)
    mine = submitted_handover(smo_owner=smo.user)
    HandoverFactory(smo_owner=smo.user, project=ProjectFactory(phase=Phase.EXECUTION))
    submitted_handover(project=ProjectFactory(phase=Phase.EXECUTION))
    with django_assert_max_num_queries(10) as few:
        smo.get("/quality/handovers/")
    for _ in range(10):
        submitted_handover(smo_owner=smo.user)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = smo.get("/quality/handovers/")

    handovers = list(response.context["page"].object_list)
    assert mine in handovers and len(handovers) == 11


def test_the_package_is_a_pdf_in_the_smo_language():
    from io import BytesIO

    from pypdf import PdfReader

    smo = login(Role.SMO)
    handover = submitted_handover(smo_owner=smo.user, language="nl")
    RiskFactory(project=handover.project, is_handed_over=True, title="Firmware end of support")

    response = smo.get(f"/quality/handovers/{handover.pk}/pdf/")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "core-sw-01" in text and "Firmware end of support" in text


def test_the_package_page_shows_the_parts_and_is_read_only_once_submitted():
    pmo = login(Role.PM_SUPPORT)
    handover = submitted_handover()

    page = pmo.get(handover.get_absolute_url())
    edit = pmo.post(
        f"/quality/handovers/{handover.pk}/update/",
        {"service_name": "x", "smo_owner": handover.smo_owner_id, "language": "en"},
        follow=True,
    )

    handover.refresh_from_db()
    assert "FDO2231X0AB" in page.text
    assert "can no longer change" in edit.text and handover.service_name != "x"


def test_accept_is_post_only():
    smo = login(Role.SMO)
    handover = submitted_handover(smo_owner=smo.user)

    assert smo.get(f"/quality/handovers/{handover.pk}/accept/").status_code == 405


def test_each_step_emails_the_other_side_once(django_capture_on_commit_callbacks):
    from django.core import mail

    from quality.services.handover import handover_event_notify

    pmo = login(Role.PM_SUPPORT)
    smo_user = user_with_role(Role.SMO, email="smo@pmo.example", preferred_language="fr")
    manager = user_with_role(Role.PROJECT_MANAGER, email="pm@pmo.example")
    project = ProjectFactory(phase=Phase.CLOSING, project_manager=manager)
    handover = HandoverFactory(project=project, smo_owner=smo_user, service_name="Wifi campus")
    ClosureValidation.objects.create(project=project, status=ClosureStatus.PASSED)
    ConfigurationItem.objects.create(handover=handover, name="ap-1", item_type="Access point")
    smo = Client()
    smo.force_login(smo_user)

    with django_capture_on_commit_callbacks(execute=True):
        pmo.post(f"/quality/handovers/{handover.pk}/submit/")
    with django_capture_on_commit_callbacks(execute=True):
        smo.post(f"/quality/handovers/{handover.pk}/return/", {"reason": "Runbook missing"})

    assert [message.to for message in mail.outbox] == [["smo@pmo.example"], ["pm@pmo.example"]]
    assert (
        "attend votre décision" in mail.outbox[0].subject or handover.project.code in mail.outbox[0].subject
    )
    assert "Runbook missing" in mail.outbox[1].body
    assert handover_event_notify(event_id=HandoverEvent.objects.first().pk) is False
    assert len(mail.outbox) == 2
