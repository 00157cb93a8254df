from datetime import date, timedelta
from decimal import Decimal

import pytest

from pmo.roles import Role
from projects import services
from projects.models import Intake, Project, Quotation, QuotationStatus
from projects.services.intake import intake_templates_install
from tests.factories import CustomerFactory, QuotationFactory, QuotationLineFactory, user_with_role

pytestmark = pytest.mark.django_db
S = QuotationStatus


def login(client, user):
    client.force_login(user)
    return client


def sent_quotation(**kwargs):
    quotation = QuotationLineFactory(**kwargs).quotation
    return services.quotation_send(quotation=quotation, actor=quotation.created_by)


def test_it_creates_a_quotation_with_margins_in_the_customer_language(client):
    sales = user_with_role(Role.SALES)
    customer = CustomerFactory(language="fr")
    data = {
        "customer": customer.pk,
        "title": "Wi-Fi audit",
        "valid_until": "2099-01-31",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "1",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-item": "Survey day",
        "lines-0-quantity": "2",
        "lines-0-unit": "day",
        "lines-0-unit_cost": "600,00",
        "lines-0-unit_price": "950,00",
        "lines-0-vat_rate": "21",
        "language": "fr",
    }
    response = login(client, sales).post("/projects/quotations/create/", data)
    quotation = Quotation.objects.get(title="Wi-Fi audit")
    assert response.status_code == 302
    assert quotation.number.startswith("Q-") and quotation.language == "fr"
    totals = services.quotation_totals(quotation=quotation)
    assert (totals["price"], totals["cost"], totals["margin"], totals["vat"]) == (
        Decimal("1900.00"),
        Decimal("1200.00"),
        Decimal("700.00"),
        Decimal("399.00"),
    )


def test_it_turns_an_accepted_quotation_into_an_intake_with_its_values():
    intake_templates_install()
    quotation = sent_quotation()
    services.quotation_accept(quotation=quotation, actor=quotation.created_by)
    quotation.refresh_from_db()
    intake = quotation.intake
    assert quotation.status == S.ACCEPTED
    assert (intake.sold_value, intake.cost_estimate) == (Decimal("1800.00"), Decimal("1200.00"))
    assert intake.customer == quotation.customer and intake.created_by == quotation.created_by
    assert quotation.number in intake.scope_summary


def test_it_lets_the_pmo_create_a_level_1_project_from_an_accepted_quotation():
    quotation = sent_quotation()
    pmo = user_with_role(Role.PM_SUPPORT)
    services.quotation_accept(quotation=quotation, actor=pmo, as_project=True)
    project = Project.objects.get(quotations=quotation)
    assert (project.contract_value, project.budget, project.level) == (
        Decimal("1800.00"),
        Decimal("1200.00"),
        1,
    )
    assert not Intake.objects.exists()


def test_it_refuses_sales_creating_a_project_directly():
    quotation = sent_quotation()
    with pytest.raises(Exception):  # noqa: B017 - a ValidationError, the transaction rolls back
        services.quotation_accept(quotation=quotation, actor=quotation.created_by, as_project=True)
    assert Quotation.objects.get(pk=quotation.pk).status == S.SENT
    assert not Project.objects.exists()


def test_it_expires_sent_quotations_past_their_validity():
    quotation = sent_quotation()
    Quotation.objects.filter(pk=quotation.pk).update(valid_until=date.today() - timedelta(days=1))
    assert services.quotation_expire_overdue() == 1
    assert services.quotation_expire_overdue() == 0
    assert Quotation.objects.get(pk=quotation.pk).status == S.EXPIRED


def test_it_records_a_decline_with_the_reason(client):
    quotation = sent_quotation()
    response = login(client, quotation.created_by).post(
        f"/projects/quotations/{quotation.pk}/decline/", {"reason": "Too expensive"}
    )
    assert response.status_code == 302
    quotation.refresh_from_db()
    assert (quotation.status, quotation.decision_reason) == (S.DECLINED, "Too expensive")


def test_it_refuses_the_decline_by_get(client):
    quotation = sent_quotation()
    assert (
        login(client, quotation.created_by).get(f"/projects/quotations/{quotation.pk}/decline/").status_code
        == 405
    )


@pytest.mark.parametrize("role", [Role.SALES, Role.PROJECT_MANAGER, Role.SMO, Role.ENGINEERING_MANAGER])
def test_it_hides_a_quotation_from_others(client, role):
    quotation = sent_quotation()
    client = login(client, user_with_role(role))
    assert client.get(f"/projects/quotations/{quotation.pk}/").status_code == 404
    assert client.post(f"/projects/quotations/{quotation.pk}/accept/").status_code == 404
    assert Quotation.objects.get(pk=quotation.pk).status == S.SENT


def test_it_lets_finance_read_but_not_accept(client):
    quotation = sent_quotation()
    client = login(client, user_with_role(Role.FINANCE))
    assert client.get(f"/projects/quotations/{quotation.pk}/").status_code == 200
    assert client.post(f"/projects/quotations/{quotation.pk}/accept/").status_code == 403
    assert Quotation.objects.get(pk=quotation.pk).status == S.SENT


def test_it_renders_the_pdf_in_the_customer_language(client):
    quotation = sent_quotation()
    response = login(client, quotation.created_by).get(f"/projects/quotations/{quotation.pk}/pdf/")
    assert response.status_code == 200 and response.content[:4] == b"%PDF"


def test_it_lists_only_my_quotations_in_a_constant_number_of_queries(client, django_assert_max_num_queries):
    sales = user_with_role(Role.SALES)
    mine = [QuotationLineFactory(quotation=QuotationFactory(created_by=sales)).quotation for _ in range(6)]
    QuotationLineFactory()
    client = login(client, sales)
    with django_assert_max_num_queries(6):
        response = client.get("/projects/quotations/")
    assert {quotation.pk for quotation in response.context["page"].object_list} == {q.pk for q in mine}
