"""Changes to intakes: sales fill and submit, the PMO returns, accepts, rejects and converts."""

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save, history_stamp
from pmo.models import User
from pmo.services import sequence_next
from projects import hooks
from projects.models import (
    INTAKE_EDITABLE_STATUSES,
    Customer,
    Intake,
    IntakeStatus,
    IntakeStatusChange,
    IntakeTemplate,
    Project,
    RequiredDocument,
    Task,
)
from projects.models.intake import translated
from projects.selectors.intake import intake_existing_customer, intake_missing
from projects.services.core import customer_create, project_create

INTAKE_FIELDS = (
    "template",
    "title",
    "customer",
    "new_customer_name",
    "new_customer_vat",
    "opportunity_reference",
    "scope_summary",
    "in_scope",
    "out_of_scope",
    "sold_value",
    "cost_estimate",
    "requested_start",
    "requested_end",
    "site_addresses",
    "customer_contacts",
    "initial_risks",
)
# Sales hears about these moves by email.
NOTIFIED_STATUSES = (
    IntakeStatus.RETURNED,
    IntakeStatus.ACCEPTED,
    IntakeStatus.CONVERTED,
    IntakeStatus.REJECTED,
)


def _save(intake: Intake, *, actor: User, update_fields: list[str] | None = None) -> None:
    audited_save(
        intake, actor=actor, update_fields=update_fields, exclude=["number"] if not intake.number else None
    )


@transaction.atomic
def intake_create(*, actor: User, template: IntakeTemplate, title: str, **values) -> Intake:
    """Start a draft intake with the next number of the year (INT-YYYY-NNNNN)."""
    intake = Intake(
        created_by=actor,
        template=template,
        title=title,
        **{field: value for field, value in values.items() if field in INTAKE_FIELDS},
    )
    intake.full_clean(exclude=["number"])
    year = timezone.localdate().year
    intake.number = f"INT-{year}-{sequence_next(series='intake', year=year):05d}"
    _save(intake, actor=actor)
    return intake


@transaction.atomic
def intake_update(*, intake: Intake, actor: User, **values) -> Intake:
    """Change the content of a draft or returned intake; only changed fields are written."""
    locked = Intake.objects.select_for_update().get(pk=intake.pk)
    if locked.status not in INTAKE_EDITABLE_STATUSES:
        raise ValidationError(_("This intake is with the PMO and cannot be changed now."))
    changed = [f for f in INTAKE_FIELDS if f in values and getattr(locked, f) != values[f]]
    for field in changed:
        setattr(locked, field, values[field])
    if changed:
        _save(locked, actor=actor, update_fields=[*changed, "updated_at"])
    return locked


def _move(*, intake: Intake, to_status: str, actor: User, reason: str = "") -> Intake:
    """Move the locked intake to a new status, record who/when/why, notify sales after commit."""
    from projects import tasks

    locked = Intake.objects.select_for_update().get(pk=intake.pk)
    from_status = locked.status
    locked.workflow.assign(locked, to_status)  # refused unless Intake.workflow allows the move
    change = IntakeStatusChange.objects.create(
        intake=locked, from_status=from_status, to_status=to_status, actor=actor, reason=reason
    )
    fields = ["status", "updated_at"]
    if to_status in (IntakeStatus.RETURNED, IntakeStatus.REJECTED):
        locked.status_reason = reason
        fields.append("status_reason")
    if to_status == IntakeStatus.SUBMITTED:
        locked.submitted_at = timezone.now()
        fields.append("submitted_at")
    history_stamp(locked, actor=actor, reason=reason)
    _save(locked, actor=actor, update_fields=fields)
    if to_status in NOTIFIED_STATUSES:
        transaction.on_commit(lambda: tasks.intake_notify_sales_task.delay(change.pk))
    return locked


@transaction.atomic
def intake_submit(*, intake: Intake, actor: User) -> Intake:
    """Hand the intake to the PMO; refused while the template's requirements are missing."""
    missing = intake_missing(intake=intake)
    if missing:
        raise ValidationError(missing)
    return _move(intake=intake, to_status=IntakeStatus.SUBMITTED, actor=actor)


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason: sales will read it.")})
    return reason.strip()


@transaction.atomic
def intake_return(*, intake: Intake, actor: User, reason: str) -> Intake:
    """Send the intake back to sales with the PMO's questions."""
    return _move(intake=intake, to_status=IntakeStatus.RETURNED, actor=actor, reason=_require_reason(reason))


@transaction.atomic
def intake_reject(*, intake: Intake, actor: User, reason: str) -> Intake:
    """Refuse the intake for good, with a reason sales will read."""
    return _move(intake=intake, to_status=IntakeStatus.REJECTED, actor=actor, reason=_require_reason(reason))


@transaction.atomic
def intake_accept(*, intake: Intake, actor: User, answers: dict[str, bool]) -> Intake:
    """Accept the intake once every item of the template's review checklist is ticked."""
    missing = intake_missing(intake=intake)
    if missing:
        raise ValidationError(missing)
    unticked = [
        item for index, item in enumerate(intake.template.checklist_items()) if not answers.get(str(index))
    ]
    if unticked:
        raise ValidationError(
            [_("Checklist item not confirmed: %(item)s") % {"item": item} for item in unticked]
        )
    Intake.objects.filter(pk=intake.pk).update(review_answers={key: True for key in answers})
    return _move(intake=intake, to_status=IntakeStatus.ACCEPTED, actor=actor)


