"""Reads of the plan: tasks with their baseline variance, milestones, Gantt data, capacity per week."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from pmo.models import User
from projects.models import (
    OPEN_FIELD_WORK,
    Assignment,
    PlanBaseline,
    PlanBaselineTask,
    Project,
    Resource,
    Task,
    TaskDependency,
    TaskKind,
    TaskStatus,
)
from projects.rules import project_visibility
from projects.selectors.timesheets import tasks_with_hours


def baseline_list_for_project(*, project: Project) -> QuerySet[PlanBaseline]:
    return project.baselines.select_related("created_by").order_by("-number")


def baseline_choose(*, project: Project, number: str | int | None) -> PlanBaseline | None:
    """The baseline the user picked, or the latest one."""
    baselines = project.baselines.order_by("-number")
    if number not in (None, ""):
        try:
            return baselines.filter(number=int(number)).first()
        except (TypeError, ValueError):
            return baselines.first()
    return baselines.first()


@dataclass
class PlanRow:
    task: Task
    baseline_start: date | None
    baseline_end: date | None
    predecessor_ids: list[int] = field(default_factory=list)

    @property
    def variance_days(self) -> int | None:
        """Days late (positive) or early (negative) of the planned end against the baseline."""
        if self.baseline_end is None:
            return None
        return (self.task.planned_end - self.baseline_end).days


def task_queryset_with_baseline(*, project: Project, baseline: PlanBaseline | None) -> QuerySet[Task]:
    """The project's tasks with their resources, approved and remaining hours, and baseline dates."""
    counted = project.tasks.annotate(assignment_count=Count("assignments"))
    tasks = tasks_with_hours(counted).order_by("sort_order", "pk")
    if baseline is None:
        return tasks
    rows = PlanBaselineTask.objects.filter(baseline=baseline, task=OuterRef("pk"))
    return tasks.annotate(
        baseline_start=Subquery(rows.values("planned_start")[:1]),
        baseline_end=Subquery(rows.values("planned_end")[:1]),
    )


def plan_rows(*, project: Project, baseline: PlanBaseline | None) -> list[PlanRow]:
    """Every task of the plan in WBS order with its baseline dates and predecessors, in two queries."""
    predecessors: dict[int, list[int]] = {}
    for before, after in TaskDependency.objects.filter(successor__project=project).values_list(
        "predecessor_id", "successor_id"
    ):
        predecessors.setdefault(after, []).append(before)
    return [
        PlanRow(
            task=task,
            baseline_start=getattr(task, "baseline_start", None),
            baseline_end=getattr(task, "baseline_end", None),
            predecessor_ids=predecessors.get(task.pk, []),
        )
        for task in task_queryset_with_baseline(project=project, baseline=baseline)
    ]


def plan_row(*, task_pk: int, baseline: PlanBaseline | None) -> PlanRow:
    """One row of the plan, as `plan_rows` builds it, to redraw after an edit (predecessors left out)."""
    task = Task.objects.select_related("project").get(pk=task_pk)
    task = task_queryset_with_baseline(project=task.project, baseline=baseline).get(pk=task_pk)
    return PlanRow(
        task=task,
        baseline_start=getattr(task, "baseline_start", None),
        baseline_end=getattr(task, "baseline_end", None),
    )


def milestone_list_for_project(*, project: Project, baseline: PlanBaseline | None) -> list[PlanRow]:
    """The project's milestones by date, with their baseline date."""
    queryset = task_queryset_with_baseline(project=project, baseline=baseline).filter(kind=TaskKind.MILESTONE)
    return [
        PlanRow(
            task=task,
            baseline_start=getattr(task, "baseline_start", None),
            baseline_end=getattr(task, "baseline_end", None),
        )
        for task in queryset.order_by("planned_start", "sort_order")
    ]


def plan_progress(*, project: Project) -> dict:
    """Share of work done: the mean progress of the plan's non-cancelled tasks, and counts."""
    from django.db.models import Avg, Q

    return project.tasks.exclude(status=TaskStatus.CANCELLED).aggregate(
        progress=Avg("progress"),
        total=Count("pk"),
        done=Count("pk", filter=Q(status=TaskStatus.DONE)),
        late=Count("pk", filter=Q(planned_end__lt=date.today()) & ~Q(status=TaskStatus.DONE)),
    )


def iso_week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


# Hours of an assignment are spread evenly over the working days (Monday to Friday) of its task;
# a task that falls wholly in a weekend counts its calendar days instead.
#
# Working days are counted by arithmetic, not by generating a row per day: the weekdays up to a day,
# counted from a Monday long before any plan (1 January 1900), differ by the weekdays between two days.
# Generating every day of every task, then every day of every week, was 30 of the engineering home's
# 40 ms at scale L; one row per (assignment, week) does the same sums, the window's weeks generated once.
def _weekdays_through(day: str) -> str:
    days = f"(({day}) - DATE '1900-01-01')"
    return f"(({days} / 7) * 5 + LEAST(mod({days}, 7) + 1, 5))"


