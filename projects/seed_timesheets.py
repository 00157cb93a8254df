"""Seed step (issue 15): cost rates, two technicians who sign in, and booked weeks of every person.

Runs before procurement (which receives orders for what the earned value leaves after labour) and so
before the reporting step, whose weekly snapshots carry approved labour in their EVM. Weeks
before last week are approved, last week is submitted, this week is left open. Everything is bulk inserted
(no per-row history: seed data has no author): scale L books about 300,000 entries.
"""

import bisect
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from pmo.models import User
from pmo.seed import DEMO_PASSWORD
from projects.models import (
    Assignment,
    CostRate,
    Phase,
    Resource,
    ResourceKind,
    Task,
    TaskKind,
    Timesheet,
    TimesheetEntry,
    TimesheetStatus,
    approval_track_for,
)
from projects.selectors.plan import iso_week_start

WEEKS = {"S": 6, "M": 20, "L": 100, "XL": 100}
TARGET_ENTRIES = {"S": None, "M": None, "L": 300_000, "XL": 300_000}
# Technicians of the demo (no role: they book hours, nothing else); README lists them.
TECHNICIANS = [("tech", "Jan Maes", "nl"), ("tech2", "Julie Renard", "fr")]
DAY_SPLITS = [
    [Decimal("8")],
    [Decimal("7.5")],
    [Decimal("5"), Decimal("3")],
    [Decimal("4.5"), Decimal("3.5")],
]
L_SPLITS = [[Decimal("3"), Decimal("3"), Decimal("2")], [Decimal("4"), Decimal("2.5"), Decimal("1.5")]]


def seed_timesheets(context) -> None:
    rng = context.rng
    people = list(Resource.objects.filter(kind=ResourceKind.PERSON).order_by("pk"))
    if not people:
        return
    _seed_cost_rates(rng, people)
    _seed_technicians(context, people)
    this_week = iso_week_start(timezone.localdate())
    weeks = [this_week - timedelta(weeks=offset) for offset in range(WEEKS[context.scale], 0, -1)]
    count = _seed_weeks(context, people, weeks, this_week)
    context.log(f"  timesheets: {Timesheet.objects.count()} sheets, {count} entries")


def _seed_cost_rates(rng, people) -> None:
    rates = []
    for person in people:
        rate = Decimal(rng.choice(["58.00", "62.50", "68.00", "74.00", "81.50"]))
        # A raise on 1 January of this year: the older rate is kept, with its period.
        new_year = date(timezone.localdate().year, 1, 1)
        rates.append(
            CostRate(
                resource=person,
                hourly_rate=rate,
                valid_from=date(2020, 1, 1),
                valid_to=new_year - timedelta(days=1),
            )
        )
        rates.append(CostRate(resource=person, hourly_rate=rate + Decimal("3.00"), valid_from=new_year))
    CostRate.objects.bulk_create(rates, batch_size=5000, ignore_conflicts=True)


def _seed_technicians(context, people) -> None:
    """Two people of the plan sign in as technicians, each assigned to recent tasks of running projects."""
    password = make_password(DEMO_PASSWORD)
    today = timezone.localdate()
    running = list(
        Task.objects.filter(
            project__phase=Phase.EXECUTION,
            kind__in=(TaskKind.INSTALLATION, TaskKind.ENGINEERING),
            planned_start__lte=today,
            planned_end__gte=iso_week_start(today) - timedelta(weeks=WEEKS[context.scale]),
        ).order_by("-planned_end", "project__code")[:4]
    )
    for (username, name, language), person in zip(TECHNICIANS, people, strict=False):
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={
                "email": f"{username}@pmo-desk.example",
                "display_name": name,
                "preferred_language": language,
                "department": "Installation",
                "password": password,
            },
        )
        Resource.objects.filter(user=user).exclude(pk=person.pk).update(user=None)
        Resource.objects.filter(pk=person.pk).update(user=user, name=name)
        for task in running[:2]:
            Assignment.objects.get_or_create(task=task, resource=person, defaults={"hours": Decimal("40")})
        running = running[2:] + running[:2]


