"""Every submitted order can reach "approved" with the demo users and the shipped matrix (no stubbing)."""

import itertools
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail

from pmo.models import User
from pmo.roles import Role
from pmo.seed import seed_users
from procurement import selectors, services
from procurement.models import Approval, PurchaseOrderStatus
from tests.factories import BudgetLineFactory, ProjectFactory, SupplierFactory, cost_category

pytestmark = pytest.mark.django_db
AMOUNTS = [Decimal("800.00"), Decimal("12000.00"), Decimal("60000.00"), Decimal("120000.00")]
REQUESTERS = ["pm", "pmo", "head", "admin"]
# None: outside any project; otherwise the project's budget (Level 1 up to 250,000 EUR, Level 2, Level 3).
PROJECT_BUDGETS = [None, Decimal("200000.00"), Decimal("800000.00"), Decimal("2000000.00")]


@pytest.fixture
def demo(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # the seed hashes once
    seed_users(SimpleNamespace(sizes={"users": 0}, rng=None, data={}, log=lambda message: None))
    return {user.username: user for user in User.objects.filter(username__in=[*REQUESTERS, "finance"])}


def _order(demo, *, requester: str, amount: Decimal, budget: Decimal | None):
    project = None
    lines = [{"description": "Switches", "quantity": Decimal(1), "unit_price": amount, "budget_line": None}]
    if budget is not None:
        project = ProjectFactory(project_manager=demo["pm"], budget=budget, contract_value=budget * 2)
        budget_line = BudgetLineFactory(project=project, category=cost_category(), budget=budget / 2)
        lines[0]["budget_line"] = budget_line
    return services.purchase_order_create(
        actor=demo[requester], project=project, supplier=SupplierFactory(), title="Switches", lines=lines
    )


def _approve_to_the_end(order) -> list[tuple[str, str]]:
    """Approve with whoever the page names for each pending step, until nothing waits; returns who did."""
    done = []
    for _round in range(6):
        order.refresh_from_db()
        if order.status == PurchaseOrderStatus.APPROVED:
            return done
        requirements = selectors.approval_requirements(order=order)
        pending = [requirement for requirement in requirements if requirement.approval is None]
        assert pending, order.status
        step = pending[0]
        eligible = [person for person in step.eligible if person.pk != order.requester_id]
        assert eligible, f"no one but the requester can fill {step.role}"
        services.purchase_order_approve(order=order, approver=eligible[0], justification="Needed on site.")
        done.append((step.role, eligible[0].username))
    raise AssertionError(f"{order.number} still {order.status} after {done}")


@pytest.mark.parametrize(
    ("amount", "requester", "budget"),
    list(itertools.product(AMOUNTS, REQUESTERS, PROJECT_BUDGETS)),
    ids=lambda value: str(value),
)
def test_every_submitted_order_reaches_approved_with_the_demo_users(demo, amount, requester, budget):
    order = _order(demo, requester=requester, amount=amount, budget=budget)
    services.purchase_order_submit(order=order, actor=demo[requester])
    done = _approve_to_the_end(order)
    approvals = Approval.objects.filter(order=order)
    assert approvals.exists() and not approvals.filter(approver=order.requester).exists()
    if budget is None:  # outside any project: the head of PM (finance when the head raised it)
        assert (Role.FINANCE if requester == "head" else Role.HEAD_OF_PM) in {role for role, _who in done}


def test_a_pm_order_of_12000_on_their_project_goes_to_the_pmo_and_the_head(demo):
    order = _order(demo, requester="pm", amount=Decimal("12000.00"), budget=Decimal("200000.00"))
    services.purchase_order_submit(order=order, actor=demo["pm"])
    requirements = selectors.approval_requirements(order=order)
    assert [(r.role, [p.username for p in r.eligible]) for r in requirements] == [
        (Role.PM_SUPPORT, ["pmo"]),
        (Role.HEAD_OF_PM, ["head"]),
    ]
    assert requirements[1].escalated_from == [Role.PROJECT_MANAGER]
    assert "four eyes" in selectors.approval_blocker(user=demo["pm"], order=order, requirements=requirements)


def test_the_head_takes_a_step_over_with_a_justification(demo):
    order = _order(demo, requester="pmo", amount=Decimal("60000.00"), budget=Decimal("800000.00"))
    services.purchase_order_submit(order=order, actor=demo["pmo"])
    with pytest.raises(Exception, match="why"):
        services.purchase_order_take_over(
            order=order, approver=demo["head"], role=Role.FINANCE, justification=""
        )
    services.purchase_order_take_over(
        order=order, approver=demo["head"], role=Role.FINANCE, justification="Finance is on leave."
    )
    approval = Approval.objects.get(order=order, role=Role.FINANCE)
    assert approval.approver == demo["head"] and approval.taken_over
    assert approval.justification == "Finance is on leave."


def test_a_substitute_approves_in_place_of_an_absent_pm(demo):
    import datetime

    substitute = User.objects.create(username="pm2", display_name="Second PM")
    substitute.groups.add(*demo["pm"].groups.all())
    today = datetime.date.today()
    services.approver_substitute_create(
        absent=demo["pm"], substitute=substitute, starts_on=today, ends_on=today + datetime.timedelta(days=5)
    )
    order = _order(demo, requester="pmo", amount=Decimal("800.00"), budget=Decimal("200000.00"))
    services.purchase_order_submit(order=order, actor=demo["pmo"])
    assert order in selectors.purchase_orders_awaiting(user=substitute)
    assert substitute.has_perm("procurement.view_purchaseorder", order)
    services.purchase_order_approve(order=order, approver=substitute)
    order.refresh_from_db()
    assert order.status == PurchaseOrderStatus.APPROVED
    assert Approval.objects.get(order=order).on_behalf_of == demo["pm"]


def test_one_email_per_person_per_approval_round(demo, django_capture_on_commit_callbacks, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    order = _order(demo, requester="pmo", amount=Decimal("12000.00"), budget=Decimal("200000.00"))
    with django_capture_on_commit_callbacks(execute=True):
        services.purchase_order_submit(order=order, actor=demo["pmo"])
    # The PM and another PMO? Only the PM (the PMO is the requester): the PMO step goes to the head.
    waiting = sorted(message.to[0] for message in mail.outbox)
    assert waiting == sorted({"pm@pmo-desk.example", "head@pmo-desk.example"})
    with django_capture_on_commit_callbacks(execute=True):
        services.purchase_order_approve(order=order, approver=demo["head"])
    assert len(mail.outbox) == 2  # the PM still waits, but was told already in this round
    with django_capture_on_commit_callbacks(execute=True):
        services.purchase_order_approve(order=order, approver=demo["pm"])
    assert [message.to for message in mail.outbox[2:]] == [["pmo@pmo-desk.example"]]  # decided: requester
