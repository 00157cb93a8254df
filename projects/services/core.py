"""Changes to customers and projects: one transaction each, checked, recorded in history."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pmo.lib.audit import audited_save, history_stamp
from pmo.lib.identifiers import normalize_eu_vat
from pmo.models import User
from pmo.roles import Role
from pmo.services import sequence_next
from projects.models import Customer, CustomerContact, ProgressMethod, Project
from projects.services.plan import project_progress_method_changed

CUSTOMER_FIELDS = ("name", "vat_number", "street", "postal_code", "city", "country", "language", "is_active")
PROJECT_FIELDS = (
    "name",
    "customer",
    "description",
    "project_manager",
    "support_officer",
    "account_manager",
    "contract_value",
    "budget",
    "start_date",
    "end_date",
    "progress_method",
)


def _check_role(user: User | None, role: str, field: str) -> None:
    if user is not None and not user.has_role(role):
        raise ValidationError({field: _("%(user)s does not hold this role.") % {"user": user}})


@transaction.atomic
def customer_create(*, actor: User, **values) -> Customer:
    """Create a customer; the VAT number is stored in its compact form."""
    if values.get("vat_number"):
        values["vat_number"] = normalize_eu_vat(values["vat_number"], values.get("country") or "BE")
    customer = Customer(**{field: value for field, value in values.items() if field in CUSTOMER_FIELDS})
    audited_save(customer, actor=actor)
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, actor: User, **values) -> Customer:
    """Change a customer's details; only changed fields are written."""
    if values.get("vat_number"):
        values["vat_number"] = normalize_eu_vat(
            values["vat_number"], values.get("country") or customer.country
        )
    changed = [
        field for field in CUSTOMER_FIELDS if field in values and getattr(customer, field) != values[field]
    ]
    for field in changed:
        setattr(customer, field, values[field])
    if changed:
        audited_save(customer, actor=actor, update_fields=changed)
    return customer


@transaction.atomic
def customer_contacts_save(*, customer: Customer, formset, actor: User) -> None:
    """Apply a validated contacts formset: new and changed contacts saved, removed ones deleted."""
    for form in formset.forms:
        if not form.has_changed() or not form.cleaned_data:
            continue
        contact: CustomerContact = form.instance
        if form.cleaned_data.get("DELETE"):
            if contact.pk:
                history_stamp(contact, actor=actor)
                contact.delete()
            continue
        contact.customer = customer
        audited_save(contact, actor=actor)


def project_code_allocate(*, year: int) -> str:
    """Take the next project code of the year, P-YYYY-NNNN, inside the caller's transaction."""
    return f"P-{year}-{sequence_next(series='project', year=year):04d}"


def _check_project_people(values: dict) -> None:
    _check_role(values.get("project_manager"), Role.PROJECT_MANAGER, "project_manager")
    _check_role(values.get("support_officer"), Role.PM_SUPPORT, "support_officer")
    _check_role(values.get("account_manager"), Role.SALES, "account_manager")


@transaction.atomic
def project_create(
    *,
    actor: User,
    name: str,
    customer: Customer,
    budget: Decimal,
    contract_value: Decimal,
    project_manager: User | None = None,
    support_officer: User | None = None,
    account_manager: User | None = None,
    description: str = "",
    start_date: date | None = None,
    end_date: date | None = None,
    progress_method: str = ProgressMethod.MANUAL,
) -> Project:
    """Create a project in initiation with the next free code of this year."""
    values = dict(
        name=name,
        customer=customer,
        budget=budget,
        contract_value=contract_value,
        description=description,
        project_manager=project_manager,
        support_officer=support_officer,
        account_manager=account_manager,
        start_date=start_date,
        end_date=end_date,
        progress_method=progress_method,
    )
    _check_project_people(values)
    project = Project(**values)
    project.full_clean(exclude=["code"])
    project.code = project_code_allocate(year=timezone.localdate().year)
    audited_save(project, actor=actor)
    return project


@transaction.atomic
def project_update(*, project: Project, actor: User, **values) -> Project:
    """Change a project's administrative fields; the phase moves only through gates."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    changed = [
        field for field in PROJECT_FIELDS if field in values and getattr(locked, field) != values[field]
    ]
    _check_project_people({field: values[field] for field in changed})
    for field in changed:
        setattr(locked, field, values[field])
    if changed:
        audited_save(locked, actor=actor, update_fields=[*changed, "updated_at"])
        locked.refresh_from_db(fields=["level"])
    if "progress_method" in changed:
        project_progress_method_changed(project=locked, actor=actor)
    return locked