def _seed_weeks(context, people, weeks, this_week) -> int:
    target = TARGET_ENTRIES[context.scale]
    first, last = weeks[0], weeks[-1] + timedelta(days=6)
    tasks_of = defaultdict(list)
    assigned = Assignment.objects.filter(resource__in=people).exclude(task__kind=TaskKind.MILESTONE)
    if target is None:  # realistic: only the tasks whose dates meet the weeks booked
        assigned = assigned.filter(task__planned_start__lte=last, task__planned_end__gte=first)
    for assignment in assigned.select_related("task__project").order_by("pk"):
        tasks_of[assignment.resource_id].append(assignment.task)
    deciders = _deciders(context)
    if target:
        reports = _site_reports({task.project_id for tasks in tasks_of.values() for task in tasks})
        sheet_rows, entry_rows = _full_weeks(context, people, tasks_of, reports, weeks, this_week, deciders)
        _insert_full_weeks(sheet_rows, entry_rows)
        return len(entry_rows)
    # A sheet per (person, week, project, track), as _sheet() keys them.
    sheets: dict[tuple[int, date, int, str], Timesheet] = {}
    entries = _demo_weeks(context, people, tasks_of, weeks, this_week, deciders, sheets)
    Timesheet.objects.bulk_create(list(sheets.values()), batch_size=5000)
    for entry in entries:
        entry.timesheet_id = entry.timesheet.pk
    TimesheetEntry.objects.bulk_create(entries, batch_size=10000, ignore_conflicts=True)
    return len(entries)


def _demo_weeks(context, people, tasks_of, weeks, this_week, deciders, sheets) -> list[TimesheetEntry]:
    """Scale S: each day of a week on the person's tasks of that week (the demo the tests read)."""
    rng = context.rng
    entries: list[TimesheetEntry] = []
    for person in people:
        tasks = tasks_of.get(person.pk, [])
        for week in weeks:
            pool = [t for t in tasks if t.planned_start <= week + timedelta(days=4) and t.planned_end >= week]
            if not pool:
                continue
            for offset in range(5):
                day = week + timedelta(days=offset)
                splits = rng.choice(DAY_SPLITS)
                for task, hours in zip(rng.sample(pool, min(len(splits), len(pool))), splits, strict=False):
                    sheet = _sheet(sheets, person, task, week, this_week, deciders)
                    entries.append(
                        TimesheetEntry(timesheet=sheet, task=task, resource=person, day=day, hours=hours)
                    )
    return entries


def _site_reports(project_ids) -> dict[int, Task]:
    """An administration task per project (the first): where Friday's site report is booked."""
    reports: dict[int, Task] = {}
    tasks = Task.objects.filter(project_id__in=project_ids, kind=TaskKind.ADMINISTRATION).order_by("pk")
    for task in tasks.select_related("project"):
        reports.setdefault(task.project_id, task)
    return reports


def _full_weeks(context, people, tasks_of, reports, weeks, this_week, deciders) -> tuple[list, list]:
    """Scale L: everyone books 40 hours every week, on three tasks of at most three projects.

    The week's tasks are those whose dates meet it, topped up with the person's tasks planned closest to
    it (plans slip; people book where the work is); on Fridays the last part of the day is the site report
    (an administration task, so the project manager approves it). 15 entries and two to four sheets a
    person-week: L's 200 people over 100 weeks give 300,000 entries on ~80,000 sheets, as a real firm's
    timesheets look (not a sheet per entry). Rows are plain tuples (SHEET_COLUMNS, ENTRY_COLUMNS; an
    entry names its sheet by index): building 380,000 model instances cost more than inserting them."""
    rng = context.rng
    now = timezone.now()
    engineering = getattr(deciders["engineering"], "pk", deciders["engineering"])
    sheet_index: dict[tuple[int, date, int, str], int] = {}
    sheet_rows: list[tuple] = []
    entry_rows: list[tuple] = []
    for person in people:
        unique = {task.pk: task for task in tasks_of.get(person.pk, [])}
        tasks = sorted(unique.values(), key=lambda t: (t.planned_start, t.pk))
        if not tasks:
            continue
        starts = [task.planned_start for task in tasks]
        for week in weeks:
            approved = week < this_week - timedelta(weeks=1)
            moment = now - (this_week - week)
            friday = week + timedelta(days=4)
            in_week = [t for t in tasks if t.planned_start <= friday and t.planned_end >= week]
            focus = rng.sample(in_week, min(3, len(in_week)))
            if len(focus) < 3:  # the tasks planned nearest to the week, on both sides
                at = bisect.bisect_left(starts, week)
                near = [t for t in tasks[max(at - 3, 0) : at + 3] if t not in focus]
                near.sort(key=lambda t: (abs((t.planned_start - week).days), t.pk))
                focus += near[: 3 - len(focus)]
            for offset in range(5):
                day = week + timedelta(days=offset)
                splits = rng.choice(L_SPLITS)
                day_tasks = rng.sample(focus, len(focus))
                if offset == 4 and focus[0].project_id in reports:
                    day_tasks = [*day_tasks[: len(splits) - 1], reports[focus[0].project_id]]
                for task, hours in zip(day_tasks, splits, strict=False):
                    track = approval_track_for(task.kind)
                    key = (person.pk, week, task.project_id, track)
                    index = sheet_index.get(key)
                    if index is None:
                        index = sheet_index[key] = len(sheet_rows)
                        decider = engineering if track == "engineering" else task.project.project_manager_id
                        status = TimesheetStatus.APPROVED if approved else TimesheetStatus.SUBMITTED
                        decided = (moment, decider) if approved else (None, None)
                        sheet_rows.append(
                            (
                                week,
                                track,
                                1,
                                str(status),
                                moment,
                                decided[0],
                                "",
                                now,
                                now,
                                decided[1],
                                task.project_id,
                                person.pk,
                            )
                        )
                    entry_rows.append((day, hours, "", now, person.pk, task.pk, index))
    return sheet_rows, entry_rows


