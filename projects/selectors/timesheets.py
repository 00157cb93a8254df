"""Reads of timesheets: the week grid of a person, the approval queue, and approved hours for other apps."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Floor, Greatest, Least, Lower

from pmo.lib.access import object_get_for_user
from pmo.roles import Role
from projects.models import (
    CLOSED_TASK_STATUSES,
    ApprovalTrack,
    Assignment,
    CostRate,
    Phase,
    ProgressMethod,
    Resource,
    RoleCostRate,
    Task,
    TaskKind,
    TaskStatus,
    Timesheet,
    TimesheetEntry,
    TimesheetStatus,
    approval_track_for,
)
from projects.models.timesheets import BOOKED_TRACKS

# People book on projects that are being planned, executed or closed.
BOOKABLE_PHASES = (Phase.PLANNING, Phase.EXECUTION, Phase.CLOSING)
ZERO = Decimal("0")


def resource_for_user(*, user) -> Resource | None:
    """The person resource a signed-in user books as, if any."""
    if not user.is_authenticated:
        return None
    return Resource.objects.filter(user=user, is_active=True).select_related("user").first()


def bookable_task_q(*, resource: Resource) -> Q:
    """Tasks a resource may book on: open work on projects it is assigned to or whose PM it is."""
    return _bookable_q(assignments=Assignment.objects.filter(resource=resource), user_id=resource.user_id)


def _bookable_q(*, assignments: QuerySet[Assignment], user_id: int | None) -> Q:
    on_project = Q(project_id__in=assignments.values("task__project_id"))
    if user_id:
        on_project |= Q(project__project_manager_id=user_id)
        on_project |= Q(project__support_officer_id=user_id)
    return (
        on_project
        & Q(project__phase__in=BOOKABLE_PHASES)
        & ~Q(kind=TaskKind.MILESTONE)
        & ~Q(status=TaskStatus.CANCELLED)
    )


def task_to_add_list_for_user(*, user) -> QuerySet[Task]:
    """Open tasks the user may add to their grid: bookable by their resource, not done; none without one.

    The rule of `bookable_task_q`, with the resource as a subquery: the grid's "add a task" picker asks for
    its matches in one query, so the page keeps its count."""
    if not user.is_authenticated:
        return Task.objects.none()
    resources = Resource.objects.filter(user=user, is_active=True)  # resource_for_user's rule
    bookable = _bookable_q(assignments=Assignment.objects.filter(resource__in=resources), user_id=user.pk)
    return (
        Task.objects.filter(bookable, Exists(resources))
        .exclude(status__in=CLOSED_TASK_STATUSES)
        .select_related("project")
        .order_by("project__code", "sort_order", "pk")
    )


@dataclass
class GridCell:
    day: date
    hours: Decimal | None
    is_editable: bool


@dataclass
class GridRow:
    task: Task
    cells: list[GridCell]
    sheet: Timesheet | None

    @property
    def total(self) -> Decimal:
        return sum((cell.hours or ZERO for cell in self.cells), ZERO)


@dataclass
class WeekGrid:
    resource: Resource
    week_start: date
    days: list[date]
    rows: list[GridRow]
    sheets: list[Timesheet]

    @property
    def day_totals(self) -> list[tuple[date, Decimal]]:
        return [
            (day, sum((row.cells[index].hours or ZERO for row in self.rows), ZERO))
            for index, day in enumerate(self.days)
        ]

    @property
    def total(self) -> Decimal:
        return sum((row.total for row in self.rows), ZERO)

    @property
    def open_sheets(self) -> list[Timesheet]:
        return [sheet for sheet in self.sheets if sheet.is_editable]

    @property
    def is_editable(self) -> bool:
        return any(row_cell.is_editable for row in self.rows for row_cell in row.cells)


def week_days(week_start: date) -> list[date]:
    return [week_start + timedelta(days=offset) for offset in range(7)]


def _latest_sheets(*, resource: Resource, week_start: date) -> dict[tuple[int, str], Timesheet]:
    """The newest revision of each of the week's sheets, by (project, track)."""
    latest: dict[tuple[int, str], Timesheet] = {}
    sheets = Timesheet.objects.filter(
        resource=resource, week_start=week_start, track__in=BOOKED_TRACKS
    ).select_related("project", "decided_by")
    for sheet in sheets.order_by("revision"):
        latest[(sheet.project_id, sheet.track)] = sheet
    return latest


