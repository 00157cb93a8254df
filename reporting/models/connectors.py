"""The ServiceNow and Dynamics 365 connectors: runs, failures, correlations, cursors, mappings, rows."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pmo.lib.jobs import Job, JobStates
from pmo.lib.money import MoneyField
from projects.models import Project

__all__ = [
    "Connector",
    "D365Actual",
    "D365Opportunity",
    "D365PurchaseOrder",
    "D365TimeEntry",
    "D365Vendor",
    "FieldMapping",
    "RemoteLink",
    "SyncCursor",
    "SyncFailure",
    "SyncRun",
]


class Connector(models.TextChoices):
    SERVICENOW = "servicenow", _("ServiceNow")
    DYNAMICS365 = "dynamics365", _("Dynamics 365")


class SyncRun(Job):
    """One run of a connector, as a job row: queued → running → succeeded | partial | failed.

    Claimed, kept alive, finished, failed, re-queued when its worker died and retried through
    `pmo.lib.jobs.Job`.
    """

    class Direction(models.TextChoices):
        PUSH = "push", _("Push")
        PULL = "pull", _("Pull")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        PARTIAL = "partial", _("Succeeded with failures")
        FAILED = "failed", _("Failed")

    FINAL = frozenset({Status.SUCCEEDED, Status.PARTIAL, Status.FAILED})
    states = JobStates(
        queued=Status.QUEUED, running=Status.RUNNING, done=Status.SUCCEEDED, failed=Status.FAILED
    )
    # The connector task's hard time limit (reporting.connector_tasks.CONNECTOR_TASK_OPTIONS).
    max_runtime = timedelta(seconds=1800)

    connector = models.CharField(_("connector"), max_length=20, choices=Connector.choices)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    is_dry_run = models.BooleanField(_("dry run"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    # What a dry run would have done, and per-entity counts: {"pm_project": {"created": 2, ...}}.
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("synchronisation run")
        verbose_name_plural = _("synchronisation runs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["connector", "-created_at"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_connector_display()} {self.get_direction_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:sync-run-detail", args=[self.pk])

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL

    @classmethod
    def on_requeued(cls, pks: list[int]) -> None:
        """Send the runs whose worker died to a worker again."""
        from reporting.connector_tasks import sync_run_task

        for pk in pks:
            sync_run_task.delay(pk)

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class SyncFailure(models.Model):
    """One record a run could not sync, with the remote system's own error message."""

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="failures", verbose_name=_("run"))
    entity = models.CharField(_("entity"), max_length=60)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("synchronisation failure")
        verbose_name_plural = _("synchronisation failures")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.entity} {self.reference}: {self.message[:60]}"


