"""Each visibility rule is written once: for every role, its queryset and its predicate agree."""

import pytest
from django.db.models import Q

from pmo.lib.visibility import has_role, user_is, value_in
from pmo.roles import Role
from procurement.models import PurchaseOrder, PurchaseOrderLine
from procurement.rules import order_visibility
from procurement.selectors import purchase_order_list_for_user
from projects.models import Intake, Phase, Project, Quotation
from projects.rules import intake_visibility, project_visibility, quotation_visibility
from projects.selectors import project_queryset_for_user, quotation_list_for_user
from projects.selectors.intake import intake_visibility_q
from tests.factories import (
    IntakeFactory,
    ProjectFactory,
    PurchaseOrderFactory,
    PurchaseOrderLineFactory,
    QuotationFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

# One user per role, and two people who hold two roles at once (either branch of a rule may open it).
USERS = [[role] for role in Role.values] + [
    [Role.PROJECT_MANAGER, Role.SALES],
    [Role.SMO, Role.PROJECT_MANAGER],
]


def _projects(user) -> list[Project]:
    """Every phase, managed, supported, sold by the user or not."""
    return [
        ProjectFactory(
            phase=phase,
            project_manager=user if index % 2 else None,
            support_officer=user if index % 4 == 2 else None,
            account_manager=user if index % 3 == 0 else None,
        )
        for index, phase in enumerate(Phase.values)
    ]


def _agree(rule, queryset, objects, user, permission: str | None = None) -> None:
    by_query = set(queryset.filter(rule.q(user)).values_list("pk", flat=True))
    by_predicate = {obj.pk for obj in objects if rule.predicate(user, obj)}
    assert by_query == by_predicate
    if permission:
        assert by_predicate == {obj.pk for obj in objects if user.has_perm(permission, obj)}


@pytest.mark.parametrize("roles", USERS, ids="+".join)
def test_the_project_rule_gives_the_same_projects_as_a_query_and_as_a_permission(roles):
    user = UserFactory(roles=roles)
    projects = _projects(user)
    scope = Project.objects.filter(pk__in=[project.pk for project in projects])

    _agree(project_visibility, scope, projects, user, "projects.view_project")
    assert set(project_queryset_for_user(user=user).filter(pk__in=scope)) == {
        project for project in projects if user.has_perm("projects.view_project", project)
    }


@pytest.mark.parametrize("roles", USERS, ids="+".join)
def test_the_intake_and_quotation_rules_agree_with_their_permissions(roles):
    user = UserFactory(roles=roles)
    intakes = [IntakeFactory(created_by=user), IntakeFactory()]
    quotations = [QuotationFactory(created_by=user), QuotationFactory()]

    _agree(
        intake_visibility,
        Intake.objects.filter(pk__in=[i.pk for i in intakes]),
        intakes,
        user,
        "projects.view_intake",
    )
    assert set(Intake.objects.filter(intake_visibility_q(user), pk__in=[i.pk for i in intakes])) == {
        intake for intake in intakes if user.has_perm("projects.view_intake", intake)
    }
    scope = Quotation.objects.filter(pk__in=[q.pk for q in quotations])
    _agree(quotation_visibility, scope, quotations, user, "projects.view_quotation")
    assert set(quotation_list_for_user(user=user).filter(pk__in=scope)) == {
        quotation for quotation in quotations if user.has_perm("projects.view_quotation", quotation)
    }


@pytest.mark.parametrize("roles", USERS, ids="+".join)
def test_the_order_rule_agrees_on_orders_with_and_without_a_project(roles):
    user = UserFactory(roles=roles)
    orders = [
        PurchaseOrderFactory(project=ProjectFactory(project_manager=user)),
        PurchaseOrderFactory(project=ProjectFactory(project_manager=None, support_officer=user)),
        PurchaseOrderFactory(requester=user),
        PurchaseOrderFactory(project=None, requester=user),
        PurchaseOrderFactory(project=None),
        PurchaseOrderFactory(),
    ]
    scope = PurchaseOrder.objects.filter(pk__in=[order.pk for order in orders])

    # No substitute is set up here, so the permission is the rule alone (substitutes: test_approvals).
    _agree(order_visibility, scope, orders, user, "procurement.view_purchaseorder")
    assert set(purchase_order_list_for_user(user=user).filter(pk__in=scope)) == {
        order for order in orders if order_visibility.predicate(user, order)
    }
    # The same rule filters rows that point at orders (an order's lines).
    lines = [PurchaseOrderLineFactory(order=order) for order in orders]
    visible_lines = PurchaseOrderLine.objects.filter(
        order_visibility.q(user, prefix="order__"), pk__in=[line.pk for line in lines]
    )
    assert {line.order_id for line in visible_lines} == {
        order.pk for order in orders if order_visibility.predicate(user, order)
    }


def test_a_role_term_is_decided_before_the_query():
    reader, nobody = user_with_role(Role.HEAD_OF_PM), user_with_role(Role.FINANCE)
    rule = has_role(Role.HEAD_OF_PM) | (has_role(Role.SALES) & user_is("created_by"))

    assert rule.q(reader) == Q()
    assert rule.q(nobody) == Q(pk__in=[])
    assert (has_role(Role.FINANCE) & value_in("phase", ["closing"])).q(nobody) == Q(phase__in=("closing",))


def test_the_predicate_refuses_without_an_object_or_a_signed_in_user():
    from django.contrib.auth.models import AnonymousUser

    project = ProjectFactory()
    assert not project_visibility.predicate(user_with_role(Role.HEAD_OF_PM), None)
    assert not project_visibility.predicate(AnonymousUser(), project)
    assert project_visibility.q(AnonymousUser()) == Q(pk__in=[])


@pytest.mark.parametrize("roles", USERS, ids="+".join)
def test_the_handover_and_corrective_action_rules_agree_with_their_lists_and_permissions(roles):
    from quality.models import CorrectiveAction, Handover, HandoverStatus
    from quality.rules import corrective_action_visibility, handover_visibility
    from quality.selectors.core import corrective_action_list_for_user, handover_list_for_user
    from tests.factories import CorrectiveActionFactory, HandoverFactory

    user = UserFactory(roles=roles)
    statuses = HandoverStatus.values
    handovers = [
        HandoverFactory(
            project=project,
            status=statuses[(index // 2) % len(statuses)],
            smo_owner=user if index % 2 else user_with_role(Role.SMO),
        )
        for index, project in enumerate(_projects(user) + _projects(UserFactory()))
    ]
    actions = [
        CorrectiveActionFactory(owner=user if index % 3 == 0 else UserFactory())
        for index in range(len(handovers))
    ]
    for action, handover in zip(actions, handovers, strict=True):
        CorrectiveAction.objects.filter(pk=action.pk).update(project=handover.project)
    actions = list(CorrectiveAction.objects.filter(pk__in=[action.pk for action in actions]))
    handover_scope = Handover.objects.filter(pk__in=[handover.pk for handover in handovers])
    action_scope = CorrectiveAction.objects.filter(pk__in=[action.pk for action in actions])

    _agree(handover_visibility, handover_scope, handovers, user, "quality.view_handover")
    _agree(corrective_action_visibility, action_scope, actions, user, "quality.view_correctiveaction")
    assert set(handover_list_for_user(user=user).filter(pk__in=handover_scope)) == {
        handover for handover in handovers if user.has_perm("quality.view_handover", handover)
    }
    assert set(corrective_action_list_for_user(user=user).filter(pk__in=action_scope)) == {
        action for action in actions if user.has_perm("quality.view_correctiveaction", action)
    }
    if Role.SMO in roles:  # a draft addressed to the SMO stays with those who see its project
        hidden_drafts = [
            handover
            for handover in handovers
            if handover.smo_owner == user
            and handover.status == HandoverStatus.DRAFT
            and not user.has_perm("projects.view_project", handover.project)
        ]
        assert hidden_drafts
        assert not any(user.has_perm("quality.view_handover", handover) for handover in hidden_drafts)


@pytest.mark.parametrize("roles", USERS, ids="+".join)
def test_the_report_rule_agrees_with_its_list_its_permission_and_the_project_page(roles):
    """Both versions on every project: the API's list, the permission and the project page's versions."""
    from reporting.models import Audience, HighlightReport
    from reporting.rules import internal_report_readers, report_visibility
    from reporting.selectors import report_queryset_for_user, visible_audiences

    user = UserFactory(roles=roles)
    projects = _projects(user) + _projects(UserFactory())
    reports = [
        HighlightReport.objects.create(
            project=project,
            period_start="2026-11-23",
            period_end="2026-11-29",
            audience=audience,
            language="nl",
        )
        for project in projects
        for audience in Audience.values
    ]
    scope = HighlightReport.objects.filter(pk__in=[report.pk for report in reports])

    _agree(internal_report_readers, Project.objects.filter(pk__in=[p.pk for p in projects]), projects, user)
    _agree(report_visibility, scope, reports, user, "reporting.view_highlightreport")
    assert set(report_queryset_for_user(user=user).filter(pk__in=scope)) == {
        report
        for report in reports
        if user.has_perm("projects.view_project", report.project)
        and report.audience in visible_audiences(user=user, project=report.project)
    }


@pytest.mark.parametrize("roles", USERS, ids="+".join)
def test_the_requisition_rule_agrees_with_its_list_and_permission(roles):
    """Requester, the project's PM or support officer, a resource on its plan, or a money reader."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from procurement.models import PurchaseRequisition
    from procurement.rules import requisition_visibility
    from procurement.selectors.tenders import requisition_list_for_user
    from procurement.services.requisitions import requisition_submit
    from tests.factories import AssignmentFactory, ResourceFactory, TaskFactory

    user = UserFactory(roles=roles)
    resource = ResourceFactory(user=user)
    requisitions = []
    for index, project in enumerate(_projects(user) + _projects(UserFactory())):
        engineer = UserFactory()
        AssignmentFactory(task=TaskFactory(project=project), resource=ResourceFactory(user=engineer))
        if index % 3 == 1:  # the user is on this project's plan
            AssignmentFactory(task=TaskFactory(project=project), resource=resource)
        requisition = requisition_submit(
            actor=engineer,
            project=project,
            description="Patch cables",
            quantity=Decimal("2"),
            unit="pcs",
            estimated_unit_price=Decimal("4.50"),
            needed_by=timezone.localdate() + timedelta(days=10),
            suggested_supplier=None,
            budget_line=None,
        )
        if index % 5 == 0:  # asked for by the user, on a project they may no longer be on
            PurchaseRequisition.objects.filter(pk=requisition.pk).update(requester=user)
        requisitions.append(requisition)
    requisitions = list(PurchaseRequisition.objects.filter(pk__in=[r.pk for r in requisitions]))
    scope = PurchaseRequisition.objects.filter(pk__in=[r.pk for r in requisitions])

    _agree(requisition_visibility, scope, requisitions, user, "procurement.view_purchaserequisition")
    visible = {r.pk for r in requisitions if user.has_perm("procurement.view_purchaserequisition", r)}
    listed = requisition_list_for_user(user=user).filter(pk__in=scope)
    assert set(listed.values_list("pk", flat=True)) == visible
    assert visible  # every role sees some: its own request, its team's, or all as a money reader
