"""The customer version of the highlight report shows none of our internal cost figures, in any language.

Every such figure of the project is computed here and looked for, formatted as the report formats
money, in the customer PDF's text; the internal version of the same report must contain them.
"""

import dataclasses
import io
from decimal import Decimal

import pytest
from django.utils import translation
from pypdf import PdfReader

from pmo.seed import DEMO_COMPANY
from pmo.services import company_profile_save
from pmo.templatetags.pmo_tags import money
from procurement.models import PurchaseOrder, PurchaseOrderStatus
from procurement.services.totals import budget_totals_repair
from projects.models import ChangeRequest
from projects.selectors.registers import project_contingency
from reporting import services
from reporting.selectors import last_week_start
from tests.factories import (
    BudgetLineFactory,
    ChangeRequestFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    RiskFactory,
    cost_category,
)
from tests.procurement.helpers import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    company_profile_save(actor=None, **DEMO_COMPANY)
    project = ProjectFactory(
        contract_value=Decimal("187654.32"), budget=Decimal("123456.78"), phase="execution"
    )
    BudgetLineFactory(project=project, budget=Decimal("98765.43"), forecast=Decimal("101234.56"))
    BudgetLineFactory(
        project=project,
        category=cost_category("contingency"),
        budget=Decimal("7531.59"),
        forecast=Decimal("7531.59"),
    )
    order = make_order(project=None, amount=Decimal("4567.89"))
    order.project = project
    order.save(update_fields=["project"])
    line = order.lines.get()
    line.budget_line = project.budget_lines.get(category__code="equipment")
    line.save(update_fields=["budget_line"])
    PurchaseOrder.objects.filter(pk=order.pk).update(status=PurchaseOrderStatus.APPROVED)
    budget_totals_repair()  # the order was moved behind the services' back, which keep the totals
    ChangeRequestFactory(project=project, cost_impact=Decimal("3210.98"), status="approved")
    RiskFactory(project=project, cost_impact=Decimal("8642.13"))
    ProgressUpdateFactory(project=project, period_start=last_week_start(), done_this_period="Racks.")
    return project


def _render(project, audience, language, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.highlight_report_request(
            project=project,
            actor=None,
            audience=audience,
            language=language,
            period_start=last_week_start(),
        )
    report.refresh_from_db()
    with report.file.open("rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
        return report, " ".join(" ".join(page.extract_text().split()) for page in pages)


def _decimals(values) -> list[Decimal]:
    found = []
    for value in values:
        try:
            found.append(Decimal(str(value)))
        except (ArithmeticError, ValueError, TypeError):
            continue
    return found


def internal_figures(project, report) -> tuple[list[Decimal], list[str]]:
    """Every cost figure of the project the customer must not see, and the supplier names."""
    snapshot = report.snapshot
    figures = [
        snapshot.budget,
        snapshot.committed,
        snapshot.actual,
        snapshot.forecast,
        snapshot.risk_exposure,
        snapshot.contract_value - (snapshot.forecast or snapshot.budget),  # margin
        snapshot.budget - (snapshot.forecast or snapshot.budget),  # variance
    ]
    for line in project.budget_lines.all():
        figures += [line.budget, line.forecast]
    for row in snapshot.data.get("budget_lines") or []:
        figures += _decimals(row.values())
    contingency = project_contingency(project=project)
    figures += _decimals([*dataclasses.astuple(contingency), contingency.recommended, contingency.shortfall])
    for order in project.purchase_orders.prefetch_related("lines"):
        for line in order.lines.all():
            figures += [line.unit_price, line.amount]
    figures += list(ChangeRequest.objects.filter(project=project).values_list("cost_impact", flat=True))
    suppliers = list(project.purchase_orders.values_list("supplier__name", flat=True))
    return [figure for figure in figures if figure], suppliers


def _formatted(figure: Decimal, language: str) -> str:
    with translation.override(language):
        return money(figure).replace("\u00a0", " ")


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_no_internal_cost_figure_appears_in_the_customer_version(
    project, language, django_capture_on_commit_callbacks
):
    report, text = _render(project, "customer", language, django_capture_on_commit_callbacks)
    text = text.replace("\u00a0", " ")
    figures, suppliers = internal_figures(project, report)
    assert len(figures) >= 10
    leaks = [_formatted(figure, language) for figure in figures if _formatted(figure, language) in text]
    assert leaks == []
    assert not [name for name in suppliers if name in text]
    assert project.customer.name in text
    assert "0784.123.452" in text and "Lumen Integration" in text  # the letterhead of the company profile


def test_the_internal_version_does_show_them(project, django_capture_on_commit_callbacks):
    """The same check on the internal version finds the figures: the search above can fail."""
    report, text = _render(project, "internal", "nl", django_capture_on_commit_callbacks)
    text = text.replace("\u00a0", " ")
    figures, _suppliers = internal_figures(project, report)
    shown = {_formatted(figure, "nl") for figure in figures if _formatted(figure, "nl") in text}
    for figure in (report.snapshot.budget, Decimal("98765.43"), Decimal("4567.89"), Decimal("7531.59")):
        assert _formatted(figure, "nl") in shown
