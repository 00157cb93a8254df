"""Reads of projects that other apps make: batches over many projects, and single facts about one.

Reporting's weekly figures, dashboards and connectors, and quality's closure checks read projects
only through these (and the other selectors): the `public_surface` import contract, ARCHITECTURE.md.
Each returns a queryset or a value built by one query; callers shape the rows.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, Max, OuterRef, Q, QuerySet, Subquery, Sum

from pmo.models import User
from projects.models import (
    CLOSED_TASK_STATUSES,
    Action,
    ChangeRequest,
    Customer,
    CustomerContact,
    Decision,
    Document,
    Issue,
    Lesson,
    PlanBaselineTask,
    Project,
    Risk,
    Task,
    TaskKind,
    TaskStatus,
)

# Projects


def project_queryset_by_ids(*, ids) -> QuerySet[Project]:
    """These projects, as a queryset (to annotate or to filter other rows by)."""
    return Project.objects.filter(pk__in=ids)


def project_as_queryset(*, project: Project) -> QuerySet[Project]:
    """One project as a queryset, for reads written over a set of projects."""
    return Project.objects.filter(pk=project.pk)


def project_list_excluding_phases(*, phases) -> QuerySet[Project]:
    """Projects not in these phases, with their customer and manager."""
    return Project.objects.exclude(phase__in=phases).select_related("customer", "project_manager")


def project_get_by_code(*, code: str) -> Project | None:
    """The project with this code, with its customer and manager; None when there is none."""
    return Project.objects.select_related("customer", "project_manager").filter(code=code).first()


def project_ids_by_code(*, codes) -> dict[str, int]:
    """{code: pk} of the projects with these codes."""
    return dict(Project.objects.filter(code__in=codes).values_list("code", "pk"))


def project_list_for_export() -> QuerySet[Project]:
    """Every project, oldest first (connectors push them all)."""
    return Project.objects.order_by("pk")


# Customers


def customer_choices() -> QuerySet[Customer]:
    """Customers for a filter's drop-down: id and name only."""
    return Customer.objects.only("pk", "name")


def customer_find_by_name(*, name: str) -> Customer | None:
    """The customer whose name is this one, whatever the case; None when there is none."""
    return Customer.objects.filter(name__iexact=name).first()


def customer_languages() -> dict[int, str]:
    """{customer pk: language} of every customer."""
    return dict(Customer.objects.values_list("pk", "language"))


def customer_contacts_by_pk() -> QuerySet[CustomerContact]:
    """Every customer contact, oldest first."""
    return CustomerContact.objects.order_by("pk")


# Plan


def baseline_task_rows(*, project_ids) -> QuerySet:
    """(project, baseline number, task, start, end) of every baseline, latest baseline first."""
    rows = PlanBaselineTask.objects.filter(baseline__project__in=project_ids).values_list(
        "baseline__project_id", "baseline__number", "task_id", "planned_start", "planned_end"
    )
    return rows.order_by("baseline__project_id", "-baseline__number")


def task_progress_by_project(*, project_ids) -> QuerySet:
    """Per project, the mean progress and the latest planned end of its tasks not cancelled."""
    return (
        Task.objects.filter(project__in=project_ids)
        .exclude(status=TaskStatus.CANCELLED)
        .values("project_id")
        .annotate(progress=Avg("progress"), forecast_end=Max("planned_end"))
    )


def milestone_rows(*, project_ids) -> QuerySet:
    """The milestones not cancelled of these projects, in plan order, as dicts."""
    rows = Task.objects.filter(project__in=project_ids, kind=TaskKind.MILESTONE).exclude(
        status=TaskStatus.CANCELLED
    )
    return rows.order_by("planned_start", "sort_order").values(
        "pk", "project_id", "name", "planned_end", "actual_end"
    )


def milestones_coming(
    *, since: date, until: date, projects=None, manager: User | None = None
) -> QuerySet[Task]:
    """Open milestones planned to end in the window, of these projects (None: of every project) or of the
    projects a user runs; with the columns the dashboards show (whole rows were a few percent of each)."""
    window = (since, until)
    if manager is None:
        tasks = Task.objects.filter(kind=TaskKind.MILESTONE, planned_end__range=window)
        tasks = tasks if projects is None else tasks.filter(project__in=projects)
    else:
        mine = Q(project__project_manager=manager) | Q(project__support_officer=manager)
        tasks = Task.objects.filter(mine, kind=TaskKind.MILESTONE, planned_end__range=window)
    return (
        tasks.exclude(status__in=CLOSED_TASK_STATUSES)
        .select_related("project")
        .only("pk", "project_id", "name", "kind", "status", "planned_start", "planned_end", "project__code")
        .order_by("planned_end", "pk")
    )


