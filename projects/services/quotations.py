"""Quotations: create, change, send, record the customer's answer, expire; accepted ones become intakes."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save
from pmo.models import User
from pmo.roles import Role
from pmo.services import sequence_next
from projects.models import (
    LEVEL_1_LIMIT,
    Intake,
    IntakeTemplate,
    Project,
    Quotation,
    QuotationLine,
    QuotationStatus,
)

QUOTATION_FIELDS = ("customer", "contact", "title", "language", "valid_until", "notes")
LINE_FIELDS = ("item", "quantity", "unit", "unit_cost", "unit_price", "vat_rate")
Q = QuotationStatus


def _lock(quotation: Quotation) -> Quotation:
    return Quotation.objects.select_for_update().get(pk=quotation.pk)


def _move(quotation: Quotation, status: str, *, actor: User, fields: list[str]) -> None:
    """Every status change of a quotation goes through its table (Quotation.workflow)."""
    quotation.workflow.move(quotation, status, actor=actor, fields=fields)


def _save_lines(quotation: Quotation, lines: list[dict]) -> None:
    quotation.lines.all().delete()  # a draft's lines are replaced whole; history is kept on the quotation
    for position, values in enumerate(lines, start=1):
        line = QuotationLine(
            quotation=quotation, position=position, **{f: values[f] for f in LINE_FIELDS if f in values}
        )
        line.full_clean()
        line.save()


@transaction.atomic
def quotation_create(*, actor: User, lines: list[dict], **values) -> Quotation:
    """Create a draft quotation Q-YYYY-NNNNN in the customer's language unless told otherwise."""
    values = {field: values[field] for field in QUOTATION_FIELDS if field in values}
    values.setdefault("language", values["customer"].language)
    quotation = Quotation(created_by=actor, **values)
    year = timezone.localdate().year
    quotation.number = f"Q-{year}-{sequence_next(series='quotation', year=year):05d}"
    audited_save(quotation, actor=actor)
    _save_lines(quotation, lines)
    return quotation


@transaction.atomic
def quotation_update(
    *, quotation: Quotation, actor: User, lines: list[dict] | None = None, **values
) -> Quotation:
    """Change a draft quotation and, when given, replace its lines."""
    quotation = _lock(quotation)
    if quotation.status != Q.DRAFT:
        raise ValidationError(_("Only a draft quotation can be changed."))
    for field in QUOTATION_FIELDS:
        if field in values:
            setattr(quotation, field, values[field])
    audited_save(quotation, actor=actor)
    if lines is not None:
        _save_lines(quotation, lines)
    return quotation


@transaction.atomic
def quotation_send(*, quotation: Quotation, actor: User) -> Quotation:
    """Mark a draft as sent to the customer; it needs lines and a validity in the future."""
    quotation = _lock(quotation)
    if not quotation.lines.exists():
        raise ValidationError(_("Add at least one line before sending the quotation."))
    if quotation.valid_until < timezone.localdate():
        raise ValidationError(_("The validity date is in the past."))
    quotation.sent_at = timezone.now()
    _move(quotation, Q.SENT, actor=actor, fields=["sent_at"])
    return quotation


def quotation_totals(*, quotation: Quotation) -> dict[str, Decimal]:
    """Price, cost, VAT and margin of a quotation, summed by the database."""
    totals = quotation.lines.aggregate(price=Sum("amount"), cost=Sum("cost_amount"), vat=Sum("vat_amount"))
    totals = {key: value or Decimal("0.00") for key, value in totals.items()}
    totals["margin"] = totals["price"] - totals["cost"]
    return totals


def _scope(quotation: Quotation) -> str:
    return "\n".join(
        f"- {line.item}: {line.quantity.normalize()} {line.unit}"
        for line in quotation.lines.order_by("position")
    )


@transaction.atomic
def quotation_accept(
    *,
    quotation: Quotation,
    actor: User,
    template: IntakeTemplate | None = None,
    as_project: bool = False,
    project_manager: User | None = None,
) -> Quotation:
    """Record the customer's acceptance and carry the values over to a new draft intake.

    The PMO may instead create a project directly for a small Level 1 job (`as_project`).
    """
    quotation = _lock(quotation)
    totals = quotation_totals(quotation=quotation)
    quotation.decided_at = timezone.now()
    _move(quotation, Q.ACCEPTED, actor=actor, fields=["decided_at"])
    if as_project:
        quotation.project = _project_from(quotation, totals, actor=actor, project_manager=project_manager)
    else:
        quotation.intake = _intake_from(quotation, totals, actor=actor, template=template)
    audited_save(quotation, actor=actor, update_fields=["project", "intake"])
    return quotation


def _intake_from(
    quotation: Quotation, totals: dict, *, actor: User, template: IntakeTemplate | None
) -> Intake:
    from projects.services.intake import intake_create

    template = template or IntakeTemplate.objects.filter(is_active=True).order_by("pk").first()
    if template is None:
        raise ValidationError(_("No intake template is active."))
    return intake_create(
        actor=quotation.created_by,
        template=template,
        title=quotation.title,
        customer=quotation.customer,
        sold_value=totals["price"],
        cost_estimate=totals["cost"],
        scope_summary=_("From quotation %(number)s:") % {"number": quotation.number}
        + "\n"
        + _scope(quotation),
    )


def _project_from(
    quotation: Quotation, totals: dict, *, actor: User, project_manager: User | None
) -> Project:
    from projects.services.core import project_create

    if not actor.has_role(Role.PM_SUPPORT, Role.ADMINISTRATOR):
        raise ValidationError(_("Only the PMO creates a project straight from a quotation."))
    if totals["cost"] > LEVEL_1_LIMIT:
        raise ValidationError(_("Only a Level 1 job (cost up to 250,000 EUR) becomes a project directly."))
    return project_create(
        actor=actor,
        name=quotation.title,
        customer=quotation.customer,
        budget=totals["cost"],
        contract_value=totals["price"],
        project_manager=project_manager,
        support_officer=actor if actor.has_role(Role.PM_SUPPORT) else None,
        account_manager=quotation.created_by if quotation.created_by.has_role(Role.SALES) else None,
        description=_scope(quotation),
    )


@transaction.atomic
def quotation_decline(*, quotation: Quotation, actor: User, reason: str = "") -> Quotation:
    """Record that the customer declined the quotation."""
    quotation = _lock(quotation)
    quotation.decided_at, quotation.decision_reason = timezone.now(), reason.strip()
    _move(quotation, Q.DECLINED, actor=actor, fields=["decided_at", "decision_reason"])
    return quotation


def quotation_expire_overdue() -> int:
    """Expire sent quotations past their validity (claimed by a conditional update: safe to run twice)."""
    return Quotation.objects.filter(status=Q.SENT, valid_until__lt=timezone.localdate()).update(
        status=Q.EXPIRED, updated_at=timezone.now()
    )