def week_grid(*, resource: Resource, week_start: date, extra_task_ids: Iterable[int] = ()) -> WeekGrid:
    """The week of a person: a row per task (assigned, booked, or added), a cell per day, in 4 queries."""
    days = week_days(week_start)
    # The grid is what the person books here; hours pulled from Dynamics 365 are on their own sheets.
    booked = (
        TimesheetEntry.objects.filter(
            resource=resource, day__gte=days[0], day__lte=days[-1], timesheet__track__in=BOOKED_TRACKS
        )
        .values("task_id", "day")
        .annotate(hours=Sum("hours"))
    )
    hours = {(row["task_id"], row["day"]): row["hours"] for row in booked}
    booked_task_ids = {task_id for task_id, _day in hours}
    sheets = _latest_sheets(resource=resource, week_start=week_start)
    bookable = bookable_task_q(resource=resource)
    # Tasks whose dates meet the week and that are assigned to the person, plus what was booked or added.
    in_week = Q(planned_start__lte=days[-1], planned_end__gte=days[0], assignments__resource=resource)
    tasks = (
        Task.objects.filter(
            (bookable & (in_week | Q(pk__in=list(extra_task_ids)))) | Q(pk__in=booked_task_ids)
        )
        .distinct()
        .select_related("project")
        .order_by("project__code", "sort_order", "pk")
    )
    bookable_ids = set(
        Task.objects.filter(bookable, pk__in=[t.pk for t in tasks]).values_list("pk", flat=True)
    )
    rows = []
    for task in tasks:
        sheet = sheets.get((task.project_id, approval_track_for(task.kind)))
        editable = task.pk in bookable_ids and (sheet is None or sheet.is_editable)
        cells = [GridCell(day, hours.get((task.pk, day)), editable) for day in days]
        rows.append(GridRow(task=task, cells=cells, sheet=sheet))
    # The tasks to add are not listed here: the grid's picker asks for the few matching what is typed.
    return WeekGrid(resource, week_start, days, rows, sorted(sheets.values(), key=_sheet_key))


def _sheet_key(sheet: Timesheet) -> tuple:
    return (sheet.project.code, sheet.track)


def timesheet_approval_list_for_user(*, user) -> list[Timesheet]:
    """Submitted sheets this user decides on, oldest week first, each with its `entry_rows`, in 2 queries.

    The entries are read by a subquery on the same filter, not a prefetch: a prefetch is skipped when no
    sheet waits, so the page would run one query fewer empty than full (make bench compares S and L)."""
    mine = Q(pk__in=[])
    if user.has_role(Role.PROJECT_MANAGER):
        mine |= Q(track=ApprovalTrack.PROJECT, project__project_manager=user)
    if user.has_role(Role.ENGINEERING_MANAGER):
        mine |= Q(track=ApprovalTrack.ENGINEERING)
    waiting = Timesheet.objects.filter(mine, status=TimesheetStatus.SUBMITTED).exclude(resource__user=user)
    sheets: list[Timesheet] = list(
        waiting.select_related("resource__user", "project__project_manager")
        .annotate(total_hours=Sum("entries__hours"))
        .order_by("week_start", "resource__name", "project__code")
    )
    entries = (
        TimesheetEntry.objects.filter(timesheet__in=waiting.values("pk"))
        .select_related("task")
        .order_by("task__sort_order", "task_id", "day", "pk")
    )
    by_sheet: dict[int, list[TimesheetEntry]] = {}
    for entry in entries:
        by_sheet.setdefault(entry.timesheet_id, []).append(entry)
    for sheet in sheets:
        sheet.entry_rows = by_sheet.get(sheet.pk, [])  # type: ignore[attr-defined]
    return sheets


def timesheet_get_for_user(*, user, pk: int, write: bool = False) -> Timesheet:
    """One sheet; 404 unless it is the user's own, one they approve, or they head PM."""
    return object_get_for_user(
        queryset=Timesheet.objects.select_related("resource__user", "project__project_manager"),
        pk=pk,
        user=user,
        view_perm="projects.view_timesheet",
        change_perm="projects.approve_timesheet",
        write=write,
    )


def timesheet_list_for_resource(*, resource: Resource) -> QuerySet[Timesheet]:
    """A person's own sheets, newest week first (a technician sees only these)."""
    return (
        Timesheet.objects.filter(resource=resource)
        .select_related("project", "decided_by")
        .annotate(total_hours=Sum("entries__hours"))
        .order_by("-week_start", "project__code", "track", "-revision")
    )


def approved_entries() -> QuerySet[TimesheetEntry]:
    """Entries of approved sheets: the only hours that count as actuals."""
    return TimesheetEntry.objects.filter(timesheet__status=TimesheetStatus.APPROVED)


