"""Reads of customers and projects, scoped to what the user may see."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from pmo.lib.access import object_get_for_user
from pmo.models import User
from projects.models import Assignment, Customer, Project
from projects.rules import project_visibility


def project_visibility_q(user: User) -> Q:
    """The projects a user may read, as a filter (the rule of projects.rules.can_view_project)."""
    return project_visibility.q(user)


def project_queryset_for_user(*, user: User) -> QuerySet[Project]:
    return Project.objects.filter(project_visibility_q(user))


def project_list_for_user(*, user: User) -> QuerySet[Project]:
    """Visible projects with what a list row shows, in one query."""
    return project_queryset_for_user(user=user).select_related(
        "customer", "project_manager", "support_officer"
    )


def project_get_for_user(*, user: User, pk: int, write: bool = False, header_only: bool = False) -> Project:
    """One project; 404 when invisible, 403 when the user may only read it.

    `header_only` leaves out the customer and the people, for pages that show only the project's header
    (code, name, phase): joining four wide tables was 5 % of a register list's time."""
    projects = Project.objects.all()
    if not header_only:
        projects = projects.select_related(
            "customer", "project_manager", "support_officer", "account_manager"
        )
    return object_get_for_user(
        queryset=projects,
        pk=pk,
        user=user,
        view_perm="projects.view_project",
        change_perm="projects.change_project",
        write=write,
    )


def customer_list_for_user(*, user: User) -> QuerySet[Customer]:
    """Customers with their number of projects visible to the user.

    The count is a correlated subquery, not a GROUP BY over every project: PostgreSQL then counts only the
    customers of the page it returns (a join counted all 20,000 projects before paginating at scale XL)."""
    counted = (
        project_queryset_for_user(user=user)
        .filter(customer=OuterRef("pk"))
        .order_by()
        .values("customer")
        .annotate(count=Count("pk", distinct=True))  # a visibility join may repeat a project
        .values("count")
    )
    return Customer.objects.annotate(
        project_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0)
    )


def customer_get_for_user(*, user: User, pk: int, write: bool = False) -> Customer:
    return object_get_for_user(
        queryset=Customer.objects.all(),
        pk=pk,
        user=user,
        view_perm="projects.view_customer",
        change_perm="projects.change_customer",
        write=write,
    )


def customer_projects_for_user(*, user: User, customer: Customer) -> QuerySet[Project]:
    return project_list_for_user(user=user).filter(customer=customer)


def project_team_user_ids(*, project: Project) -> set[int]:
    """Who works on the project: its PM, its support officer and the users behind its assigned resources."""
    team = {project.project_manager_id, project.support_officer_id}
    team |= set(
        Assignment.objects.filter(task__project=project, resource__user__isnull=False).values_list(
            "resource__user_id", flat=True
        )
    )
    return {user_id for user_id in team if user_id is not None}


def projects_on_team_of(*, user: User) -> QuerySet[Project]:
    """The projects a user works on (as project_team_user_ids counts a team), as a subquery-able queryset."""
    assigned = Assignment.objects.filter(resource__user=user).values("task__project_id")
    return Project.objects.filter(Q(project_manager=user) | Q(support_officer=user) | Q(pk__in=assigned))