def _weekdays_between(first: str, last: str) -> str:
    return f"({_weekdays_through(last)} - {_weekdays_through(f'({first}) - 1')})"


_WEEK_FIRST = "GREATEST(s.planned_start, w.week, %(start)s::date)"
_WEEK_LAST = "LEAST(s.planned_end, w.week + 6, %(end)s::date - 1)"
LOADS_SQL = f"""
WITH spread AS MATERIALIZED (
    SELECT a.resource_id, a.hours, t.planned_start, t.planned_end,
           {_weekdays_between("t.planned_start", "t.planned_end")} AS working_days
    FROM projects_assignment a
    JOIN projects_task t ON t.id = a.task_id
    WHERE {{resources}}
      AND t.status <> 'cancelled'
      AND t.planned_end >= %(start)s AND t.planned_start < %(end)s
), weeks AS (
    SELECT week::date FROM generate_series(date_trunc('week', %(start)s::date), %(end)s::date - 1,
                                           interval '1 week') week
)
SELECT s.resource_id, w.week, sum(c.days * (s.hours / GREATEST(
           CASE WHEN s.working_days = 0 THEN s.planned_end - s.planned_start + 1 ELSE s.working_days END, 1
       ))) AS load
FROM spread s
JOIN weeks w ON w.week <= s.planned_end AND w.week + 6 >= s.planned_start
CROSS JOIN LATERAL (
    SELECT CASE WHEN s.working_days = 0 THEN {_WEEK_LAST} - {_WEEK_FIRST} + 1
                ELSE {_weekdays_between(_WEEK_FIRST, _WEEK_LAST)} END AS days
) c
WHERE c.days > 0
GROUP BY 1, 2
"""
CAPACITY_SQL = LOADS_SQL.format(resources="a.resource_id = ANY(%(resources)s)")

# The (active resource, week) pairs whose load, rounded as the capacity page shows it, is past the
# resource's weekly capacity: the first %(limit)s by week then name, and how many there are in all.
OVER_ALLOCATION_SQL = (
    "WITH loads AS ("
    + LOADS_SQL.format(resources="a.resource_id IN (SELECT id FROM projects_resource WHERE is_active)")
    + """)
SELECT l.resource_id, l.week, round(l.load, 1), r.weekly_capacity_hours, count(*) OVER () AS total
FROM loads l
JOIN projects_resource r ON r.id = l.resource_id
WHERE round(l.load, 1) > r.weekly_capacity_hours
ORDER BY l.week, r.name, r.id
LIMIT %(limit)s
"""
)


@dataclass
class CapacityCell:
    week: date
    load: Decimal
    capacity: Decimal
    booked: Decimal = Decimal("0")  # hours on timesheets that week, whatever their state (issue 15)

    @property
    def is_over(self) -> bool:
        return self.load > self.capacity

    @property
    def percent(self) -> int:
        return int(self.load * 100 / self.capacity) if self.capacity else (100 if self.load else 0)


@dataclass
class CapacityRow:
    resource: Resource
    cells: list[CapacityCell]

    @property
    def is_over(self) -> bool:
        return any(cell.is_over for cell in self.cells)


def resource_list(
    *, department: str = "", kind: str = "", project: Project | None = None, resource_id: int | None = None
) -> QuerySet[Resource]:
    resources = Resource.objects.filter(is_active=True)
    if project is not None:
        on_project = Assignment.objects.filter(task__project=project).values("resource_id")
        resources = resources.filter(pk__in=on_project)
    if resource_id is not None:
        resources = resources.filter(pk=resource_id)
    if department:
        resources = resources.filter(department=department)
    if kind:
        resources = resources.filter(kind=kind)
    return resources.order_by("department", "name")


def capacity_first_week_with_work(
    *, project: Project | None = None, resource_id: int | None = None, today: date
) -> date | None:
    """Where the capacity view opens for a project or a person: the first week of their work still to come,
    else (all of it past) the first week they ever had work; None when there is no assigned work at all."""
    assigned = Task.objects.filter(assignments__isnull=False)
    if project is not None:
        assigned = assigned.filter(project=project)
    if resource_id is not None:
        assigned = assigned.filter(assignments__resource_id=resource_id)
    first = assigned.aggregate(
        coming=Min("planned_start", filter=Q(planned_end__gte=today)), ever=Min("planned_start")
    )
    day = first["coming"] or first["ever"]
    if day is None:
        return None
    return iso_week_start(max(day, today) if first["coming"] else day)


