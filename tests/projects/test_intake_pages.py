from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pmo.roles import Role
from projects.models import Intake, IntakeStatus, Project
from tests.factories import CustomerFactory, IntakeFactory, intake_template, user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def login(client, role, **kwargs):
    user = user_with_role(role, **kwargs)
    client.force_login(user)
    return user


def upload(client, intake, category):
    return client.post(
        f"/projects/intakes/{intake.pk}/documents/upload/",
        {"category": category, "title": category, "file": SimpleUploadedFile(f"{category}.pdf", PDF)},
    )


def test_it_walks_an_intake_from_sales_to_a_project(client, mailoutbox, django_capture_on_commit_callbacks):
    sales = login(client, Role.SALES)
    customer = CustomerFactory()
    response = client.post(
        "/projects/intakes/create/",
        {
            "template": intake_template().pk,
            "title": "Campus Wi-Fi",
            "customer": customer.pk,
            "sold_value": "200.000,00",
            "cost_estimate": "150.000,00",
        },
    )
    intake = Intake.objects.get(title="Campus Wi-Fi")
    assert response.status_code == 302 and intake.created_by == sales

    page = client.get(intake.get_absolute_url())
    assert "D365 opportunity reference is required for this project type." in page.text
    assert "Attach the signed offer." in page.text
    assert client.post(f"/projects/intakes/{intake.pk}/submit/").status_code == 400
    assert Intake.objects.get(pk=intake.pk).status == IntakeStatus.DRAFT

    client.post(
        f"/projects/intakes/{intake.pk}/update/",
        {
            "template": intake.template_id,
            "title": "Campus Wi-Fi",
            "customer": customer.pk,
            "opportunity_reference": "OPP-4711",
            "scope_summary": "Wi-Fi 6E in four buildings",
            "in_scope": "Access points",
            "out_of_scope": "Cabling",
            "sold_value": "200.000,00",
            "cost_estimate": "150.000,00",
            "requested_start": "2027-01-04",
            "requested_end": "2027-04-30",
            "site_addresses": "Campus, Gent",
            "customer_contacts": "Hilde, IT",
        },
    )
    assert upload(client, intake, "offer").status_code == 302
    assert upload(client, intake, "design").status_code == 302
    assert client.post(f"/projects/intakes/{intake.pk}/submit/").status_code == 302

    reviewer = login(client, Role.PM_SUPPORT)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/projects/intakes/{intake.pk}/accept/", {str(i): "on" for i in range(4)})
    assert response.status_code == 302
    manager = user_with_role(Role.PROJECT_MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/projects/intakes/{intake.pk}/convert/",
            {"project_manager": manager.pk, "support_officer": reviewer.pk, "budget": "150.000,00"},
        )
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.budget == Decimal("150000.00") and project.intake.pk == intake.pk
    assert [mail.to for mail in mailoutbox] == [[sales.email], [sales.email]]


def test_sales_sees_only_their_own_intakes(client):
    mine = IntakeFactory(created_by=login(client, Role.SALES))
    theirs = IntakeFactory()

    response = client.get("/projects/intakes/")

    assert list(response.context["page"].object_list) == [mine]
    assert client.get(theirs.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.FINANCE, Role.SMO, Role.ENGINEERING_MANAGER])
def test_other_roles_cannot_see_intakes(client, role):
    intake = IntakeFactory(status=IntakeStatus.SUBMITTED)
    login(client, role)

    assert client.get("/projects/intakes/").status_code == 403
    assert client.get(intake.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("role", [Role.SALES, Role.PROJECT_MANAGER, Role.FINANCE])
def test_only_the_pmo_can_accept_return_or_convert(client, role):
    intake = IntakeFactory(status=IntakeStatus.SUBMITTED)
    login(client, role)

    for action in ("accept", "return", "reject", "convert"):
        assert client.post(f"/projects/intakes/{intake.pk}/{action}/", {"reason": "x"}).status_code in (
            403,
            404,
        )

    intake.refresh_from_db()
    assert intake.status == IntakeStatus.SUBMITTED and not intake.status_changes.exists()


def test_sales_cannot_edit_another_sellers_intake(client):
    intake = IntakeFactory(title="Theirs")
    login(client, Role.SALES)

    response = client.post(f"/projects/intakes/{intake.pk}/update/", {"title": "Mine now"})

    assert response.status_code == 404
    assert Intake.objects.get(pk=intake.pk).title == "Theirs"


def test_a_return_without_reason_is_refused_and_changes_nothing(client):
    intake = IntakeFactory(status=IntakeStatus.SUBMITTED)
    login(client, Role.PM_SUPPORT)

    response = client.post(f"/projects/intakes/{intake.pk}/return/", {"reason": ""})

    assert response.status_code == 400
    assert Intake.objects.get(pk=intake.pk).status == IntakeStatus.SUBMITTED


def test_the_pmo_does_not_see_drafts(client):
    IntakeFactory()
    submitted = IntakeFactory(status=IntakeStatus.SUBMITTED)
    login(client, Role.PM_SUPPORT)

    response = client.get("/projects/intakes/")

    assert list(response.context["page"].object_list) == [submitted]


def test_it_refuses_a_get_on_submit(client):
    intake = IntakeFactory(created_by=login(client, Role.SALES))

    assert client.get(f"/projects/intakes/{intake.pk}/submit/").status_code == 405


def test_the_intake_list_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    login(client, Role.HEAD_OF_PM)
    for _ in range(30):
        IntakeFactory(status=IntakeStatus.SUBMITTED)

    with django_assert_max_num_queries(8):
        response = client.get("/projects/intakes/")

    assert response.status_code == 200
