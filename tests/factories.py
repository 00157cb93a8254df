"""factory-boy factories for every model; tests build their data here."""

from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from pmo.models import User
from pmo.roles import Role
from projects.models import Customer, CustomerContact, Phase, Project


def belgian_vat_number(seed: int) -> str:
    """A valid Belgian VAT number: BE0 + 7 digits + the mod-97 check on the first 8 digits."""
    number = seed % 10_000_000
    return f"BE0{number:07d}{97 - number % 97:02d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    display_name = factory.Faker("name")
    preferred_language = "en"
    password = factory.django.Password("demo-password")

    @factory.post_generation
    def roles(self, create: bool, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))
            self.__dict__.pop("roles", None)


def user_with_role(role: str, **kwargs) -> User:
    return UserFactory(roles=[role], **kwargs)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n} NV")
    vat_number = factory.Sequence(lambda n: belgian_vat_number(1_000_000 + n * 131))
    street = "Rue de la Loi 16"
    postal_code = "1000"
    city = "Brussel"
    language = "nl"


class CustomerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerContact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@customer.example")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    # 1999 is a year the application never allocates, so factory codes cannot collide with real ones.
    code = factory.Sequence(lambda n: f"P-1999-{n:04d}")
    name = factory.Sequence(lambda n: f"Project {n}")
    customer = factory.SubFactory(CustomerFactory)
    project_manager = factory.LazyFunction(lambda: user_with_role(Role.PROJECT_MANAGER))
    contract_value = Decimal("120000.00")
    budget = Decimal("100000.00")
    phase = Phase.INITIATION


# Intake, documents and plan (issue 3).
import datetime as _datetime  # noqa: E402

from projects.models import (  # noqa: E402
    Assignment,
    Intake,
    IntakeTemplate,
    Resource,
    Task,
    TaskKind,
)


def intake_template(code: str = "network-installation") -> IntakeTemplate:
    """One of the shipped templates (a transactional test flushed the migration's rows: reinstall)."""
    template = IntakeTemplate.objects.filter(code=code).first()
    if template is None:
        from projects.services.intake import intake_templates_install

        intake_templates_install()
        template = IntakeTemplate.objects.get(code=code)
    return template


class IntakeFactory(factory.django.DjangoModelFactory):
    """A complete draft intake for the network-installation template (offer and design not attached)."""

    class Meta:
        model = Intake

    number = factory.Sequence(lambda n: f"INT-1999-{n:05d}")
    template = factory.LazyFunction(intake_template)
    created_by = factory.LazyFunction(lambda: user_with_role(Role.SALES))
    title = factory.Sequence(lambda n: f"Campus network {n}")
    customer = factory.SubFactory(CustomerFactory)
    opportunity_reference = factory.Sequence(lambda n: f"OPP-{100000 + n}")
    scope_summary = "Replace the access and core switches of three buildings."
    in_scope = "Switches, access points, cabling in the server rooms."
    out_of_scope = "Structured cabling to the desks."
    sold_value = Decimal("180000.00")
    cost_estimate = Decimal("140000.00")
    requested_start = _datetime.date(2027, 2, 1)
    requested_end = _datetime.date(2027, 6, 30)
    site_addresses = "Rue de la Loi 16, 1000 Brussel"
    customer_contacts = "Hilde Verstraete, IT manager, hilde@customer.example"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    project = factory.SubFactory(ProjectFactory)
    wbs_code = factory.Sequence(lambda n: str(n + 1))
    name = factory.Sequence(lambda n: f"Task {n}")
    kind = TaskKind.ENGINEERING
    planned_start = _datetime.date(2027, 3, 1)
    planned_end = _datetime.date(2027, 3, 12)
    sort_order = factory.Sequence(lambda n: n)


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    name = factory.Sequence(lambda n: f"Engineer {n}")
    department = "Networks"
    weekly_capacity_hours = Decimal("38.0")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    task = factory.SubFactory(TaskFactory)
    resource = factory.SubFactory(ResourceFactory)
    hours = Decimal("40.0")


# --- procurement (helper "money") ---------------------------------------------------------------
from procurement.models import (  # noqa: E402
    BudgetLine,
    CostCategory,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
)


