from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.lib.identifiers import clean_vat_for_country, validate_country_code, validate_eu_vat
from pmo.lib.money import MoneyField
from pmo.lib.transitions import Transition, Workflow

# A Level 1 project is at most 250,000 EUR (company rule); Level 2 goes up to 1,000,000 EUR.
LEVEL_1_LIMIT = Decimal("250000.00")
LEVEL_2_LIMIT = Decimal("1000000.00")


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    DUTCH = "nl", _("Dutch")


class Customer(models.Model):
    name = models.CharField(_("name"), max_length=200)
    vat_number = models.CharField(
        _("VAT number"),
        max_length=20,
        blank=True,
        validators=[validate_eu_vat],
        help_text=_("EU VAT number with its country prefix, e.g. BE0403.170.701, FR40303265045"),
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(
        _("country"), max_length=2, default="BE", validators=[validate_country_code], help_text=_("ISO code")
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.DUTCH)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["vat_number"], condition=~Q(vat_number=""), name="unique_customer_vat_number"
            )
        ]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:customer-detail", args=[self.pk])

    def clean(self) -> None:
        self.country = self.country.upper()
        clean_vat_for_country(self)

    @property
    def address(self) -> str:
        return ", ".join(part for part in (self.street, f"{self.postal_code} {self.city}".strip()) if part)


class CustomerContact(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=150)
    function = models.CharField(_("function"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.DUTCH)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer contact")
        verbose_name_plural = _("customer contacts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Phase(models.TextChoices):
    INITIATION = "initiation", _("Initiation")
    PLANNING = "planning", _("Planning")
    EXECUTION = "execution", _("Execution")
    CLOSING = "closing", _("Closing")
    HANDED_OVER = "handed_over", _("Handed over")
    ON_HOLD = "on_hold", _("On hold")
    CANCELLED = "cancelled", _("Cancelled")


P = Phase
# The phase moves of a project. Forward moves also pass their gate (projects.gates), which the head of
# project management may override with a reason; the phase-change service applies both.
PHASE_WORKFLOW = Workflow(
    Transition("initiate", source=[P.ON_HOLD], target=P.INITIATION),
    Transition("plan", source=[P.INITIATION, P.ON_HOLD], target=P.PLANNING),
    Transition("execute", source=[P.PLANNING, P.ON_HOLD], target=P.EXECUTION),
    Transition("close", source=[P.EXECUTION, P.ON_HOLD], target=P.CLOSING),
    Transition("hand_over", source=[P.CLOSING], target=P.HANDED_OVER),
    Transition("reopen", source=[P.CLOSING], target=P.EXECUTION),
    Transition("hold", source=[P.INITIATION, P.PLANNING, P.EXECUTION, P.CLOSING], target=P.ON_HOLD),
    Transition("cancel", source=[P.INITIATION, P.PLANNING, P.EXECUTION, P.ON_HOLD], target=P.CANCELLED),
    field="phase",
    refusal=_("A project in %(phase)s cannot move to %(target)s."),
)


class Level(models.IntegerChoices):
    LEVEL_1 = 1, _("Level 1 (up to 250,000 EUR)")
    LEVEL_2 = 2, _("Level 2 (up to 1,000,000 EUR)")
    LEVEL_3 = 3, _("Level 3 (above 1,000,000 EUR)")


class ProgressMethod(models.TextChoices):
    """How the progress of a project's tasks is measured (issue 15)."""

    MANUAL = "manual", _("Entered by hand")
    HOURS = "hours", _("Derived from approved and remaining hours")


class Project(models.Model):
    code = models.CharField(_("code"), max_length=12, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="projects", verbose_name=_("customer")
    )
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_projects",
        verbose_name=_("project manager"),
    )
    support_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supported_projects",
        verbose_name=_("PM support officer"),
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sold_projects",
        verbose_name=_("account manager (sales)"),
    )
    contract_value = MoneyField(_("contract value"))
    budget = MoneyField(_("budget"))
    level = models.GeneratedField(
        expression=Case(
            When(budget__lte=LEVEL_1_LIMIT, then=Value(1)),
            When(budget__lte=LEVEL_2_LIMIT, then=Value(2)),
            default=Value(3),
        ),
        output_field=models.PositiveSmallIntegerField(choices=Level.choices),
        db_persist=True,
        verbose_name=_("level"),
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.INITIATION)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    progress_method = models.CharField(
        _("task progress"),
        max_length=10,
        choices=ProgressMethod.choices,
        default=ProgressMethod.MANUAL,
        help_text=_(
            "Derived: each task's progress is its approved hours divided by approved plus remaining hours."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["level"])
    workflow = PHASE_WORKFLOW

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-code"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="project_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(contract_value__gte=0), name="project_contract_value_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["phase"]),
            models.Index(fields=["project_manager", "phase"]),
            models.Index(fields=["customer"]),
            models.Index(fields=["name"]),
            # Filters by project code ignore case (code__iexact: UPPER(code) = UPPER(...)), the unique
            # index on code cannot serve them: orders, requisitions and tenders filtered by project.
            models.Index(Upper("code"), name="project_code_upper_idx"),
            # The dashboards' projects missing last week's update, soonest end first: walked in this order
            # until ten are found instead of joining and sorting 15,000 of them at scale XL.
            models.Index(fields=["end_date", "code"], name="project_end_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("projects:project-detail", args=[self.pk])

    @property
    def has_derived_progress(self) -> bool:
        return self.progress_method == ProgressMethod.HOURS

    @property
    def is_before_execution(self) -> bool:
        """Initiation and planning: the time to read the lessons of earlier projects."""
        return self.phase in (Phase.INITIATION, Phase.PLANNING)

    @property
    def margin(self) -> Decimal:
        return self.contract_value - self.budget

    @property
    def is_active(self) -> bool:
        return self.phase not in (Phase.HANDED_OVER, Phase.CANCELLED)