SHEET_COLUMNS = (
    "week_start",
    "track",
    "revision",
    "status",
    "submitted_at",
    "decided_at",
    "return_reason",
    "created_at",
    "updated_at",
    "decided_by_id",
    "project_id",
    "resource_id",
)
ENTRY_COLUMNS = ("day", "hours", "note", "created_at", "resource_id", "task_id", "timesheet_id")


def _insert_full_weeks(sheet_rows: list[tuple], entry_rows: list[tuple]) -> None:
    """COPY the rows into PostgreSQL (sheet ids drawn from their sequence first); bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        sheets = Timesheet.objects.bulk_create(
            [Timesheet(**dict(zip(SHEET_COLUMNS, row, strict=True))) for row in sheet_rows], batch_size=5000
        )
        entries = [
            TimesheetEntry(**dict(zip(ENTRY_COLUMNS, (*row[:-1], sheets[row[-1]].pk), strict=True)))
            for row in entry_rows
        ]
        TimesheetEntry.objects.bulk_create(entries, batch_size=10000)
        return
    sheet_table, entry_table = Timesheet._meta.db_table, TimesheetEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [sheet_table, len(sheet_rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        with cursor.copy(f"COPY {sheet_table} (id, {', '.join(SHEET_COLUMNS)}) FROM STDIN") as copy:
            for sheet_id, row in zip(ids, sheet_rows, strict=True):
                copy.write_row((sheet_id, *row))
        with cursor.copy(f"COPY {entry_table} ({', '.join(ENTRY_COLUMNS)}) FROM STDIN") as copy:
            for row in entry_rows:
                copy.write_row((*row[:-1], ids[row[-1]]))


def _deciders(context) -> dict:
    users = context.data.get("users_by_role", {})
    engineering = (users.get("engineering_manager") or [None])[0]
    return {"engineering": engineering}


def _sheet(
    sheets: dict[tuple[int, date, int, str], Timesheet], person, task, week, this_week, deciders
) -> Timesheet:
    track = approval_track_for(task.kind)
    key = (person.pk, week, task.project_id, track)
    if key not in sheets:
        approved = week < this_week - timedelta(weeks=1)
        decider = deciders["engineering"] if track == "engineering" else task.project.project_manager_id
        decider = getattr(decider, "pk", decider)
        moment = timezone.now() - (this_week - week)
        sheets[key] = Timesheet(
            resource=person,
            project_id=task.project_id,
            week_start=week,
            track=track,
            status=TimesheetStatus.APPROVED if approved else TimesheetStatus.SUBMITTED,
            submitted_at=moment,
            decided_at=moment if approved else None,
            decided_by_id=decider if approved else None,
        )
    return sheets[key]