def _customer_for(intake: Intake, actor: User) -> Customer:
    if intake.customer is not None:
        return intake.customer
    existing = intake_existing_customer(intake=intake)
    if existing:
        return existing
    return customer_create(
        actor=actor, name=intake.new_customer_name.strip(), vat_number=intake.new_customer_vat
    )


def _required_documents_from_template(project: Project, template: IntakeTemplate, language: str) -> None:
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            project=project,
            category=line["category"],
            phase=line["phase"],
            title=translated(line["title"], language),
        )
        for line in template.required_documents
    )


def _provisional_plan_from_template(
    project: Project, template: IntakeTemplate, start: date, language: str
) -> None:
    by_wbs: dict[str, Task] = {}
    for order, line in enumerate(template.provisional_plan):
        begin = start + timedelta(days=line["offset_days"])
        parent_wbs = line["wbs"].rpartition(".")[0]
        task = Task.objects.create(
            project=project,
            parent=by_wbs.get(parent_wbs),
            wbs_code=line["wbs"],
            name=translated(line["name"], language),
            kind=line["kind"],
            planned_start=begin,
            planned_end=begin + timedelta(days=line["duration_days"]),
            sort_order=order,
        )
        by_wbs[line["wbs"]] = task


@transaction.atomic
def project_create_from_intake(
    *,
    intake: Intake,
    actor: User,
    project_manager: User | None,
    support_officer: User | None,
    budget: Decimal | None = None,
) -> Project:
    """Create the project of an accepted intake: budget lines, documents checklist, provisional plan."""
    locked = (
        Intake.objects.select_for_update(of=("self",))
        .select_related("template", "customer")
        .get(pk=intake.pk)
    )
    if locked.status != IntakeStatus.ACCEPTED:
        raise ValidationError(_("Only an accepted intake can become a project."))
    project = project_create(
        actor=actor,
        name=locked.title,
        customer=_customer_for(locked, actor),
        contract_value=locked.sold_value,
        budget=locked.cost_estimate if budget is None else budget,
        project_manager=project_manager,
        support_officer=support_officer,
        account_manager=locked.created_by,
        description=locked.scope_summary,
        start_date=locked.requested_start,
        end_date=locked.requested_end,
    )
    # Procurement builds on projects and owns budget lines: projects reaches them through its port.
    budget_lines_from_estimate = hooks.budget.lines_from_estimate

    budget_lines_from_estimate(
        project=project,
        estimate=project.budget,
        actor=actor,
        reason=_("Budget from intake %(number)s") % {"number": locked.number},
    )
    language = project.customer.language
    _required_documents_from_template(project, locked.template, language)
    _provisional_plan_from_template(
        project, locked.template, locked.requested_start or timezone.localdate(), language
    )
    locked.documents.update(project=project)
    locked.project = project
    locked.save(update_fields=["project"])
    _move(intake=locked, to_status=IntakeStatus.CONVERTED, actor=actor)
    return project


def intake_notify_sales(*, status_change_id: int) -> bool:
    """Email the intake's author about a status change, once, in their language."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.utils import translation

    from pmo.models import NotificationEvent
    from pmo.services import notification_send

    claimed = IntakeStatusChange.objects.filter(pk=status_change_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return False
    change = IntakeStatusChange.objects.select_related("intake__created_by", "intake__project", "actor").get(
        pk=status_change_id
    )
    author = change.intake.created_by
    with translation.override(author.preferred_language):
        context = {"change": change, "intake": change.intake, "user": author, "site_url": settings.SITE_URL}
        subject = render_to_string("projects/email/intake_status_subject.txt", context).strip()
        body = render_to_string("projects/email/intake_status_body.txt", context)
    try:
        notification_send(
            recipient=author,
            event=NotificationEvent.INTAKE_STATUS,
            subject=subject,
            body=body,
            link=change.intake.get_absolute_url(),
            project=change.intake.project,
        )
    except Exception:
        IntakeStatusChange.objects.filter(pk=status_change_id).update(notified_at=None)
        raise
    return True


TEMPLATE_DATA = Path(__file__).resolve().parent.parent / "data" / "intake_templates.json"
TEMPLATE_FIELDS = (
    "name_en",
    "name_fr",
    "name_nl",
    "required_fields",
    "required_attachments",
    "checklist",
    "required_documents",
    "provisional_plan",
)


@transaction.atomic
def intake_templates_install() -> list[IntakeTemplate]:
    """Create or refresh the shipped intake templates (also done by migration 0003)."""
    return [
        IntakeTemplate.objects.update_or_create(
            code=item["code"], defaults={field: item[field] for field in TEMPLATE_FIELDS}
        )[0]
        for item in json.loads(TEMPLATE_DATA.read_text(encoding="utf-8"))
    ]
