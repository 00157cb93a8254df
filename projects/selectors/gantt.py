"""The Gantt chart laid out on the server: every bar, baseline, arrow and tick as SVG coordinates.

Drawing on the server keeps the page within the CSP (geometry is SVG attributes, never inline styles),
prints dates in the reader's language with Django's own formats, and lets a test read the chart.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from projects.models import TaskKind, TaskStatus
from projects.selectors.plan import PlanRow, iso_week_start

# Pixels per day for each zoom; the page's buttons pick one (unknown values fall back to weeks).
SCALES = {"Day": 28, "Week": 10, "Month": 3}
DEFAULT_SCALE = "Week"
ROW_HEIGHT = 34
HEADER_HEIGHT = 44
BAR_TOP = 7
BAR_HEIGHT = 14
BASELINE_TOP = 24
BASELINE_HEIGHT = 5
ARROW_STUB = 8


@dataclass(frozen=True)
class GanttTick:
    x: int
    width: int
    label: str


@dataclass(frozen=True)
class GanttBar:
    row: PlanRow
    y: int
    x: int
    width: int
    progress_width: int
    css_class: str
    baseline_x: int | None
    baseline_width: int | None
    depth: int

    @property
    def task(self):
        return self.row.task

    @property
    def is_milestone(self) -> bool:
        return self.task.kind == TaskKind.MILESTONE

    @property
    def milestone_points(self) -> str:
        """The diamond of a milestone, centred on its day."""
        centre_x = self.x + self.width / 2
        centre_y = self.y + BAR_TOP + BAR_HEIGHT / 2
        half = BAR_HEIGHT / 2 + 1
        return (
            f"{centre_x:g},{centre_y - half:g} {centre_x + half:g},{centre_y:g} "
            f"{centre_x:g},{centre_y + half:g} {centre_x - half:g},{centre_y:g}"
        )

    @property
    def late_days(self) -> int:
        return max(self.row.variance_days or 0, 0)

    @property
    def bar_y(self) -> int:
        return self.y + BAR_TOP

    @property
    def baseline_y(self) -> int:
        return self.y + BASELINE_TOP

    @property
    def label_x(self) -> int:
        return self.x + self.width + 6


@dataclass(frozen=True)
class GanttChart:
    start: date
    end: date
    scale: str
    px_per_day: int
    width: int
    height: int
    bars: list[GanttBar]
    arrows: list[str]
    major_ticks: list[GanttTick]
    minor_ticks: list[GanttTick]
    weekends: list[GanttTick] = field(default_factory=list)
    today_x: int | None = None
    row_height: int = ROW_HEIGHT
    header_height: int = HEADER_HEIGHT

    @property
    def body_height(self) -> int:
        return self.height - self.header_height

    @property
    def row_lines(self) -> list[int]:
        return [self.header_height + index * self.row_height for index in range(1, len(self.bars) + 1)]


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _range(rows: list[PlanRow], scale: str, today: date) -> tuple[date, date]:
    """The chart's first and last day: every planned and baseline date, with a margin, on scale bounds."""
    days = [row.task.planned_start for row in rows] + [row.task.planned_end for row in rows]
    days += [day for row in rows for day in (row.baseline_start, row.baseline_end) if day]
    if not days:
        days = [today]
    first, last = min(days), max(days)
    if scale == "Day":
        return first - timedelta(days=2), last + timedelta(days=3)
    if scale == "Month":
        return _first_of_month(first), _next_month(_next_month(last)) - timedelta(days=1)
    return iso_week_start(first) - timedelta(days=7), iso_week_start(last) + timedelta(days=13)


def _css_class(row: PlanRow) -> str:
    task = row.task
    if row.variance_days and row.variance_days > 0:
        return "gantt-late"
    if task.kind == TaskKind.MILESTONE:
        return "gantt-milestone"
    if task.status == TaskStatus.DONE:
        return "gantt-done"
    return f"gantt-{task.kind}"