def resource_departments() -> list[str]:
    return list(
        Resource.objects.exclude(department="")
        .order_by("department")
        .values_list("department", flat=True)
        .distinct()
    )


def capacity_loads_sql(*, resource_ids: list[int], start: date, end: date) -> dict[tuple[int, date], Decimal]:
    """Hours per (resource, week start) on PostgreSQL, spread by the database (CAPACITY_SQL)."""
    loads = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # generate_series makes the planner overestimate by far; JIT compilation would then
        # cost more than the query itself (600 ms instead of 20 ms at scale L).
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(CAPACITY_SQL, {"resources": resource_ids, "start": start, "end": end})
        for resource_id, week, load in cursor.fetchall():
            loads[(resource_id, week)] = Decimal(load).quantize(Decimal("0.1"))
    return loads


def capacity_loads_python(
    *, resource_ids: list[int], start: date, end: date
) -> dict[tuple[int, date], Decimal]:
    """The same spread as CAPACITY_SQL, in Python: for the embedded SQLite database of `make run`."""
    assignments = (
        Assignment.objects.filter(
            resource_id__in=resource_ids,
            task__planned_start__isnull=False,
            task__planned_end__gte=start,
            task__planned_start__lt=end,
        )
        .exclude(task__status=TaskStatus.CANCELLED)
        .values_list("resource_id", "hours", "task__planned_start", "task__planned_end")
    )
    loads: dict[tuple[int, date], Decimal] = {}
    for resource_id, hours, first_day, last_day in assignments:
        days = [first_day + timedelta(days=offset) for offset in range((last_day - first_day).days + 1)]
        counted = [day for day in days if day.weekday() < 5] or days
        per_day = Decimal(hours) / max(len(counted), 1)
        for day in counted:
            if start <= day < end:
                key = (resource_id, iso_week_start(day))
                loads[key] = loads.get(key, Decimal(0)) + per_day
    return {key: load.quantize(Decimal("0.1")) for key, load in loads.items()}


def capacity_rows(*, resources: list[Resource], start: date, weeks: int) -> list[CapacityRow]:
    """Load against capacity per resource and ISO week, across all projects, in one query."""
    start = iso_week_start(start)
    end = start + timedelta(weeks=weeks)
    loads: dict[tuple[int, date], Decimal] = {}
    if resources:
        resource_ids = [resource.pk for resource in resources]
        if connection.vendor == "postgresql":
            loads = capacity_loads_sql(resource_ids=resource_ids, start=start, end=end)
        else:
            loads = capacity_loads_python(resource_ids=resource_ids, start=start, end=end)
    week_starts = [start + timedelta(weeks=number) for number in range(weeks)]
    booked = _booked_hours(resources=resources, start=start, end=end)
    return [
        CapacityRow(
            resource=resource,
            cells=[
                CapacityCell(
                    week=week,
                    load=loads.get((resource.pk, week), Decimal("0.0")),
                    capacity=resource.weekly_capacity_hours,
                    booked=booked.get((resource.pk, week), Decimal("0")),
                )
                for week in week_starts
            ],
        )
        for resource in resources
    ]


def _booked_hours(*, resources: list[Resource], start: date, end: date) -> dict[tuple[int, date], Decimal]:
    """Hours booked per resource and ISO week (reversals included, so corrections net out), one query."""
    from django.db.models import Sum
    from django.db.models.functions import TruncWeek

    from projects.models import TimesheetEntry

    if not resources:
        return {}
    rows = (
        TimesheetEntry.objects.filter(resource__in=resources, day__gte=start, day__lt=end)
        .annotate(week=TruncWeek("day"))
        .values("resource_id", "week")
        .annotate(hours=Sum("hours"))
    )
    return {(row["resource_id"], row["week"]): row["hours"] for row in rows}


# --- earned value inputs (issue 15): what reporting.selectors.evm needs where PostgreSQL does not compute it
@dataclass(frozen=True)
class WorkPackage:
    """A leaf task EVM spreads the budget over, with its dates in the project's latest baseline."""

    project_id: int
    progress: int
    hours: Decimal
    planned_start: date
    planned_end: date
    baseline_start: date | None
    baseline_end: date | None


WORK_PACKAGE_COLUMNS = (
    "project_id",
    "progress",
    "planned_hours",
    "planned_start",
    "planned_end",
    "baseline_start",
    "baseline_end",
)