def tasks_open_count(*, project: Project) -> int:
    """How many of the project's tasks are neither done nor cancelled."""
    return Task.objects.filter(project=project).exclude(status__in=CLOSED_TASK_STATUSES).count()


# Documents


def document_queryset_for_project(*, project: Project | None) -> QuerySet[Document]:
    """The project's documents (none without a project), e.g. to pick one as evidence."""
    if project is None:
        return Document.objects.none()
    return Document.objects.filter(project=project)


def project_has_document(*, project: Project, category: str) -> bool:
    """Whether the project has a document of this category."""
    return Document.objects.filter(project=project, category=category).exists()


# Registers


def project_has_lessons(*, project: Project) -> bool:
    """Whether a lesson learned is recorded for the project."""
    return Lesson.objects.filter(project=project).exists()


def open_risks_for_projects(*, project_ids) -> QuerySet[Risk]:
    """Open risks of these projects with their owner, highest residual score first per project."""
    return (
        Risk.objects.filter(project__in=project_ids, status__in=Risk.OPEN_STATUSES)
        .select_related("owner")
        .order_by("project_id", "-residual_score", "-residual_emv", "number")
    )


def open_risk_totals_by_project(*, project_ids, threshold: int) -> QuerySet:
    """Per project: highest threat score, threats at or above the threshold, threat and opportunity EMV."""
    return (
        Risk.objects.filter(project__in=project_ids, status__in=Risk.OPEN_STATUSES)
        .values("project_id")
        .annotate(
            highest=Max("residual_score", filter=Q(kind=Risk.Kind.THREAT)),
            high=Count("pk", filter=Q(residual_score__gte=threshold, kind=Risk.Kind.THREAT)),
            threats=Sum("residual_emv", filter=Q(kind=Risk.Kind.THREAT), default=Decimal("0.00")),
            opportunities=Sum("residual_emv", filter=Q(kind=Risk.Kind.OPPORTUNITY), default=Decimal("0.00")),
        )
    )


def open_issues_for_projects(*, project_ids) -> QuerySet[Issue]:
    """Open issues of these projects with their owner."""
    return Issue.objects.filter(project__in=project_ids, status__in=Issue.OPEN_STATUSES).select_related(
        "owner"
    )


def open_issue_counts_by_project(*, project_ids) -> dict[int, int]:
    """{project: open issues}."""
    return dict(
        Issue.objects.filter(project__in=project_ids, status__in=Issue.OPEN_STATUSES)
        .values("project_id")
        .annotate(count=Count("pk"))
        .values_list("project_id", "count")
    )


def open_action_counts_by_project(*, project_ids, today: date) -> QuerySet:
    """Per project: open actions and, of those, the ones due before today."""
    return (
        Action.objects.filter(project__in=project_ids, status__in=Action.OPEN_STATUSES)
        .values("project_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
    )


def change_requests_open_or_decided(*, project_ids, since: date, until: date) -> QuerySet[ChangeRequest]:
    """Change requests still open, or decided in the window, by project and number."""
    recent = Q(status__in=ChangeRequest.OPEN_STATUSES) | Q(decided_at__date__range=(since, until))
    return ChangeRequest.objects.filter(recent, project__in=project_ids).order_by("project_id", "number")


def decisions_taken(*, project_ids, since: date, until: date) -> QuerySet[Decision]:
    """Decisions taken in the window, by project, day and number."""
    decisions = Decision.objects.filter(project__in=project_ids, decided_on__range=(since, until))
    return decisions.order_by("project_id", "decided_on", "number")


def lessons_recorded(*, project_ids, since: date, until: date) -> QuerySet[Lesson]:
    """Lessons recorded in the window, oldest first."""
    return Lesson.objects.filter(project__in=project_ids, created_at__date__range=(since, until)).order_by(
        "pk"
    )


def register_entries_for_export(*, kind: str) -> QuerySet:
    """Every risk (`kind="risk"`) or issue (any other kind) with its project, oldest first."""
    entries = Risk.objects.all() if kind == "risk" else Issue.objects.all()
    return entries.select_related("project").order_by("pk")


def project_next_milestone_annotate(*, projects: QuerySet[Project], today: date) -> QuerySet[Project]:
    """These projects with the name and planned end of their next open milestone (two subqueries)."""
    coming = (
        Task.objects.filter(project=OuterRef("pk"), kind=TaskKind.MILESTONE, planned_end__gte=today)
        .exclude(status__in=CLOSED_TASK_STATUSES)
        .order_by("planned_end", "sort_order", "pk")
    )
    return projects.annotate(
        next_milestone_name=Subquery(coming.values("name")[:1]),
        next_milestone_end=Subquery(coming.values("planned_end")[:1]),
    )
