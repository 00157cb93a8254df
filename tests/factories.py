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