def cost_category(code: str = "equipment") -> CostCategory:
    """One of the shipped categories (created by procurement migration 0002)."""
    return CostCategory.objects.get(code=code)


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    name = factory.Sequence(lambda n: f"Supplier {n} BV")
    vat_number = factory.Sequence(lambda n: belgian_vat_number(5_000_000 + n * 173))
    iban = "BE71096123456769"
    email = factory.Sequence(lambda n: f"orders{n}@supplier.example")
    city = "Gent"
    language = "nl"


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine
        django_get_or_create = ("project", "category")

    project = factory.SubFactory(ProjectFactory)
    category = factory.LazyFunction(cost_category)
    budget = Decimal("10000.00")
    forecast = Decimal("10000.00")


class PurchaseOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchaseOrder

    number = factory.Sequence(lambda n: f"PO-1999-{n:05d}")
    project = factory.SubFactory(ProjectFactory)
    supplier = factory.SubFactory(SupplierFactory)
    requester = factory.LazyFunction(lambda: user_with_role(Role.PM_SUPPORT))
    title = factory.Sequence(lambda n: f"Order {n}")


class PurchaseOrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchaseOrderLine
        skip_postgeneration_save = True

    order = factory.SubFactory(PurchaseOrderFactory)
    description = factory.Sequence(lambda n: f"Item {n}")
    quantity = Decimal("2.000")
    unit_price = Decimal("100.00")
    budget_line = factory.LazyAttribute(
        lambda line: BudgetLineFactory(project=line.order.project) if line.order.project_id else None
    )

    @factory.post_generation
    def running_totals(self, create: bool, extracted, **kwargs):
        """What the order services do after a change to a line (a test that then updates rows behind
        their back calls budget_totals_repair, as the seed does)."""
        if create:
            from procurement.services.totals import purchase_order_totals_refresh

            purchase_order_totals_refresh(order=self.order)


# Registers (issue 5) ---------------------------------------------------------------------------
from datetime import date  # noqa: E402