def evm_work_packages(*, project_ids: list[int]) -> list[WorkPackage]:
    """Leaf tasks, neither milestones nor cancelled, with planned hours and baseline dates (one query)."""
    latest_baseline = PlanBaseline.objects.filter(project_id=OuterRef(OuterRef("project_id"))).order_by(
        "-number"
    )
    in_baseline = PlanBaselineTask.objects.filter(
        baseline_id=Subquery(latest_baseline.values("pk")[:1]), task_id=OuterRef("pk")
    )
    hours = (
        Assignment.objects.filter(task_id=OuterRef("pk"))
        .order_by()
        .values("task_id")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    rows = (
        Task.objects.filter(project_id__in=project_ids)
        .exclude(status=TaskStatus.CANCELLED)
        .exclude(kind=TaskKind.MILESTONE)
        .exclude(Exists(Task.objects.filter(parent_id=OuterRef("pk"))))
        .annotate(
            planned_hours=Coalesce(Subquery(hours), Value(Decimal("0"))),
            baseline_start=Subquery(in_baseline.values("planned_start")[:1]),
            baseline_end=Subquery(in_baseline.values("planned_end")[:1]),
        )
        .order_by("pk")
        .values_list(
            "project_id",
            "progress",
            "planned_hours",
            "planned_start",
            "planned_end",
            "baseline_start",
            "baseline_end",
        )
    )
    return [WorkPackage(*row) for row in rows]


def project_budgets(*, project_ids: list[int]) -> dict[int, Decimal]:
    return dict(Project.objects.filter(pk__in=project_ids).values_list("pk", "budget"))


# The engineering manager's home (issue 19): where people are over-booked, what starts, what has nobody.


@dataclass
class OverAllocation:
    resource: Resource
    week: date
    load: Decimal
    capacity: Decimal

    @property
    def iso_week(self) -> str:
        """The week as the capacity page's `week=` parameter reads it (2027-W09)."""
        year, week, _weekday = self.week.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def percent(self) -> int:
        return int(self.load * 100 / self.capacity) if self.capacity else 100


def capacity_over_allocations(*, start: date, weeks: int, limit: int) -> tuple[list[OverAllocation], int]:
    """The first `limit` (active resource, ISO week) pairs booked past capacity in the window, by week then
    name, and how many there are in all.

    PostgreSQL sums and filters the loads (OVER_ALLOCATION_SQL) and the resources of the rows shown come in
    one more query, whatever the number of resources; the embedded SQLite database of `make run` spreads
    the loads in Python instead.
    """
    start = iso_week_start(start)
    end = start + timedelta(weeks=weeks)
    if connection.vendor != "postgresql":
        return _over_allocations_python(start=start, weeks=weeks, limit=limit)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # as in capacity_loads_sql
        cursor.execute(OVER_ALLOCATION_SQL, {"start": start, "end": end, "limit": limit})
        rows = cursor.fetchall()
    resources = Resource.objects.in_bulk([row[0] for row in rows])
    overs = [
        OverAllocation(resources[resource_id], week, Decimal(load), capacity)
        for resource_id, week, load, capacity, _total in rows
    ]
    return overs, (rows[0][4] if rows else 0)


def _over_allocations_python(*, start: date, weeks: int, limit: int) -> tuple[list[OverAllocation], int]:
    overs = sorted(
        (
            OverAllocation(row.resource, cell.week, cell.load, cell.capacity)
            for row in capacity_rows(resources=list(resource_list()), start=start, weeks=weeks)
            for cell in row.cells
            if cell.is_over
        ),
        key=lambda over: (over.week, over.resource.name, over.resource.pk),
    )
    return overs[:limit], len(overs)


# What the engineering manager's lists show of a task and its project (whole rows were a tenth of the home).
FIELD_TASK_COLUMNS = (
    "pk",
    "project_id",
    "wbs_code",
    "name",
    "kind",
    "status",
    "planned_start",
    "planned_end",
)


def _field_tasks_for(*, user: User) -> QuerySet[Task]:
    visible = project_visibility.q(user, prefix="project__")
    return Task.objects.filter(visible, OPEN_FIELD_WORK).only(*FIELD_TASK_COLUMNS, "project__code")


def tasks_starting(*, user: User, since: date, until: date) -> QuerySet[Task]:
    """Open engineering and installation tasks of visible projects that start in [since, until], with
    their project and assigned resources (two queries)."""
    return (
        _field_tasks_for(user=user)
        .filter(planned_start__range=(since, until))
        .select_related("project")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related("resource").only("task_id", "resource__name"),
            )
        )
        .order_by("planned_start", "project__code", "sort_order", "pk")
    )


def tasks_without_resource(*, user: User, today: date) -> QuerySet[Task]:
    """Open engineering and installation tasks of visible projects, not yet over, that nobody is on."""
    return (
        _field_tasks_for(user=user)
        .filter(planned_end__gte=today, assignments__isnull=True)
        .select_related("project")
        .order_by("planned_start", "project__code", "sort_order", "pk")
    )