def _ticks(start: date, end: date, scale: str, px_per_day: int) -> tuple[list[GanttTick], list[GanttTick]]:
    def x_of(day: date) -> int:
        return (day - start).days * px_per_day

    major: list[GanttTick] = []
    minor: list[GanttTick] = []
    if scale == "Month":
        year_start = start
        while year_start <= end:
            following = min(date(year_start.year + 1, 1, 1), end + timedelta(days=1))
            width = x_of(following) - x_of(year_start)
            major.append(GanttTick(x_of(year_start), width, str(year_start.year)))
            year_start = following
        month = start
        while month <= end:
            following = min(_next_month(month), end + timedelta(days=1))
            minor.append(GanttTick(x_of(month), x_of(following) - x_of(month), date_format(month, "M")))
            month = following
        return major, minor
    month = start
    while month <= end:
        following = min(_next_month(month), end + timedelta(days=1))
        width = x_of(following) - x_of(month)
        # A month cut short by the chart's edge gets its short name, so labels never run into the next one.
        label = date_format(month, "F Y") if width >= 110 else date_format(month, "M")
        major.append(GanttTick(x_of(month), width, label))
        month = following
    if scale == "Day":
        day = start
        while day <= end:
            minor.append(GanttTick(x_of(day), px_per_day, date_format(day, "j")))
            day += timedelta(days=1)
    else:
        week = start
        while week <= end:
            following = min(week + timedelta(days=7), end + timedelta(days=1))
            label = _("wk %(number)s") % {"number": week.isocalendar().week}
            minor.append(GanttTick(x_of(week), x_of(following) - x_of(week), label))
            week = following
    return major, minor


def _weekends(start: date, end: date, px_per_day: int) -> list[GanttTick]:
    # Saturday and Sunday as one band; the first band may start on a Sunday.
    bands = []
    day = start
    while day <= end:
        if day.weekday() >= 5:
            length = 2 if day.weekday() == 5 and day < end else 1
            bands.append(GanttTick((day - start).days * px_per_day, length * px_per_day, ""))
            day += timedelta(days=length)
        else:
            day += timedelta(days=5 - day.weekday())
    return bands


def _arrow(source: GanttBar, target: GanttBar) -> str:
    """A finish-to-start link: out of the predecessor's end, into the successor's start."""
    x1 = source.x + source.width
    y1 = source.bar_y + BAR_HEIGHT // 2
    x2 = target.x
    y2 = target.bar_y + BAR_HEIGHT // 2
    if x2 - ARROW_STUB >= x1 + ARROW_STUB:
        return f"M{x1},{y1} H{x1 + ARROW_STUB} V{y2} H{x2 - 1}"
    # The successor starts before the predecessor ends on screen: go round below the source row.
    turn_y = source.y + ROW_HEIGHT - 2
    return f"M{x1},{y1} H{x1 + ARROW_STUB} V{turn_y} H{x2 - ARROW_STUB} V{y2} H{x2 - 1}"


def gantt_chart(*, rows: list[PlanRow], scale: str, today: date) -> GanttChart:
    """Lay out the plan rows (WBS order, as `plan_rows` returns them) for one zoom level."""
    scale = scale if scale in SCALES else DEFAULT_SCALE
    px_per_day = SCALES[scale]
    start, end = _range(rows, scale, today)

    def x_of(day: date) -> int:
        return (day - start).days * px_per_day

    bars = []
    for index, row in enumerate(rows):
        task = row.task
        width = max(((task.planned_end - task.planned_start).days + 1) * px_per_day, 4)
        baseline_x = baseline_width = None
        if row.baseline_start and row.baseline_end:
            baseline_x = x_of(row.baseline_start)
            baseline_width = max(((row.baseline_end - row.baseline_start).days + 1) * px_per_day, 4)
        bars.append(
            GanttBar(
                row=row,
                y=HEADER_HEIGHT + index * ROW_HEIGHT,
                x=x_of(task.planned_start),
                width=width,
                progress_width=round(width * min(task.progress, 100) / 100),
                css_class=_css_class(row),
                baseline_x=baseline_x,
                baseline_width=baseline_width,
                depth=min(task.wbs_code.count("."), 3),
            )
        )
    by_task = {bar.task.pk: bar for bar in bars}
    arrows = [
        _arrow(by_task[predecessor_id], bar)
        for bar in bars
        for predecessor_id in bar.row.predecessor_ids
        if predecessor_id in by_task
    ]
    major, minor = _ticks(start, end, scale, px_per_day)
    width = x_of(end) + px_per_day
    return GanttChart(
        start=start,
        end=end,
        scale=scale,
        px_per_day=px_per_day,
        width=width,
        height=HEADER_HEIGHT + max(len(bars), 1) * ROW_HEIGHT,
        bars=bars,
        arrows=arrows,
        major_ticks=major,
        minor_ticks=minor,
        weekends=_weekends(start, end, px_per_day) if scale != "Month" else [],
        today_x=x_of(today) + px_per_day // 2 if start <= today <= end else None,
    )
