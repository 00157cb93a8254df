"""The plan of a project: work breakdown, dependencies, resources, assignments and baselines."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.lib.transitions import Transition, Workflow
from projects.models.core import Project


class TaskKind(models.TextChoices):
    ENGINEERING = "engineering", _("Engineering")
    INSTALLATION = "installation", _("Installation")
    PROCUREMENT = "procurement", _("Procurement")
    ADMINISTRATION = "administration", _("Administration")
    MILESTONE = "milestone", _("Milestone")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


CLOSED_TASK_STATUSES = (TaskStatus.DONE, TaskStatus.CANCELLED)
# Engineering and installation: the work the engineering manager plans people on.
FIELD_WORK_KINDS = (TaskKind.ENGINEERING, TaskKind.INSTALLATION)
OPEN_FIELD_WORK = Q(kind__in=FIELD_WORK_KINDS) & ~Q(status__in=CLOSED_TASK_STATUSES)


def _changes_plan(user, task) -> bool:
    """Who may move a task: whoever may change its project (the plan's writers)."""
    return bool(user is not None and user.has_perm("projects.change_project", task.project))


def _has_no_progress(task) -> str:
    """A task with progress has started: "not started" needs its progress back at 0 (as the form did)."""
    if task.progress:
        return str(_("A task with progress has started: set its progress to 0 first."))
    return ""


def _status_button(status: TaskStatus, **options) -> dict:
    return {
        "url_name": "projects:task-status",
        "hidden": (("status", str(status)),),
        "allowed": _changes_plan,
        "style": "outline-secondary",
    } | options


S = TaskStatus
# Every move the task form allowed before (any status to any other); the one rule it enforced, by turning a
# "not started" task with progress into "in progress", is the need of `reset`. Finishing sets the progress
# to 100 and the actual dates (projects.services.plan). A finished task in a baseline is cancelled, not
# deleted (task_delete says so), hence done -> cancelled.
TASK_WORKFLOW = Workflow(
    Transition(
        "start",
        source=[S.NOT_STARTED],
        target=S.IN_PROGRESS,
        **_status_button(S.IN_PROGRESS, label=_("Start"), icon="play", style="outline-primary"),
    ),
    Transition(
        "finish",
        source=[S.NOT_STARTED, S.IN_PROGRESS, S.CANCELLED],
        target=S.DONE,
        **_status_button(S.DONE, label=_("Mark done"), icon="check2", style="outline-success"),
    ),
    Transition(
        "reopen",
        source=[S.DONE, S.CANCELLED],
        target=S.IN_PROGRESS,
        **_status_button(S.IN_PROGRESS, label=_("Reopen"), icon="arrow-counterclockwise"),
    ),
    Transition(
        "reset",
        source=[S.IN_PROGRESS, S.DONE, S.CANCELLED],
        target=S.NOT_STARTED,
        needs=_has_no_progress,
        allowed=_changes_plan,  # from the task form (with progress 0), not a button
    ),
    Transition(
        "cancel",
        source=[S.NOT_STARTED, S.IN_PROGRESS, S.DONE],
        target=S.CANCELLED,
        **_status_button(
            S.CANCELLED,
            label=_("Cancel task"),
            icon="x-circle",
            style="outline-danger",
            confirm=_("Cancel this task? It keeps its dates and leaves the earned value."),
        ),
    ),
    refusal=_("A task cannot go from %(old)s to %(new)s."),
)
TASK_TRANSITIONS = TASK_WORKFLOW.table


class Task(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("project")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent task"),
    )
    wbs_code = models.CharField(_("WBS code"), max_length=30, help_text=_("e.g. 1.2.3"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices, default=TaskKind.ENGINEERING)
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress %"), default=0)
    # Empty: planned hours less approved hours, as MS Project keeps remaining work until someone sets it.
    remaining_hours = models.DecimalField(
        _("remaining work (hours)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()
    workflow = TASK_WORKFLOW

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["project", "sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")), name="task_planned_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(actual_start__isnull=True)
                | Q(actual_end__isnull=True)
                | Q(actual_end__gte=F("actual_start")),
                name="task_actual_end_after_start",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_at_most_100"),
            models.CheckConstraint(
                condition=Q(remaining_hours__isnull=True) | Q(remaining_hours__gte=0),
                name="task_remaining_hours_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(kind="milestone") | Q(planned_end=F("planned_start")),
                name="task_milestone_is_one_day",
            ),
            models.UniqueConstraint(fields=["project", "wbs_code"], name="unique_task_wbs_code"),
        ]
        indexes = [
            models.Index(fields=["project", "sort_order"]),
            models.Index(fields=["project", "kind", "planned_end"]),
            models.Index(fields=["project", "status"]),
            # The engineering manager's home reads the open field work starting soon, and the open field
            # work not yet over, over every project: a fifth of the tasks, found by date without reading
            # all of them (40,000 at scale L).
            models.Index(fields=["planned_start"], condition=OPEN_FIELD_WORK, name="task_open_field_start"),
            models.Index(fields=["planned_end"], condition=OPEN_FIELD_WORK, name="task_open_field_end"),
            # The resources' loads (engineering home, capacity page) read the live tasks overlapping a window
            # of weeks, by end date, with their start and key from the index alone (no heap: a sequential
            # scan of all 40,000 tasks at scale L was a third of the over-allocation statement).
            # (Key columns rather than INCLUDE, which SQLite does not know.)
            models.Index(
                fields=["planned_end", "planned_start", "id"],
                condition=~Q(status="cancelled"),
                name="task_live_by_end",
            ),
            # Milestones coming in the next weeks, over the portfolio (the dashboards' "milestones" lists).
            models.Index(
                fields=["planned_end"],
                condition=Q(kind="milestone") & ~Q(status__in=CLOSED_TASK_STATUSES),
                name="task_open_milestone_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wbs_code} {self.name}"

    @property
    def is_milestone(self) -> bool:
        return self.kind == TaskKind.MILESTONE

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_TASK_STATUSES

    @property
    def depth(self) -> int:
        return self.wbs_code.count(".")


class TaskDependency(models.Model):
    """Finish-to-start: the successor starts `lag_days` after the predecessor ends."""

    predecessor = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="successor_links", verbose_name=_("predecessor")
    )
    successor = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="predecessor_links", verbose_name=_("successor")
    )
    lag_days = models.IntegerField(_("lag (days)"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task dependency")
        verbose_name_plural = _("task dependencies")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unique_task_dependency"),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")), name="task_dependency_not_on_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id}"


class ResourceKind(models.TextChoices):
    PERSON = "person", _("Person (engineer or technician)")
    SUBCONTRACTOR = "subcontractor", _("Subcontractor crew")


class ResourceRole(models.Model):
    """A job role (senior engineer, technician…): its cost rate counts for people without their own."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resource role")
        verbose_name_plural = _("resource roles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ResourceKind.choices, default=ResourceKind.PERSON
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resource",
        verbose_name=_("user"),
    )
    department = models.CharField(_("department"), max_length=100, blank=True)
    role = models.ForeignKey(
        ResourceRole,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("role"),
        help_text=_("Its cost rate applies on days the resource has no rate of its own."),
    )
    skills = models.CharField(_("skills"), max_length=300, blank=True)
    weekly_capacity_hours = models.DecimalField(
        _("weekly capacity (hours)"), max_digits=5, decimal_places=1, default=38
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekly_capacity_hours__gte=0), name="resource_capacity_not_negative"
            )
        ]
        indexes = [models.Index(fields=["department", "name"])]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """Hours of a resource on a task, spread evenly over the task's working days."""

    task = models.ForeignKey(
        Task, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("task")
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("resource")
    )
    hours = models.DecimalField(_("hours"), max_digits=7, decimal_places=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["task", "resource"], name="unique_assignment_per_task"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="assignment_hours_positive"),
        ]
        indexes = [models.Index(fields=["resource", "task"])]

    def __str__(self) -> str:
        return f"{self.resource} on {self.task}: {self.hours} h"


class PlanBaseline(models.Model):
    """A named, dated snapshot of all task dates of a project; numbered per project."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="baselines", verbose_name=_("project")
    )
    number = models.PositiveIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan baseline")
        verbose_name_plural = _("plan baselines")
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="unique_baseline_number_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class PlanBaselineTask(models.Model):
    baseline = models.ForeignKey(
        PlanBaseline, on_delete=models.CASCADE, related_name="rows", verbose_name=_("baseline")
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="baseline_rows",
        verbose_name=_("task"),
    )
    wbs_code = models.CharField(_("WBS code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices)
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))

    class Meta:
        verbose_name = _("baseline task")
        verbose_name_plural = _("baseline tasks")
        constraints = [models.UniqueConstraint(fields=["baseline", "task"], name="unique_task_per_baseline")]

    def __str__(self) -> str:
        return f"{self.wbs_code} {self.name}"
