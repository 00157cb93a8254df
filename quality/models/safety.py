"""VCA safety records: LMRA, toolbox meetings, incidents and near misses, hours worked."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models import Project


class Hazard(models.TextChoices):
    WORK_AT_HEIGHT = "height", _("Work at height")
    ELECTRICAL = "electrical", _("Electrical (isolation, live parts)")
    CONFINED_SPACE = "confined_space", _("Confined space")
    HOT_WORK = "hot_work", _("Hot work")
    LIFTING = "lifting", _("Lifting and hoisting")
    MANUAL_HANDLING = "manual_handling", _("Manual handling")
    TRAFFIC = "traffic", _("Traffic and moving vehicles")
    DUST_NOISE = "dust_noise", _("Dust, noise or chemicals")
    NEIGHBOURING_WORK = "neighbouring_work", _("Neighbouring work")
    WEATHER = "weather", _("Weather conditions")


class LastMinuteRiskAnalysis(models.Model):
    """An LMRA card: Stop - Think - Do, recorded by the team before starting a task."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="lmras", verbose_name=_("project")
    )
    performed_on = models.DateField(_("date"), default=timezone.localdate)
    site = models.CharField(_("site"), max_length=200)
    task = models.CharField(_("task"), max_length=200)
    team = models.CharField(_("team"), max_length=300)
    hazards = models.JSONField(_("hazards checked"), blank=True, default=list)
    controls = models.TextField(_("controls in place"), blank=True)
    permit_number = models.CharField(_("permit number"), max_length=50, blank=True)
    is_ppe_ok = models.BooleanField(_("PPE in order"), default=False)
    is_emergency_known = models.BooleanField(_("emergency route and contacts known"), default=False)
    is_go = models.BooleanField(_("go"), help_text=_("Unchecked means no-go: the work does not start."))
    remarks = models.TextField(_("remarks"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("last-minute risk analysis")
        verbose_name_plural = _("last-minute risk analyses")
        ordering = ["-performed_on", "-pk"]
        indexes = [models.Index(fields=["project", "performed_on"])]

    def __str__(self) -> str:
        return f"LMRA {self.performed_on} {self.task}"

    def get_hazards_display(self) -> list[str]:
        labels = dict(Hazard.choices)
        return [str(labels.get(code, code)) for code in self.hazards]


class ToolboxMeeting(models.Model):
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="toolbox_meetings", verbose_name=_("project")
    )
    held_on = models.DateField(_("date"), default=timezone.localdate)
    topic = models.CharField(_("topic"), max_length=200)
    presenter = models.CharField(_("presenter"), max_length=150)
    attendees = models.TextField(_("attendees"), help_text=_("One name per line."))
    remarks = models.TextField(_("questions and remarks"), blank=True)
    actions = models.TextField(_("actions agreed"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("toolbox meeting")
        verbose_name_plural = _("toolbox meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"

    @property
    def attendee_count(self) -> int:
        return len([line for line in self.attendees.splitlines() if line.strip()])


class IncidentKind(models.TextChoices):
    LOST_TIME_ACCIDENT = "lost_time_accident", _("Accident with lost time")
    ACCIDENT = "accident", _("Accident without lost time")
    NEAR_MISS = "near_miss", _("Near miss")
    UNSAFE_ACT = "unsafe_act", _("Unsafe act")
    UNSAFE_SITUATION = "unsafe_situation", _("Unsafe situation")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    INVESTIGATED = "investigated", _("Investigated")
    CLOSED = "closed", _("Closed")


INCIDENT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    IncidentStatus.OPEN: (IncidentStatus.INVESTIGATED, IncidentStatus.CLOSED),
    IncidentStatus.INVESTIGATED: (IncidentStatus.CLOSED,),
    IncidentStatus.CLOSED: (),
}


class SafetyIncident(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="safety_incidents", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    description = models.TextField(_("what happened"))
    people_involved = models.TextField(_("people involved"), blank=True)
    injury = models.TextField(_("injury"), blank=True)
    lost_days = models.PositiveSmallIntegerField(_("days lost"), default=0)
    immediate_actions = models.TextField(_("immediate actions"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    is_reported_to_client = models.BooleanField(_("reported to the client"), default=False)
    is_reported_to_authority = models.BooleanField(_("reported to the authority"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("safety incident")
        verbose_name_plural = _("safety incidents")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["project", "kind"]), models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="lost_time_accident") | Q(lost_days__gte=1),
                name="lost_time_accident_has_lost_days",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("quality:incident-detail", args=[self.pk])


class WorkedHours(models.Model):
    """Hours worked on a project's sites in a month: the base of the injury frequency."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="worked_hours", verbose_name=_("project")
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    hours = models.DecimalField(_("hours worked"), max_digits=10, decimal_places=1)

    class Meta:
        verbose_name = _("hours worked")
        verbose_name_plural = _("hours worked")
        ordering = ["project", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="unique_worked_hours_per_month"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="worked_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.month:%Y-%m}: {self.hours}"


class QualificationKind(models.TextChoices):
    BASIC_VCA = "b_vca", _("B-VCA (basic safety)")
    VOL_VCA = "vol_vca", _("VOL-VCA (operational supervisor)")
    VIL_VCA = "vil_vca", _("VIL-VCA (temporary agency worker)")
    BA4 = "ba4", _("BA4 (instructed person, electrical)")
    BA5 = "ba5", _("BA5 (skilled person, electrical)")
    OTHER = "other", _("Other qualification")


# Qualifications that VCA and the Belgian electrical code (AREI/RGIE) ask of people on an installation site.
ELECTRICAL_QUALIFICATIONS = (QualificationKind.BA4, QualificationKind.BA5)
VCA_QUALIFICATIONS = (QualificationKind.BASIC_VCA, QualificationKind.VOL_VCA, QualificationKind.VIL_VCA)


class SiteQualification(models.Model):
    """A certificate held by someone working on the project's site, checked before they start."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="site_qualifications", verbose_name=_("project")
    )
    person = models.CharField(_("person"), max_length=150)
    company = models.CharField(_("company"), max_length=150, blank=True)
    kind = models.CharField(_("qualification"), max_length=20, choices=QualificationKind.choices)
    certificate_number = models.CharField(_("certificate number"), max_length=60, blank=True)
    valid_until = models.DateField(_("valid until"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("site qualification")
        verbose_name_plural = _("site qualifications")
        ordering = ["valid_until", "person"]
        indexes = [models.Index(fields=["project", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()}"