def unsubmitted_week_resources(*, week_start: date) -> QuerySet[Resource]:
    """People with a login who have a sheet of that week still open, or none submitted at all."""
    sheets = Timesheet.objects.filter(resource=OuterRef("pk"), week_start=week_start)
    open_sheet = sheets.filter(status__in=(TimesheetStatus.DRAFT, TimesheetStatus.RETURNED))
    handed_in = sheets.filter(status__in=(TimesheetStatus.SUBMITTED, TimesheetStatus.APPROVED))
    assigned = Assignment.objects.filter(
        resource=OuterRef("pk"),
        task__planned_start__lte=week_start + timedelta(days=6),
        task__planned_end__gte=week_start,
        task__project__phase__in=BOOKABLE_PHASES,
    )
    return (
        Resource.objects.filter(is_active=True, user__isnull=False, user__is_active=True)
        .filter(Exists(open_sheet) | (Exists(assigned) & ~Exists(handed_in)))
        .select_related("user")
    )


# --- internal labour at cost (issue 15 step 2) ------------------------------------------------------------
# An approved hour costs the rate of its resource valid on the day it was worked. Reversing entries are
# negative, so a corrected hour is counted once at its corrected figure; hours of drafts, submitted or
# returned sheets are not actuals. Every figure is summed by PostgreSQL.
MONEY = DecimalField(max_digits=16, decimal_places=2)


def _labour_cost_sum() -> Cast:
    """Approved hours x the rate of their day, summed as money (rows from approved_entries_at_cost)."""
    return Cast(Sum(ExpressionWrapper(F("hours") * F("rate"), output_field=MONEY)), MONEY)


def rate_on_day_subquery(resource_ref: str = "resource_id", day_ref: str = "day") -> Coalesce:
    """The hourly cost rate of the row's resource on the row's day, else its role's (NULL when neither).

    EVM_SQL in reporting.selectors.evm spells the same rule in its labour CTE; keep them alike."""
    own = CostRate.objects.on_day(OuterRef(day_ref)).filter(resource_id=OuterRef(resource_ref))
    of_role = RoleCostRate.objects.on_day(OuterRef(day_ref)).filter(role__resources=OuterRef(resource_ref))
    return Coalesce(
        Subquery(own.order_by("-valid_from").values("hourly_rate")[:1], output_field=MONEY),
        Subquery(of_role.order_by("-valid_from").values("hourly_rate")[:1], output_field=MONEY),
        output_field=MONEY,
    )


def approved_entries_at_cost() -> QuerySet[TimesheetEntry]:
    return approved_entries().annotate(rate=rate_on_day_subquery())


def project_labour(*, project) -> dict:
    """Approved hours of a project, their cost, and the hours still without a cost rate (one query)."""
    rows = approved_entries_at_cost().filter(task__project=project)
    figures = rows.aggregate(
        total_hours=Coalesce(Sum("hours"), Value(Decimal("0"), output_field=DecimalField())),
        total_cost=Coalesce(
            _labour_cost_sum(),
            Value(Decimal("0.00"), output_field=MONEY),
        ),
        total_unrated=Coalesce(
            Sum("hours", filter=Q(rate__isnull=True)), Value(Decimal("0"), output_field=DecimalField())
        ),
        records=Count("pk"),
    )
    return {
        "hours": figures["total_hours"],
        "cost": figures["total_cost"],
        "unrated_hours": figures["total_unrated"],
        "records": figures["records"],
    }


def project_labour_cost_subquery(project_ref: str = "pk") -> Coalesce:
    """The approved labour cost of the outer project row, for annotating lists (finance export, EVM)."""
    cost = (
        approved_entries_at_cost()
        .filter(task__project_id=OuterRef(project_ref))
        .order_by()
        .values("task__project_id")
        .annotate(total=_labour_cost_sum())
        .values("total")
    )
    return Coalesce(Subquery(cost, output_field=MONEY), Value(Decimal("0.00"), output_field=MONEY))


def cost_rate_list(*, resource: Resource) -> QuerySet[CostRate]:
    return CostRate.objects.filter(resource=resource).order_by("-valid_from")


def cost_rate_rows() -> QuerySet[CostRate]:
    """Every cost rate with its resource, newest first per resource (one query)."""
    return CostRate.objects.select_related("resource").order_by("resource__name", "-valid_from")


def role_cost_rate_rows() -> QuerySet[RoleCostRate]:
    """Every rate per role with its role and how many active people it covers, newest first (one query)."""
    return (
        RoleCostRate.objects.select_related("role")
        .annotate(people=Count("role__resources", filter=Q(role__resources__is_active=True)))
        .order_by("role__name", "-valid_from")
    )


