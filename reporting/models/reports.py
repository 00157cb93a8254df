"""Progress, tolerances, weekly snapshots and highlight report jobs."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from pmo.lib.jobs import Job, JobStates
from pmo.lib.money import MoneyField
from projects.models import Language, Level, Project

__all__ = [
    "DEFAULT_TOLERANCES",
    "RAG_DIMENSIONS",
    "Audience",
    "DistributionRecipient",
    "HighlightReport",
    "ProgressUpdate",
    "ProjectSnapshot",
    "Rag",
    "Tolerance",
]


class Rag(models.TextChoices):
    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")


class Audience(models.TextChoices):
    INTERNAL = "internal", _("Internal (with margins)")
    CUSTOMER = "customer", _("Customer (without margins)")


# The dimensions a progress update rates; "overall" is rated on top of them.
RAG_DIMENSIONS = ("schedule", "cost", "scope", "quality", "risk", "safety")

# Defaults per Level (company rule, editable per project): the bigger the project, the wider the band.
DEFAULT_TOLERANCES = {
    Level.LEVEL_1: {
        "time_days": 5,
        "cost_percent": Decimal("5.00"),
        "cost_amount": Decimal("10000.00"),
        "scope_percent": Decimal("5.00"),
        "quality_findings": 2,
        "risk_score": 12,
    },
    Level.LEVEL_2: {
        "time_days": 10,
        "cost_percent": Decimal("7.50"),
        "cost_amount": Decimal("50000.00"),
        "scope_percent": Decimal("5.00"),
        "quality_findings": 3,
        "risk_score": 15,
    },
    Level.LEVEL_3: {
        "time_days": 15,
        "cost_percent": Decimal("10.00"),
        "cost_amount": Decimal("150000.00"),
        "scope_percent": Decimal("10.00"),
        "quality_findings": 5,
        "risk_score": 16,
    },
}


class Tolerance(models.Model):
    """How far a project may deviate before the board must decide (PRINCE2 tolerances)."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="tolerance", verbose_name=_("project")
    )
    time_days = models.PositiveSmallIntegerField(
        _("time (working days)"), help_text=_("Allowed slip of the end date, in working days.")
    )
    cost_percent = models.DecimalField(
        _("cost (percent of budget)"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Allowed overrun in percent."),
    )
    cost_amount = MoneyField(
        _("cost (EUR)"), help_text=_("Allowed overrun in EUR; the smaller limit counts.")
    )
    scope_percent = models.DecimalField(
        _("scope (percent of contract value)"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Approved changes the PM may absorb, in percent of the contract value."),
    )
    quality_findings = models.PositiveSmallIntegerField(
        _("quality (open findings)"), help_text=_("Open quality findings before the board hears of it.")
    )
    risk_score = models.PositiveSmallIntegerField(
        _("risk (highest score)"),
        help_text=_("Highest probability x impact score of an open risk (1 to 25)."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tolerance")
        verbose_name_plural = _("tolerances")
        constraints = [
            models.CheckConstraint(
                condition=Q(risk_score__gte=1, risk_score__lte=25), name="tolerance_risk_1_25"
            ),
            models.CheckConstraint(condition=Q(cost_percent__gte=0), name="tolerance_cost_percent_positive"),
            models.CheckConstraint(
                condition=Q(scope_percent__gte=0), name="tolerance_scope_percent_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Tolerances of %(project)s") % {"project": self.project_id})

    def cost_limit(self, budget: Decimal) -> Decimal:
        """The allowed overrun in EUR: the smaller of the percentage and the amount."""
        return min(budget * self.cost_percent / Decimal(100), self.cost_amount)


class ProjectSnapshot(models.Model):
    """A project's figures frozen once a week; a past report is re-made from it exactly.

    An empty (null) figure means its source did not exist when the snapshot was taken.
    """

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("project")
    )
    week_start = models.DateField(_("week starting"))
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)
    phase = models.CharField(_("phase"), max_length=20)
    percent_complete = models.DecimalField(
        _("progress (percent)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    planned_percent = models.DecimalField(
        _("planned progress (percent)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    forecast_end = models.DateField(_("forecast end"), null=True, blank=True)
    contract_value = MoneyField(_("contract value"))
    budget = MoneyField(_("budget"))
    committed = MoneyField(_("committed"), null=True, blank=True, default=None)
    actual = MoneyField(_("actual"), null=True, blank=True, default=None)
    forecast = MoneyField(_("forecast at completion"), null=True, blank=True, default=None)
    approved_changes = MoneyField(
        _("approved changes"), allow_negative=True, null=True, blank=True, default=None
    )
    risk_exposure = MoneyField(_("risk exposure"), allow_negative=True, null=True, blank=True, default=None)
    highest_risk_score = models.PositiveSmallIntegerField(_("highest risk score"), null=True, blank=True)
    open_high_risks = models.PositiveIntegerField(_("open high risks"), null=True, blank=True)
    open_issues = models.PositiveIntegerField(_("open issues"), null=True, blank=True)
    open_actions = models.PositiveIntegerField(_("open actions"), null=True, blank=True)
    overdue_actions = models.PositiveIntegerField(_("overdue actions"), null=True, blank=True)
    open_findings = models.PositiveIntegerField(_("open quality findings"), null=True, blank=True)
    # Earned value at the end of the week (issue 15, reporting.selectors.evm); the rest is in data["evm"].
    planned_value = MoneyField(_("planned value (PV)"), null=True, blank=True, default=None)
    earned_value = MoneyField(_("earned value (EV)"), null=True, blank=True, default=None)
    actual_cost = MoneyField(_("actual cost (AC)"), null=True, blank=True, default=None)
    spi = models.DecimalField(_("SPI"), max_digits=7, decimal_places=3, null=True, blank=True)
    cpi = models.DecimalField(_("CPI"), max_digits=7, decimal_places=3, null=True, blank=True)
    # The tables of the report (milestones, budget lines, risks, issues, changes, decisions), frozen.
    data = models.JSONField(_("frozen tables"), default=dict, blank=True)
    # The project's latest snapshot with an earned value, kept by the snapshot services
    # (snapshot_latest_evm_mark): the earned-value table joins it once instead of a subquery per project.
    is_latest_evm = models.BooleanField(_("latest with an earned value"), default=False, editable=False)

    class Meta:
        verbose_name = _("project snapshot")
        verbose_name_plural = _("project snapshots")
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["project", "week_start"], name="unique_snapshot_per_week"),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(is_latest_evm=True),
                name="one_latest_evm_snapshot_per_project",
            ),
        ]
        indexes = [models.Index(fields=["week_start"]), models.Index(fields=["week_start", "spi", "cpi"])]

    def __str__(self) -> str:
        return f"{self.project_id} @ {self.week_start}"


class ProgressUpdate(models.Model):
    """The PM's view of a period: RAG per dimension, with the suggestion the data made."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="progress_updates", verbose_name=_("project")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="progress_updates",
        verbose_name=_("author"),
    )
    rag_schedule = models.CharField(_("schedule"), max_length=5, choices=Rag.choices)
    rag_cost = models.CharField(_("cost"), max_length=5, choices=Rag.choices)
    rag_scope = models.CharField(_("scope"), max_length=5, choices=Rag.choices)
    rag_quality = models.CharField(_("quality"), max_length=5, choices=Rag.choices)
    rag_risk = models.CharField(_("risk"), max_length=5, choices=Rag.choices)
    rag_safety = models.CharField(_("safety"), max_length=5, choices=Rag.choices)
    rag_overall = models.CharField(_("overall"), max_length=5, choices=Rag.choices)
    # {"schedule": "amber", ...}: what the figures said against the tolerances when saved.
    suggested = models.JSONField(_("suggested RAG"), default=dict, blank=True)
    override_comment = models.TextField(_("why the RAG differs from the suggestion"), blank=True)
    done_this_period = models.TextField(_("done this period"))
    planned_next = models.TextField(_("planned next period"))
    decisions_needed = models.TextField(_("decisions needed from the board"), blank=True)
    corrective_actions = models.TextField(_("corrective actions"), blank=True)
    lessons = models.TextField(_("lessons"), blank=True)
    # The project's update of its latest period, kept by the progress services (progress_latest_mark):
    # the dashboards join it once instead of looking up every project's latest update in a subquery.
    is_latest = models.BooleanField(_("latest of the project"), default=False, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["is_latest"])

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["project", "period_start"], name="unique_progress_per_period"),
            models.UniqueConstraint(
                fields=["project"], condition=Q(is_latest=True), name="one_latest_progress_per_project"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="progress_period_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["period_start", "rag_overall"])]

    def __str__(self) -> str:
        return f"{self.project_id} {self.period_start}: {self.rag_overall}"

    @property
    def needs_exception_report(self) -> bool:
        return Rag.RED in (self.rag_overall, *self.rags().values())

    def rags(self) -> dict[str, str]:
        return {dimension: getattr(self, f"rag_{dimension}") for dimension in RAG_DIMENSIONS}


def _report_upload_to(report: "HighlightReport", filename: str) -> str:
    return f"reports/{report.period_start:%Y}/{report.project_id}/{filename}"


class HighlightReport(Job):
    """A PDF highlight report as a job: queued → rendering → ready | failed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    TRANSITIONS = {
        Status.QUEUED: {Status.RENDERING},
        Status.RENDERING: {Status.READY, Status.FAILED, Status.QUEUED},
        Status.READY: {Status.QUEUED},
        Status.FAILED: {Status.QUEUED},
    }
    FINAL = frozenset({Status.READY, Status.FAILED})
    states = JobStates(
        queued=Status.QUEUED, running=Status.RENDERING, done=Status.READY, failed=Status.FAILED
    )
    # The render task's hard time limit (reporting.tasks.highlight_report_render_task).
    max_runtime = timedelta(seconds=180)

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="highlight_reports", verbose_name=_("project")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    snapshot = models.ForeignKey(
        ProjectSnapshot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("snapshot"),
    )
    progress_update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("progress update"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(_("file"), upload_to=_report_upload_to, blank=True, max_length=255)
    file_size = models.PositiveIntegerField(_("file size"), null=True, blank=True)
    page_count = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The copy archived in the project's documents (a new version when the report is made again).
    document = models.ForeignKey(
        "projects.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("archived document"),
    )
    # Reports of the weekly batch go to the project's distribution list once ready.
    is_distributed = models.BooleanField(_("send to the distribution list"), default=False)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("highlight report")
        verbose_name_plural = _("highlight reports")
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period_start", "audience", "language"], name="unique_report_per_period"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "started_at"]),
            models.Index(fields=["project", "-period_start"]),
            # The dashboards' "recent reports": the newest few, read backwards instead of sorting all.
            models.Index(fields=["-created_at", "-id"], name="highlight_report_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.period_start} {self.audience}/{self.language}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:report-detail", args=[self.pk])

    @classmethod
    def on_requeued(cls, pks: list[int]) -> None:
        from reporting import tasks

        for pk in pks:
            tasks.highlight_report_render_task.delay(pk)

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL

    @property
    def is_downloadable(self) -> bool:
        return self.status == self.Status.READY and bool(self.file)

    @property
    def filename(self) -> str:
        return f"{self.period_start:%Y-%m-%d}-{self.audience}-{self.language}.pdf"

    @property
    def stages(self) -> list["ReportStage"]:
        """Queued → rendering → ready or failed, each with its time, for the report's progress."""
        return report_stages(self, now=timezone.now())


@dataclass(frozen=True)
class ReportStage:
    label: str
    state: str  # "done", "current", "failed" or "todo"
    at: datetime | None = None
    detail: str = ""


def _duration(seconds: float) -> str:
    seconds = max(int(seconds), 0)
    if seconds < 120:
        return ngettext("%(count)s second", "%(count)s seconds", seconds) % {"count": seconds}
    minutes = seconds // 60
    return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}


def report_stages(report: "HighlightReport", *, now: datetime) -> list[ReportStage]:
    status = HighlightReport.Status(report.status)
    started, failed = report.started_at, status == HighlightReport.Status.FAILED
    if started is None and status == HighlightReport.Status.QUEUED:
        wait = _duration((now - report.queued_at).total_seconds())
        waited = _("waiting for %(duration)s") % {"duration": wait}
        queued = ReportStage(str(_("Queued")), "current", report.queued_at, waited)
    else:
        end_of_wait = started or report.finished_at or now
        wait = _duration((end_of_wait - report.queued_at).total_seconds())
        waited = _("waited %(duration)s") % {"duration": wait}
        queued = ReportStage(str(_("Queued")), "done", report.queued_at, waited)
    if status == HighlightReport.Status.RENDERING:
        rendering = ReportStage(str(_("Rendering")), "current", started)
    elif started is not None and status in HighlightReport.FINAL:
        rendering = ReportStage(str(_("Rendering")), "failed" if failed else "done", started)
    else:
        rendering = ReportStage(str(_("Rendering")), "todo")
    if failed:
        last = ReportStage(str(_("Failed")), "failed", report.finished_at)
    elif status == HighlightReport.Status.READY:
        last = ReportStage(str(_("Ready")), "done", report.finished_at)
    else:
        last = ReportStage(str(_("Ready")), "todo")
    return [queued, rendering, last]


class DistributionRecipient(models.Model):
    """Who receives a project's weekly highlight report, in which version and language."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="report_recipients", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report recipient")
        verbose_name_plural = _("report recipients")
        ordering = ["audience", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "email"], name="unique_recipient_per_project"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


def week_start_of(day: date) -> date:
    """The Monday of the week a day falls in."""
    return date.fromordinal(day.toordinal() - day.weekday())