from projects.models import Action, ChangeRequest, Decision, Issue, Lesson, Risk  # noqa: E402


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    project = factory.SubFactory(ProjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Risk {n}")
    probability = 3
    impact = 3
    residual_probability = factory.SelfAttribute("probability")
    residual_impact = factory.SelfAttribute("impact")
    owner = factory.SelfAttribute("project.project_manager")


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    project = factory.SubFactory(ProjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Issue {n}")
    owner = factory.SelfAttribute("project.project_manager")


class ChangeRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChangeRequest

    project = factory.SubFactory(ProjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Change {n}")
    requested_by = factory.SelfAttribute("project.project_manager")
    cost_category = "equipment"


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    project = factory.SubFactory(ProjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Decision {n}")
    decided_by = factory.SelfAttribute("project.project_manager")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    project = factory.SubFactory(ProjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SelfAttribute("project.project_manager")
    due_date = factory.LazyFunction(date.today)


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    project = factory.SubFactory(ProjectFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    category = Lesson.Category.PLANNING
    what_happened = "The switches arrived three weeks late."
    recommendation = "Order long-lead equipment at kick-off."


# --- reporting ---------------------------------------------------------------------------------
class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.ProgressUpdate"

    project = factory.SubFactory(ProjectFactory)
    period_start = factory.LazyFunction(lambda: _last_monday())
    period_end = factory.LazyAttribute(lambda update: update.period_start + _days(6))
    author = factory.LazyAttribute(lambda update: update.project.project_manager)
    rag_schedule = "green"
    rag_cost = "green"
    rag_scope = "green"
    rag_quality = "green"
    rag_risk = "amber"
    rag_safety = "green"
    rag_overall = "green"
    done_this_period = "Core switches installed in building A."
    planned_next = "Migrate the first two floors."

    @factory.post_generation
    def mark_latest(update, create, extracted, **kwargs):
        """As progress_update_save does: the project's latest update carries the flag dashboards join."""
        if create:
            from reporting.services import progress_latest_mark

            progress_latest_mark(project_ids=[update.project_id])
            update.refresh_from_db(fields=["is_latest"])


class DistributionRecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reporting.DistributionRecipient"

    project = factory.SubFactory(ProjectFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"board{n}@customer.example")
    language = "nl"
    audience = "customer"


def _days(count: int):
    from datetime import timedelta

    return timedelta(days=count)


def _last_monday():
    from django.utils import timezone

    today = timezone.localdate()
    return today - _days(today.weekday() + 7)


# --- quotations (helper "money") ----------------------------------------------------------------
from projects.models import Quotation, QuotationLine  # noqa: E402


class QuotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quotation

    number = factory.Sequence(lambda n: f"Q-1999-{n:05d}")
    customer = factory.SubFactory(CustomerFactory)
    title = factory.Sequence(lambda n: f"Wi-Fi survey {n}")
    language = "fr"
    valid_until = factory.LazyFunction(
        lambda: __import__("datetime").date.today() + __import__("datetime").timedelta(days=30)
    )
    created_by = factory.LazyFunction(lambda: user_with_role(Role.SALES))


class QuotationLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuotationLine

    quotation = factory.SubFactory(QuotationFactory)
    item = "Access point, installed"
    quantity = Decimal("4")
    unit_cost = Decimal("300.00")
    unit_price = Decimal("450.00")


# --- quality (checklists, reviews, findings, safety, hand-over) ---
from datetime import timedelta  # noqa: E402

from django.utils import timezone  # noqa: E402

from quality import models as quality_models  # noqa: E402


def checklist_template(kind: str = "quality_review") -> "quality_models.ChecklistTemplate":
    """The current shipped template of a kind (installed by the quality data migration)."""
    return (
        quality_models.ChecklistTemplate.objects.filter(kind=kind, is_active=True)
        .order_by("-version")
        .first()
    )


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = quality_models.Review
        skip_postgeneration_save = True

    project = factory.SubFactory(ProjectFactory, phase=Phase.EXECUTION)
    template = factory.LazyFunction(checklist_template)
    reviewer = factory.LazyFunction(lambda: user_with_role(Role.PM_SUPPORT))
    scheduled_for = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def answers(self, create: bool, extracted, **kwargs):
        if create:
            items = quality_models.ChecklistItem.objects.filter(section__template=self.template)
            quality_models.ReviewAnswer.objects.bulk_create(
                quality_models.ReviewAnswer(review=self, item=item) for item in items
            )


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = quality_models.Finding

    number = factory.Sequence(lambda n: f"NC-1999-{n:05d}")
    project = factory.SubFactory(ProjectFactory, phase=Phase.EXECUTION)
    description = "Test reports are not signed."
    severity = "minor"
    reference = "8.6"
    raised_by = factory.LazyFunction(lambda: user_with_role(Role.PM_SUPPORT))


class CorrectiveActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = quality_models.CorrectiveAction

    finding = factory.SubFactory(FindingFactory)
    project = factory.LazyAttribute(lambda action: action.finding.project)
    description = "Sign all test reports before release."
    owner = factory.LazyFunction(lambda: user_with_role(Role.PROJECT_MANAGER))
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))


class SafetyIncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = quality_models.SafetyIncident

    number = factory.Sequence(lambda n: f"SI-1999-{n:04d}")
    project = factory.SubFactory(ProjectFactory, phase=Phase.EXECUTION)
    kind = "near_miss"
    occurred_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    place = "Technical room B2"
    description = "A ladder slipped on a wet floor; nobody was hurt."
    reported_by = factory.LazyFunction(lambda: user_with_role(Role.PROJECT_MANAGER))


class HandoverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = quality_models.Handover

    project = factory.SubFactory(ProjectFactory, phase=Phase.CLOSING)
    smo_owner = factory.LazyFunction(lambda: user_with_role(Role.SMO))
    service_name = factory.Sequence(lambda n: f"Campus network {n}")
    created_by = factory.LazyFunction(lambda: user_with_role(Role.PM_SUPPORT))


def api_key_for(user: User) -> str:
    """A fresh API token (knox) for the user; the key is what a script sends after `Token `."""
    from knox.models import AuthToken

    return AuthToken.objects.create(user=user)[1]