def time_entry_list_for_user(*, user) -> QuerySet[TimesheetEntry]:
    """Entries a user may read: their own, those of projects they see as a manager, all for the PMO."""
    from pmo.roles import PORTFOLIO_READERS
    from projects.selectors.core import project_queryset_for_user

    rows = TimesheetEntry.objects.select_related("timesheet", "task")
    if user.has_role(*PORTFOLIO_READERS):
        return rows
    managed = project_queryset_for_user(user=user).values("pk") if user.has_role(Role.PROJECT_MANAGER) else []
    return rows.filter(Q(resource__user=user) | Q(task__project__in=managed))


# --- Dynamics 365 Project Operations time entries (issue 15 step 4) ---------------------------------------
# Column names are the logical names of the msdyn_timeentry table, checked against Microsoft's entity
# reference (MicrosoftDocs/dynamics-365-customer-engagement,
# ce/customerengagement/on-premises/developer/entities/msdyn_timeentry.md, "Writable attributes") and
# "Extending time entries" (Project Operations docs: msdyn_date, msdyn_duration, msdyn_entrystatus):
#   msdyn_date (DateOnly), msdyn_duration (Integer, minutes, MinValue 0), msdyn_type (192350000 = Work),
#   msdyn_entrystatus (192350002 = Approved), msdyn_project, msdyn_projecttask, msdyn_bookableresource
#   (lookups, given here by name for the import's lookup matching), msdyn_description and
#   msdyn_externaldescription (100 characters each).
# msdyn_duration cannot be negative, so a correction is exported netted: one row per person, task and day
# with the approved total, nothing when the total is zero.
MSDYN_TIMEENTRY_COLUMNS = [
    "msdyn_date",
    "msdyn_duration",
    "msdyn_type",
    "msdyn_entrystatus",
    "msdyn_project",
    "msdyn_projecttask",
    "msdyn_bookableresource",
    "msdyn_description",
    "msdyn_externaldescription",
]
MSDYN_TYPE_WORK = 192350000
MSDYN_ENTRY_STATUS_APPROVED = 192350002
# Every exported row's external comments start with this: when the file has been imported into Dynamics
# and the pull reads the rows back, they are recognised as ours and not counted a second time
# (reporting.connectors.time_entries). Hours pulled from Dynamics are never exported (they came from there).
EXPORT_MARKER = "PMO Desk"


def approved_time_entry_rows(*, start: date, end: date):
    """Approved hours netted per person, task and day, as msdyn_timeentry rows (header first), streamed."""
    yield MSDYN_TIMEENTRY_COLUMNS
    rows = (
        approved_entries()
        .filter(day__gte=start, day__lte=end, timesheet__track__in=BOOKED_TRACKS)
        .values("day", "resource__name", "task__project__code", "task__wbs_code", "task__name")
        .annotate(total=Sum("hours"))
        .filter(total__gt=0)
        .order_by("day", "resource__name", "task__project__code", "task__wbs_code")
    )
    for row in rows.iterator(chunk_size=2000):
        task = f"{row['task__wbs_code']} {row['task__name']}"
        yield [
            row["day"],
            int((row["total"] * 60).to_integral_value()),
            MSDYN_TYPE_WORK,
            MSDYN_ENTRY_STATUS_APPROVED,
            row["task__project__code"],
            task[:100],
            row["resource__name"],
            task[:100],
            f"{EXPORT_MARKER} {row['task__project__code']} {row['day'].isoformat()}"[:100],
        ]


def labour_cost_by_project(*, project_ids: list[int], as_of) -> dict[int, Decimal]:
    """Approved labour at cost per project, hours worked up to a day (hours without a rate cost nothing)."""
    rows = (
        approved_entries_at_cost()
        .filter(task__project_id__in=project_ids, day__lte=as_of)
        .order_by()
        .values("task__project_id")
        .annotate(total=_labour_cost_sum())
    )
    return {row["task__project_id"]: row["total"] or Decimal("0") for row in rows}


# --- reads of the Dynamics 365 time entry pull (reporting.connectors.time_entries) --------------------------
def resources_by_pk(*, pks) -> dict[int, Resource]:
    return Resource.objects.in_bulk(list(pks))


def resources_by_name(*, names) -> dict[str, list[Resource]]:
    """Active resources whose name is one of these, by case-folded name (a list: names can repeat)."""
    wanted = {name.strip().lower() for name in names if name and name.strip()}
    found: dict[str, list[Resource]] = {}
    rows = Resource.objects.annotate(folded=Lower("name")).filter(is_active=True, folded__in=wanted)
    for resource in rows.order_by("pk"):
        found.setdefault(resource.name.strip().lower(), []).append(resource)
    return found


