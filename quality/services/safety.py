"""VCA safety records: LMRA cards, toolbox meetings, incidents, hours worked."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save
from pmo.models import User
from pmo.services import sequence_next
from quality.models import (
    ActionStatus,
    Hazard,
    IncidentStatus,
    LastMinuteRiskAnalysis,
    SafetyIncident,
    SiteQualification,
    ToolboxMeeting,
    WorkedHours,
)

if TYPE_CHECKING:
    from projects.models import Project

LMRA_FIELDS = (
    "performed_on",
    "site",
    "task",
    "team",
    "hazards",
    "controls",
    "permit_number",
    "is_ppe_ok",
    "is_emergency_known",
    "is_go",
    "remarks",
)
TOOLBOX_FIELDS = ("held_on", "topic", "presenter", "attendees", "remarks", "actions")
INCIDENT_FIELDS = (
    "kind",
    "occurred_at",
    "place",
    "description",
    "people_involved",
    "injury",
    "lost_days",
    "immediate_actions",
    "root_cause",
    "is_reported_to_client",
    "is_reported_to_authority",
)


@transaction.atomic
def lmra_record(*, project: Project, actor: User, **values) -> LastMinuteRiskAnalysis:
    """Record an LMRA card; a go needs PPE and emergency arrangements in order."""
    unknown = set(values.get("hazards", [])) - set(Hazard.values)
    if unknown:
        raise ValidationError({"hazards": _("Unknown hazard.")})
    if values.get("is_go") and not (values.get("is_ppe_ok") and values.get("is_emergency_known")):
        raise ValidationError(_("A go needs PPE in order and the emergency arrangements known."))
    lmra = LastMinuteRiskAnalysis(
        project=project,
        recorded_by=actor,
        **{field: values[field] for field in LMRA_FIELDS if field in values},
    )
    audited_save(lmra, actor=actor)
    return lmra


@transaction.atomic
def toolbox_meeting_record(*, project: Project, actor: User, **values) -> ToolboxMeeting:
    """Record a toolbox meeting with its attendees, remarks and actions."""
    meeting = ToolboxMeeting(
        project=project,
        recorded_by=actor,
        **{field: values[field] for field in TOOLBOX_FIELDS if field in values},
    )
    if not meeting.attendee_count:
        raise ValidationError({"attendees": _("List at least one attendee.")})
    audited_save(meeting, actor=actor)
    return meeting


@transaction.atomic
def safety_incident_report(*, project: Project, actor: User, **values) -> SafetyIncident:
    """Report an incident or near miss with the next number of the year (SI-YYYY-NNNN)."""
    occurred_at: datetime | None = values.get("occurred_at")
    if occurred_at and occurred_at > timezone.now():
        raise ValidationError({"occurred_at": _("An incident cannot be in the future.")})
    year = timezone.localdate().year
    incident = SafetyIncident(
        project=project,
        reported_by=actor,
        number=f"SI-{year}-{sequence_next(series='safety_incident', year=year):04d}",
        **{field: values[field] for field in INCIDENT_FIELDS if field in values},
    )
    audited_save(incident, actor=actor)
    return incident


@transaction.atomic
def safety_incident_update(*, incident: SafetyIncident, actor: User, **values) -> SafetyIncident:
    """Complete the investigation of an open incident; it becomes investigated once a root cause is known."""
    incident = SafetyIncident.objects.select_for_update().get(pk=incident.pk)
    if incident.status == IncidentStatus.CLOSED:
        raise ValidationError(_("This incident is closed."))
    changed = [f for f in INCIDENT_FIELDS if f in values and getattr(incident, f) != values[f]]
    for field in changed:
        setattr(incident, field, values[field])
    if incident.root_cause.strip() and incident.status == IncidentStatus.OPEN:
        incident.status = IncidentStatus.INVESTIGATED
        changed.append("status")
    if changed:
        audited_save(incident, actor=actor, update_fields=changed)
    return incident


@transaction.atomic
def safety_incident_close(*, incident: SafetyIncident, actor: User) -> SafetyIncident:
    """Close an incident: root cause known and no corrective action left open."""
    incident = SafetyIncident.objects.select_for_update().get(pk=incident.pk)
    incident.workflow.assign(incident, IncidentStatus.CLOSED)
    if not incident.root_cause.strip():
        raise ValidationError(_("Record the root cause before closing the incident."))
    if incident.actions.filter(status__in=(ActionStatus.OPEN, ActionStatus.DONE)).exists():
        raise ValidationError(_("Every corrective action must be verified or cancelled first."))
    incident.status, incident.closed_at = IncidentStatus.CLOSED, timezone.now()
    audited_save(incident, actor=actor, update_fields=["status", "closed_at"])
    return incident


@transaction.atomic
def worked_hours_set(*, project: Project, month: date, hours: Decimal) -> WorkedHours:
    """Set the hours worked on a project in a month (the base of the injury frequency)."""
    if hours < 0:
        raise ValidationError({"hours": _("Hours cannot be negative.")})
    record, _created = WorkedHours.objects.update_or_create(
        project=project, month=month.replace(day=1), defaults={"hours": hours}
    )
    return record


QUALIFICATION_FIELDS = ("person", "company", "kind", "certificate_number", "valid_until")


@transaction.atomic
def site_qualification_record(*, project: Project, actor: User, **values) -> SiteQualification:
    """Record a certificate (VCA, BA4/BA5) of someone working on the site, with its expiry."""
    qualification = SiteQualification(
        project=project,
        recorded_by=actor,
        **{field: values[field] for field in QUALIFICATION_FIELDS if field in values},
    )
    audited_save(qualification, actor=actor)
    return qualification
