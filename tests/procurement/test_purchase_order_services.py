from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from pmo.roles import Role
from procurement import selectors, services
from procurement.models import Approval, PurchaseOrder, PurchaseOrderStatus
from tests.factories import ProjectFactory, user_with_role
from tests.procurement.helpers import make_order, submitted_order

pytestmark = pytest.mark.django_db
S = PurchaseOrderStatus


def test_it_numbers_orders_without_gaps():
    first, second = make_order(), make_order()
    prefix, _, serial = first.number.rpartition("-")
    assert prefix == f"PO-{first.created_at.year}" and len(serial) == 5
    assert second.number == f"{prefix}-{int(serial) + 1:05d}"


def test_it_computes_order_totals_in_the_database():
    order = make_order(amount=Decimal("1000.00"))
    order = selectors.purchase_order_with_totals(PurchaseOrder.objects.filter(pk=order.pk)).get()
    assert (order.total_excl, order.total_vat, order.total_incl) == (
        Decimal("1000.00"),
        Decimal("210.00"),
        Decimal("1210.00"),
    )


def test_it_lets_the_project_manager_approve_inside_the_budget(django_capture_on_commit_callbacks):
    order = submitted_order(amount=Decimal("800.00"))
    assert order.awaiting_roles == [Role.PROJECT_MANAGER]
    with django_capture_on_commit_callbacks(execute=True):
        order = services.purchase_order_approve(order=order, approver=order.project.project_manager)
    assert order.status == S.APPROVED
    assert order.awaiting_roles == []
    assert "approved" in mail.outbox[-1].subject


def test_it_never_lets_the_requester_approve_their_own_order():
    project = ProjectFactory()
    order = submitted_order(project=project, requester=project.project_manager)
    with pytest.raises(ValidationError):
        services.purchase_order_approve(order=order, approver=project.project_manager)
    order.refresh_from_db()
    assert order.status == S.SUBMITTED
    assert not Approval.objects.filter(order=order).exists()


def test_it_refuses_a_project_manager_of_another_project():
    order = submitted_order()
    with pytest.raises(ValidationError):
        services.purchase_order_approve(order=order, approver=user_with_role(Role.PROJECT_MANAGER))
    assert PurchaseOrder.objects.get(pk=order.pk).status == S.SUBMITTED


def test_it_asks_more_approvers_as_the_amount_grows():
    # The approvers exist before the order is submitted: a step no one could fill would go to the next level.
    pmo, finance = user_with_role(Role.PM_SUPPORT), user_with_role(Role.FINANCE)
    order = submitted_order(amount=Decimal("60000.00"), budget=Decimal("100000.00"))
    assert set(order.awaiting_roles) == {Role.PROJECT_MANAGER, Role.PM_SUPPORT, Role.FINANCE}
    services.purchase_order_approve(order=order, approver=order.project.project_manager)
    services.purchase_order_approve(order=order, approver=pmo)
    assert PurchaseOrder.objects.get(pk=order.pk).status == S.SUBMITTED
    services.purchase_order_approve(order=order, approver=finance)
    assert PurchaseOrder.objects.get(pk=order.pk).status == S.APPROVED


@pytest.mark.parametrize(
    ("case", "reason"),
    [("outside_project", "outside_project"), ("over_budget", "over_budget"), ("level_1", "level_1_limit")],
)
def test_it_needs_the_head_of_pm_in_writing_for_the_special_cases(case, reason):
    head = user_with_role(Role.HEAD_OF_PM)
    if case == "outside_project":
        order = submitted_order(project=None, amount=Decimal("500.00"))
    elif case == "over_budget":
        order = submitted_order(amount=Decimal("1500.00"), budget=Decimal("1000.00"))
    else:
        project = ProjectFactory(budget=Decimal("240000.00"))
        order = submitted_order(project=project, amount=Decimal("9000.00"), budget=Decimal("1000000.00"))
        services.purchase_order_approve(order=order, approver=project.project_manager)
        order = submitted_order(project=project, amount=Decimal("2000.00"), budget=Decimal("1000000.00"))
        assert Role.HEAD_OF_PM not in order.awaiting_roles  # 9,000 + 2,000 stays under 250,000
        order = submitted_order(project=project, amount=Decimal("245000.00"), budget=Decimal("1000000.00"))
    assert Role.HEAD_OF_PM in order.awaiting_roles
    with pytest.raises(ValidationError):
        services.purchase_order_approve(order=order, approver=head, justification="  ")
    services.purchase_order_approve(
        order=order, approver=head, justification="Urgent repair, agreed with the CFO."
    )
    approval = Approval.objects.get(order=order, role=Role.HEAD_OF_PM)
    assert approval.justification == "Urgent repair, agreed with the CFO."
    assert reason in approval.reasons