def tasks_by_pk(*, pks) -> dict[int, Task]:
    return Task.objects.select_related("project").in_bulk(list(pks))


def task_queryset_of_projects(*, project_ids) -> QuerySet[Task]:
    """The tasks of these projects that hours can be booked on (no milestones, not cancelled).

    `project_ids` may be a queryset of ids, kept as a subquery."""
    ids = project_ids if isinstance(project_ids, QuerySet) else list(project_ids)
    return (
        Task.objects.filter(project_id__in=ids)
        .exclude(kind=TaskKind.MILESTONE)
        .exclude(status=TaskStatus.CANCELLED)
        .select_related("project")
    )


def tasks_of_projects(*, project_ids) -> list[Task]:
    """The tasks of these projects that hours can be booked on, as a list."""
    return list(task_queryset_of_projects(project_ids=project_ids).order_by("pk"))


def time_entries_by_pk(*, pks) -> dict[int, TimesheetEntry]:
    """Entries with whether they are reversed already (`is_reversed`)."""
    rows = TimesheetEntry.objects.filter(pk__in=list(pks)).annotate(
        is_reversed=Exists(TimesheetEntry.objects.filter(reverses=OuterRef("pk")))
    )
    return {entry.pk: entry for entry in rows}


# --- remaining work and progress derived from hours (issue 15) ------------------------------------------
HOURS = DecimalField(max_digits=12, decimal_places=2)
NO_HOURS = Value(Decimal("0"), output_field=HOURS)


def _task_sum(queryset, column: str) -> Coalesce:
    total = queryset.filter(task_id=OuterRef("pk")).order_by().values("task_id").annotate(total=Sum(column))
    return Coalesce(Subquery(total.values("total"), output_field=HOURS), NO_HOURS, output_field=HOURS)


def tasks_with_hours(queryset: QuerySet[Task]) -> QuerySet[Task]:
    """Annotate approved (`booked_hours`), planned and remaining hours and the progress they give.

    Remaining work is what the project manager set; until then, planned less approved hours (not below
    zero), as MS Project and OpenProject do. Progress is approved ÷ (approved + remaining), rounded down so
    that a task reaches 100 % only when nothing remains; a done task is 100 %. All in SQL, no query per row.
    """
    tasks = queryset.annotate(
        booked_hours=_task_sum(approved_entries(), "hours"),
        planned_hours=_task_sum(Assignment.objects.all(), "hours"),
    )
    tasks = tasks.annotate(
        remaining_work=Case(
            # a task closed without a figure from the PM has nothing left to do
            When(status__in=CLOSED_TASK_STATUSES, remaining_hours__isnull=True, then=NO_HOURS),
            default=Coalesce(
                F("remaining_hours"),
                Greatest(F("planned_hours") - F("booked_hours"), NO_HOURS),
                output_field=HOURS,
            ),
            output_field=HOURS,
        )
    )
    tasks = tasks.annotate(work_hours=ExpressionWrapper(F("booked_hours") + F("remaining_work"), HOURS))
    return tasks.annotate(
        derived_progress=Case(
            When(status=TaskStatus.DONE, then=Value(100)),
            When(work_hours__lte=0, then=Value(0)),
            default=Least(Value(100), Cast(Floor(F("booked_hours") * 100 / F("work_hours")), IntegerField())),
            output_field=IntegerField(),
        )
    )


def tasks_with_progress_to_derive(*, project_id: int) -> QuerySet[Task]:
    """Tasks of a project that derives progress whose stored progress differs from their hours' figure.

    Milestones and cancelled tasks are left alone, and so are tasks with no hours at all (summary tasks,
    work not yet planned): there is nothing to derive their progress from. `first_booked_day` is the first
    day of approved work, the actual start of a task that starts by its hours."""
    tasks = Task.objects.filter(project_id=project_id, project__progress_method=ProgressMethod.HOURS)
    tasks = tasks.exclude(kind=TaskKind.MILESTONE).exclude(status=TaskStatus.CANCELLED)
    tasks = tasks_with_hours(tasks).filter(Q(work_hours__gt=0) | Q(status=TaskStatus.DONE))
    first_day = approved_entries().filter(task_id=OuterRef("pk"), hours__gt=0).order_by("day").values("day")
    return (
        tasks.exclude(progress=F("derived_progress"))
        .annotate(first_booked_day=Subquery(first_day[:1]))
        .order_by("pk")
    )