class RemoteLink(models.Model):
    """Our record ↔ the remote record: the correlation that makes a push an upsert, never a duplicate."""

    connector = models.CharField(_("connector"), max_length=20, choices=Connector.choices)
    remote_table = models.CharField(_("remote table"), max_length=80)
    remote_id = models.CharField(_("remote id"), max_length=64)
    local_model = models.CharField(_("local model"), max_length=60)  # "projects.project"
    local_id = models.PositiveBigIntegerField(_("local id"))
    # A hash of what we last sent: an unchanged record is skipped, not sent again.
    payload_hash = models.CharField(_("payload hash"), max_length=64, blank=True)
    synced_at = models.DateTimeField(_("synced at"), auto_now=True)
    # Who mapped a Dynamics 365 record to one of ours (the unmatched time entries screen), and when.
    history = HistoricalRecords(excluded_fields=["payload_hash", "synced_at"])

    class Meta:
        verbose_name = _("remote link")
        verbose_name_plural = _("remote links")
        constraints = [
            models.UniqueConstraint(
                fields=["connector", "remote_table", "local_model", "local_id"],
                name="unique_remote_link_local",
            ),
            models.UniqueConstraint(
                fields=["connector", "remote_table", "remote_id"], name="unique_remote_link_remote"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_model}#{self.local_id} → {self.remote_table}/{self.remote_id}"


class SyncCursor(models.Model):
    """The high-water mark of an incremental pull: the last remote modification date we have."""

    connector = models.CharField(_("connector"), max_length=20, choices=Connector.choices)
    entity = models.CharField(_("entity"), max_length=80)
    modified_since = models.DateTimeField(_("modified since"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("synchronisation cursor")
        verbose_name_plural = _("synchronisation cursors")
        constraints = [models.UniqueConstraint(fields=["connector", "entity"], name="unique_sync_cursor")]

    def __str__(self) -> str:
        return f"{self.connector}/{self.entity} ≥ {self.modified_since}"


class FieldMapping(models.Model):
    """An administrator's override of one column of the default mapping (see reporting.connectors)."""

    connector = models.CharField(_("connector"), max_length=20, choices=Connector.choices)
    remote_table = models.CharField(_("remote table"), max_length=80)
    local_field = models.CharField(_("local field"), max_length=80)
    remote_field = models.CharField(
        _("remote field"), max_length=80, blank=True, help_text=_("Leave empty to stop sending this field.")
    )

    class Meta:
        verbose_name = _("field mapping")
        verbose_name_plural = _("field mappings")
        ordering = ["connector", "remote_table", "local_field"]
        constraints = [
            models.UniqueConstraint(
                fields=["connector", "remote_table", "local_field"], name="unique_field_mapping"
            )
        ]

    def __str__(self) -> str:
        return f"{self.remote_table}.{self.remote_field or '—'} ← {self.local_field}"


class D365Record(models.Model):
    """What every pulled Dataverse row keeps: its id, its modification date and the row as received."""

    remote_id = models.CharField(_("Dynamics 365 id"), max_length=64, unique=True)
    modified_on = models.DateTimeField(_("modified in Dynamics 365"), null=True, blank=True)
    raw = models.JSONField(_("received row"), default=dict, blank=True)
    pulled_at = models.DateTimeField(_("pulled at"), auto_now=True)

    class Meta:
        abstract = True


class D365Opportunity(D365Record):
    """A sold opportunity from Dynamics 365, offered to sales to pre-fill an intake."""

    name = models.CharField(_("name"), max_length=300)
    account_name = models.CharField(_("account"), max_length=200, blank=True)
    account_id = models.CharField(_("account id"), max_length=64, blank=True)
    estimated_value = MoneyField(_("estimated value"), null=True, blank=True)
    estimated_close_date = models.DateField(_("estimated close date"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=40, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("Dynamics 365 opportunity")
        verbose_name_plural = _("Dynamics 365 opportunities")
        ordering = ["-modified_on", "pk"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class D365Vendor(D365Record):
    """A vendor from Dynamics 365: a dual-write msdyn_vendor, or the account a purchase order points to."""

    class Source(models.TextChoices):
        VENDOR = "msdyn_vendors", _("Vendor (Supply Chain Management)")
        ACCOUNT = "accounts", _("Account")

    source_table = models.CharField(_("table"), max_length=20, choices=Source.choices, default=Source.VENDOR)
    account_number = models.CharField(_("vendor account"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=200)
    email = models.CharField(_("email"), max_length=200, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("Dynamics 365 vendor")
        verbose_name_plural = _("Dynamics 365 vendors")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class D365PurchaseOrder(D365Record):
    """A purchase order raised in Dynamics 365 for one of our projects (msdyn_purchaseorder)."""

    number = models.CharField(_("number"), max_length=40)
    project = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="d365_purchase_orders",
        verbose_name=_("project"),
    )
    project_reference = models.CharField(_("project reference"), max_length=64, blank=True)
    vendor_name = models.CharField(_("vendor"), max_length=200, blank=True)
    # msdyn_vendor is a lookup to account (Field Service entity reference, dual-write map).
    vendor_account_id = models.CharField(_("vendor account id"), max_length=64, blank=True)
    supplier = models.ForeignKey(
        "procurement.Supplier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supplier"),
    )
    status = models.CharField(_("status"), max_length=60, blank=True)
    status_code = models.CharField(_("status code"), max_length=20, blank=True)
    approval_status = models.CharField(_("approval status"), max_length=60, blank=True)
    amount = MoneyField(_("amount"), null=True, blank=True)
    expected_date = models.DateField(_("expected"), null=True, blank=True)

    class Meta:
        verbose_name = _("Dynamics 365 purchase order")
        verbose_name_plural = _("Dynamics 365 purchase orders")
        ordering = ["-modified_on", "pk"]

    def __str__(self) -> str:
        return self.number


class D365Actual(D365Record):
    """A cost actual of a project in Dynamics 365 (msdyn_actual): read-only there, read-only here."""

    project = models.ForeignKey(
        Project,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="d365_actuals",
        verbose_name=_("project"),
    )
    project_reference = models.CharField(_("project reference"), max_length=64, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4, null=True, blank=True)
    # Corrections come back as negative actuals.
    amount = MoneyField(_("amount"), allow_negative=True)
    transaction_type = models.CharField(_("transaction type"), max_length=60, blank=True)
    classification = models.CharField(_("classification"), max_length=60, blank=True)
    # The option value (192350000 Time, …): what the cost category mapping reads, whatever the language.
    classification_code = models.CharField(_("classification code"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("Dynamics 365 actual")
        verbose_name_plural = _("Dynamics 365 actuals")
        ordering = ["-document_date", "pk"]
        indexes = [
            models.Index(fields=["project", "document_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.project_reference} {self.amount}"


class D365TimeEntry(D365Record):
    """A time entry of Dynamics 365 Project Operations (msdyn_timeentry) and what the pull made of it.

    The row as Dynamics has it now, and the time entry of ours that counts it (`entry`, none when the row
    does not count): reporting.connectors.time_entries says which rows count and how they map.
    """

    class Outcome(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        NOT_COUNTED = "not_counted", _("Not counted: not approved work")
        OWN_EXPORT = "own_export", _("Exported from PMO Desk: already counted")
        UNMAPPED = "unmapped", _("Not mapped")
        REFUSED = "refused", _("Refused")
        REMOVED = "removed", _("Deleted in Dynamics 365")

    day = models.DateField(_("day"), null=True, blank=True)
    duration_minutes = models.IntegerField(_("duration (minutes)"), null=True, blank=True)
    entry_status = models.CharField(_("entry status"), max_length=20, blank=True)
    entry_type = models.CharField(_("type"), max_length=20, blank=True)
    resource_reference = models.CharField(_("bookable resource id"), max_length=64, blank=True)
    resource_name = models.CharField(_("bookable resource"), max_length=200, blank=True)
    project_reference = models.CharField(_("project reference"), max_length=64, blank=True)
    project_name = models.CharField(_("Dynamics 365 project"), max_length=200, blank=True)
    task_reference = models.CharField(_("project task id"), max_length=64, blank=True)
    task_name = models.CharField(_("project task"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    external_description = models.CharField(_("external comments"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    problem = models.CharField(_("problem"), max_length=300, blank=True)
    entry = models.ForeignKey(
        "projects.TimesheetEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("time entry"),
    )
    # A row that names no resource or no task in Dynamics has no remote record to link: an administrator
    # chooses ours for that row alone (reporting.services.time_entry_mapping.time_entry_row_map). The pull
    # writes only the Dynamics columns, so the choice stays when the row changes there.
    chosen_resource = models.ForeignKey(
        "projects.Resource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resource chosen in PMO Desk"),
    )
    chosen_task = models.ForeignKey(
        "projects.Task",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("task chosen in PMO Desk"),
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chosen by"),
    )

    class Meta:
        verbose_name = _("Dynamics 365 time entry")
        verbose_name_plural = _("Dynamics 365 time entries")
        ordering = ["-day", "pk"]
        indexes = [models.Index(fields=["outcome"])]

    def __str__(self) -> str:
        return f"{self.resource_name} {self.day} {self.duration_minutes} min"