def test_it_refuses_to_send_an_order_before_it_is_fully_approved():
    order = submitted_order()
    with pytest.raises(ValidationError):
        services.purchase_order_send(order=order, actor=order.requester)
    assert PurchaseOrder.objects.get(pk=order.pk).status == S.SUBMITTED


def test_it_emails_the_pdf_to_the_supplier_and_marks_the_order_sent(django_capture_on_commit_callbacks):
    order = submitted_order()
    services.purchase_order_approve(order=order, approver=order.project.project_manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.purchase_order_send(order=order, actor=order.requester)
    order.refresh_from_db()
    assert order.status == S.SENT and order.emailed_at is not None
    message = mail.outbox[-1]
    assert message.to == [order.supplier.email]
    assert message.attachments[0][0] == f"{order.number}.pdf"
    assert message.attachments[0][1][:4] == b"%PDF"


def test_it_sends_a_changed_approved_order_back_for_approval():
    order = submitted_order()
    services.purchase_order_approve(order=order, approver=order.project.project_manager)
    line = order.lines.get()
    services.purchase_order_update(
        order=order,
        actor=order.requester,
        lines=[
            {
                "id": line.pk,
                "description": line.description,
                "quantity": Decimal("2"),
                "unit_price": line.unit_price,
                "budget_line": line.budget_line,
            }
        ],
    )
    order.refresh_from_db()
    assert order.status == S.SUBMITTED
    assert order.awaiting_roles == [Role.PROJECT_MANAGER]
    assert selectors.order_amount(order=order) == Decimal("1000.00")


def test_it_returns_a_rejected_order_to_draft_with_the_reason():
    order = submitted_order()
    services.purchase_order_reject(
        order=order, approver=order.project.project_manager, reason="Wrong supplier"
    )
    order.refresh_from_db()
    assert (order.status, order.rejection_reason) == (S.REJECTED, "Wrong supplier")
    services.purchase_order_reopen(order=order, actor=order.requester)
    services.purchase_order_submit(order=order, actor=order.requester)
    assert PurchaseOrder.objects.get(pk=order.pk).status == S.SUBMITTED


def test_it_cancels_before_receipt_but_not_after():
    order = submitted_order()
    services.purchase_order_cancel(order=order, actor=order.requester)
    assert PurchaseOrder.objects.get(pk=order.pk).status == S.CANCELLED
    other = submitted_order()
    services.purchase_order_approve(order=other, approver=other.project.project_manager)
    line = other.lines.get()
    services.goods_receipt_record(
        order=other,
        quantities={line.pk: Decimal("1")},
        received_on=other.created_at.date(),
        actor=other.requester,
    )
    with pytest.raises(ValidationError):
        services.purchase_order_cancel(order=other, actor=other.requester)
    assert PurchaseOrder.objects.get(pk=other.pk).status == S.RECEIVED


def test_it_tells_the_approvers_that_an_order_waits_for_them(django_capture_on_commit_callbacks):
    order = make_order()
    with django_capture_on_commit_callbacks(execute=True):
        services.purchase_order_submit(order=order, actor=order.requester)
    assert [message.to for message in mail.outbox] == [[order.project.project_manager.email]]
    assert order.number in mail.outbox[0].subject
    assert list(selectors.purchase_orders_awaiting(user=order.project.project_manager)) == [order]
    assert not selectors.purchase_orders_awaiting(user=user_with_role(Role.PROJECT_MANAGER)).exists()
