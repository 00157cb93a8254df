"""The EVM rule computed in Python (the SQLite of `make run`) gives PostgreSQL's figures to the cent.

`reporting.selectors.evm` computes EVM in one PostgreSQL statement; on any other database the same rule
runs in Python over five portable queries. Both are run here on the same projects: hours-weighted and
days-weighted budgets, a task added after the baseline, a cancelled task and order, received and
invoiced order lines, approved and draft hours, days before, during and after the plan.
"""

import datetime
from decimal import Decimal

import pytest

from procurement.models import PurchaseOrderLine, PurchaseOrderStatus
from projects.models import Phase, TaskKind, TaskStatus
from projects.services import plan_baseline_create
from reporting.selectors import evm
from tests.factories import ProjectFactory, PurchaseOrderFactory, PurchaseOrderLineFactory, TaskFactory
from tests.reporting.test_evm import worked_example

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("postgres_only")]
D = Decimal
DAYS = [
    datetime.date(2027, 2, 1),
    datetime.date(2027, 3, 5),
    datetime.date(2027, 3, 13),
    datetime.date(2027, 6, 1),
]


@pytest.fixture
def portfolio():
    """The worked example, a project weighted by days with orders, and a project with nothing."""
    example = worked_example()
    by_days = ProjectFactory(phase=Phase.EXECUTION, budget=D("7777.77"))
    for start, days, progress in ((datetime.date(2027, 3, 1), 3, 100), (datetime.date(2027, 3, 2), 11, 33)):
        TaskFactory(
            project=by_days,
            kind=TaskKind.ENGINEERING,
            planned_start=start,
            planned_end=start + datetime.timedelta(days=days - 1),
            progress=progress,
        )
    TaskFactory(project=by_days, kind=TaskKind.MILESTONE, planned_start=DAYS[1], planned_end=DAYS[1])
    TaskFactory(project=by_days, status=TaskStatus.CANCELLED, planned_start=DAYS[1], planned_end=DAYS[2])
    plan_baseline_create(project=by_days, name="Signed plan", actor=by_days.project_manager)
    TaskFactory(
        project=by_days, planned_start=DAYS[1], planned_end=DAYS[2], progress=10
    )  # after the baseline
    for status, received, invoiced in (
        (PurchaseOrderStatus.SENT, D("1.500"), D("333.33")),
        (PurchaseOrderStatus.CANCELLED, D("2.000"), D("0.00")),
    ):
        line = PurchaseOrderLineFactory(order=PurchaseOrderFactory(project=by_days, status=status))
        PurchaseOrderLine.objects.filter(pk=line.pk).update(
            received_quantity=received, invoiced_quantity=D("1.000"), invoiced_amount=invoiced
        )
    empty = ProjectFactory(phase=Phase.INITIATION, budget=D("1000.00"))
    return [example.pk, by_days.pk, empty.pk]


@pytest.mark.parametrize("as_of", DAYS)
def test_python_and_postgresql_agree_on_every_figure(portfolio, as_of):
    in_sql = evm.evm_for_projects(project_ids=portfolio, as_of=as_of)
    in_python = evm._evm_in_python(project_ids=portfolio, as_of=as_of)

    assert in_python == in_sql
    assert in_sql[portfolio[1]].ac > 0 and in_sql[portfolio[1]].ev > 0  # the orders and the days count


def test_python_and_postgresql_agree_on_the_planned_value_curve(portfolio, monkeypatch):
    from projects.models import Project

    for project in Project.objects.filter(pk__in=portfolio):
        arguments = dict(
            project=project, first_week=datetime.date(2027, 2, 22), last_week=datetime.date(2027, 4, 5)
        )
        in_sql = evm.planned_value_curve(**arguments)
        monkeypatch.setattr(evm.connection, "vendor", "sqlite")
        in_python = evm.planned_value_curve(**arguments)
        monkeypatch.undo()

        assert in_python == in_sql
        assert len(in_sql) == 7
