"""Dynamics 365 pull through the Dataverse Web API: opportunities, vendors, purchase orders, actuals,
and (settings.DYNAMICS365["TIME_ENTRIES"]) approved time entries (reporting.connectors.time_entries).

Incremental by `modifiedon` (a cursor per entity set), paged with `Prefer: odata.maxpagesize` and
`@odata.nextLink`, idempotent: a row equal to the stored one is skipped. Projects are matched first: a
Dynamics project whose name carries one of our project codes (P-2026-0042) is linked to that project, and
the actuals and purchase orders of that Dynamics project land on ours.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from procurement.selectors.orders import suppliers_by_pk, suppliers_named
from procurement.services.suppliers import supplier_create, supplier_update
from projects.selectors.portfolio import project_ids_by_code
from reporting.connectors.http import MappingRefused, OAuthToken, RemoteError, RestClient
from reporting.connectors.mapping import mapping_for
from reporting.connectors.runs import RunRecorder
from reporting.connectors.time_entries import TimeEntryImport, project_links
from reporting.models import (
    Connector,
    D365Actual,
    D365Opportunity,
    D365PurchaseOrder,
    D365TimeEntry,
    D365Vendor,
    RemoteLink,
    SyncCursor,
)
from reporting.models.connectors import D365Record

if TYPE_CHECKING:
    from procurement.models import Supplier

API_PATH = "/api/data/v9.2/"
SUPPLIER_ENTITY = "suppliers"
FORMATTED = "@OData.Community.Display.V1.FormattedValue"
PROJECT_CODE = re.compile(r"\bP-\d{4}-\d{4,}\b")
# Editions (settings.DYNAMICS365["EDITION"]): which apps, hence which tables, the environment has.
PROJECT_OPERATIONS, SUPPLY_CHAIN, FIELD_SERVICE = "project_operations", "supply_chain", "field_service"
EDITIONS = frozenset({PROJECT_OPERATIONS, SUPPLY_CHAIN, FIELD_SERVICE})
ACCOUNT_FILTER_CHUNK = 40  # account ids per $filter (…or…): keeps the URL short


@dataclass(frozen=True)
class Entity:
    entity_set: str
    logical_name: str  # for EntityDefinitions(LogicalName='…')
    key: str
    model: type[D365Record] | None  # None: the rows only link projects
    defaults: dict[str, str]
    filter: str = ""
    filter_columns: tuple[str, ...] = ()
    resolves_project: bool = False
    money_fields: tuple[str, ...] = field(default=())
    date_fields: tuple[str, ...] = field(default=())
    # DateOnly columns with the UserLocal behaviour come as the UTC instant of the user's midnight
    # (2026-11-15T23:00:00Z for the 16th in Brussels): read as the date in our time zone.
    local_date_fields: tuple[str, ...] = field(default=())
    integer_fields: tuple[str, ...] = field(default=())


# Default columns per entity set; reporting/connectors/README.md cites the entity reference of each.
# An administrator overrides them per entity set (FieldMapping); every run checks them against the
# environment's metadata before it stores anything.
PROJECTS = Entity("msdyn_projects", "msdyn_project", "msdyn_projectid", None, {"code": "msdyn_subject"})
OPPORTUNITIES = Entity(
    "opportunities",
    "opportunity",
    "opportunityid",
    D365Opportunity,
    {
        "name": "name",
        "account_id": "_parentaccountid_value",
        "account_name": f"_parentaccountid_value{FORMATTED}",
        "estimated_value": "estimatedvalue",
        "estimated_close_date": "estimatedclosedate",
        "state": f"statecode{FORMATTED}",
        "description": "description",
    },
    money_fields=("estimated_value",),
    date_fields=("estimated_close_date",),
)
# The dual-write vendor (VendorsV2 → msdyn_vendors): the country as ISO 3166 alpha-2, not the F&O code.
VENDORS = Entity(
    "msdyn_vendors",
    "msdyn_vendor",
    "msdyn_vendorid",
    D365Vendor,
    {
        "account_number": "msdyn_vendoraccountnumber",
        "name": "msdyn_name",
        "email": "msdyn_primaryemailaddress",
        "street": "msdyn_addressstreet",
        "postal_code": "msdyn_addresszipcode",
        "city": "msdyn_addresscity",
        "country": "msdyn_addresscountryregionisocode",
    },
)
# A purchase order's msdyn_vendor is an account: read for the vendors the orders point to.
ACCOUNTS = Entity(
    "accounts",
    "account",
    "accountid",
    D365Vendor,
    {
        "account_number": "accountnumber",
        "name": "name",
        "email": "emailaddress1",
        "street": "address1_line1",
        "postal_code": "address1_postalcode",
        "city": "address1_city",
        "country": "address1_country",  # free text: used only when it is a two-letter code
    },
)
PURCHASE_ORDER_COLUMNS = {
    "number": "msdyn_name",
    "vendor_account_id": "_msdyn_vendor_value",
    "vendor_name": f"_msdyn_vendor_value{FORMATTED}",
    "amount": "msdyn_totalamount",
    "expected_date": "msdyn_dateexpected",
    # No project column is documented on msdyn_purchaseorder: map `project_reference` to the
    # environment's own lookup (e.g. _new_project_value) or put our project code in the order's name.
}
# Field Service alone: system status and approval status (msdyn_purchaseorder entity reference).
FIELD_SERVICE_PO_STATUS = {
    "status": f"msdyn_systemstatus{FORMATTED}",
    "status_code": "msdyn_systemstatus",
    "approval_status": f"msdyn_approvalstatus{FORMATTED}",
}
# With Supply Chain Management: the statuses the dual-write map (PurchaseOrderHeadersV2) keeps in sync.
SUPPLY_CHAIN_PO_STATUS = {
    "status": f"msdyn_purchaseorderstatus{FORMATTED}",
    "status_code": "msdyn_purchaseorderstatus",
    "approval_status": f"msdyn_documentapprovalstatus{FORMATTED}",
}
ACTUALS = Entity(
    "msdyn_actuals",
    "msdyn_actual",
    "msdyn_actualid",
    D365Actual,
    {
        "project_reference": "_msdyn_project_value",
        "description": "msdyn_description",
        "document_date": "msdyn_documentdate",
        "quantity": "msdyn_quantity",
        "amount": "msdyn_amount",
        "transaction_type": f"msdyn_transactiontypecode{FORMATTED}",
        "classification": f"msdyn_transactionclassification{FORMATTED}",
        "classification_code": "msdyn_transactionclassification",
    },
    # Cost actuals only (192350000 Cost); sales-side actuals are not our spending.
    filter="msdyn_transactiontypecode eq 192350000",
    filter_columns=("msdyn_transactiontypecode",),
    resolves_project=True,
    money_fields=("amount",),
    date_fields=("document_date",),
)

# msdyn_timeentry (reporting.connectors.time_entries cites the entity reference of each column). No
# $filter on the status: a row that leaves Approved must be read to reverse what it counted.
TIME_ENTRIES = Entity(
    "msdyn_timeentries",
    "msdyn_timeentry",
    "msdyn_timeentryid",
    D365TimeEntry,
    {
        "day": "msdyn_date",
        "duration_minutes": "msdyn_duration",
        "entry_status": "msdyn_entrystatus",
        "entry_type": "msdyn_type",
        "resource_reference": "_msdyn_bookableresource_value",
        "resource_name": f"_msdyn_bookableresource_value{FORMATTED}",
        "project_reference": "_msdyn_project_value",
        "project_name": f"_msdyn_project_value{FORMATTED}",
        "task_reference": "_msdyn_projecttask_value",
        "task_name": f"_msdyn_projecttask_value{FORMATTED}",
        "description": "msdyn_description",
        "external_description": "msdyn_externaldescription",
    },
    local_date_fields=("day",),
    integer_fields=("duration_minutes",),
)


def edition() -> frozenset[str]:
    configured = frozenset(part.strip() for part in settings.DYNAMICS365.get("EDITION", []) if part.strip())
    unknown = configured - EDITIONS
    if unknown:
        raise RemoteError(
            f"D365_EDITION: unknown {', '.join(sorted(unknown))} (use {', '.join(sorted(EDITIONS))})."
        )
    return configured


def purchase_orders_entity(apps: frozenset[str]) -> Entity:
    status = SUPPLY_CHAIN_PO_STATUS if SUPPLY_CHAIN in apps else FIELD_SERVICE_PO_STATUS
    return Entity(
        "msdyn_purchaseorders",
        "msdyn_purchaseorder",
        "msdyn_purchaseorderid",
        D365PurchaseOrder,
        PURCHASE_ORDER_COLUMNS | status,
        resolves_project=True,
        money_fields=("amount",),
        date_fields=("expected_date",),
    )


def entities_for(apps: frozenset[str]) -> list[Entity]:
    """The entity sets this environment has, in pull order (projects first, to link the rest)."""
    chosen = []
    if PROJECT_OPERATIONS in apps:
        chosen += [PROJECTS, OPPORTUNITIES]
    if SUPPLY_CHAIN in apps:
        chosen.append(VENDORS)
    if SUPPLY_CHAIN in apps or FIELD_SERVICE in apps:
        chosen.append(purchase_orders_entity(apps))
    if PROJECT_OPERATIONS in apps:
        chosen.append(ACTUALS)
        if settings.DYNAMICS365.get("TIME_ENTRIES"):
            chosen.append(TIME_ENTRIES)
    return chosen


def dynamics_client(*, sleep=None) -> RestClient:
    """A Web API client configured from settings.DYNAMICS365, with an OAuth client-credentials token."""
    config = settings.DYNAMICS365
    if not config["ENVIRONMENT_URL"]:
        raise RemoteError("Dynamics 365 is not configured (D365_ENVIRONMENT_URL is empty).")
    environment = config["ENVIRONMENT_URL"].rstrip("/")
    token_url = config["TOKEN_URL"] or (
        f"https://login.microsoftonline.com/{config['TENANT_ID']}/oauth2/v2.0/token"
    )
    auth = OAuthToken(
        token_url=token_url,
        form={
            "grant_type": "client_credentials",
            "client_id": config["CLIENT_ID"],
            "client_secret": config["CLIENT_SECRET"],
            "scope": f"{environment}/.default",
        },
        cache_key=f"connector:dynamics365:token:{config['CLIENT_ID'][:36]}",
    )
    extra = {"sleep": sleep} if sleep else {}
    return RestClient(
        auth=auth,
        timeout=config["TIMEOUT"],
        max_retries=config["MAX_RETRIES"],
        headers={
            "Accept": "application/json",
            "OData-MaxVersion": "4.0",
            "OData-Version": "4.0",
            "If-None-Match": "null",
            "Prefer": f'odata.maxpagesize={config["PAGE_SIZE"]}, odata.include-annotations="{FORMATTED[1:]}"',
        },
        **extra,
    )


def entity_rows(
    client: RestClient,
    entity: Entity,
    mapping: dict[str, str],
    since: datetime | None,
    *,
    condition: str = "",
) -> Iterator[list[dict]]:
    """Pages of rows changed since the cursor, oldest change first, following `@odata.nextLink`."""
    columns = sorted({entity.key, "modifiedon", *(remote.split("@")[0] for remote in mapping.values())})
    filters = [entity.filter] if entity.filter else []
    if condition:
        filters.append(condition)
    if since:
        filters.append(f"modifiedon ge {since.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}")
    params: dict[str, str] = {"$select": ",".join(columns), "$orderby": "modifiedon asc"}
    if filters:
        params["$filter"] = " and ".join(filters)
    page_params: dict[str, str] | None = params
    url: str | None = settings.DYNAMICS365["ENVIRONMENT_URL"].rstrip("/") + API_PATH + entity.entity_set
    while url:
        body = client.request("GET", url, params=page_params).json()
        yield body.get("value", [])
        url = body.get("@odata.nextLink")
        page_params = None  # the next link is followed exactly as given


def _convert(row: dict, mapping: dict[str, str], entity: Entity) -> dict:
    values = {}
    for local, remote in mapping.items():
        value = row.get(remote)
        if local in entity.money_fields:
            value = _money(value)
        elif local in entity.date_fields:
            value = _date(value)
        elif local in entity.local_date_fields:
            value = _local_date(value)
        elif local in entity.integer_fields:
            value = None if value is None or value == "" else int(value)
        elif local == "quantity":
            value = None if value is None else Decimal(str(value))
        else:
            value = "" if value is None else str(value)
        values[local] = value
    return values


def _money(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _date(value) -> date | None:
    if not value:
        return None
    return parse_date(str(value)[:10])


def _local_date(value) -> date | None:
    if not value:
        return None
    text = str(value)
    instant = parse_datetime(text) if len(text) > 10 else None
    if instant is None:
        return parse_date(text[:10])
    return timezone.localtime(instant).date() if timezone.is_aware(instant) else instant.date()


def _modified(value) -> datetime | None:
    return parse_datetime(value) if value else None


def _attribute_of(remote: str) -> tuple[str, bool]:
    """`_msdyn_vendor_value@…FormattedValue` → ("msdyn_vendor", True): the attribute and whether a lookup."""
    name = remote.split("@")[0]
    if name.startswith("_") and name.endswith("_value"):
        return name[1:-6], True
    return name, False


LOOKUP_TYPES = frozenset({"Lookup", "Customer", "Owner"})


class DynamicsPull:
    """Check the mapping, link projects, then pull each entity set; a failing set does not stop the rest."""

    def __init__(self, *, client: RestClient, recorder: RunRecorder, dry_run: bool = False):
        self.client = client
        self.recorder = recorder
        self.dry_run = dry_run
        self.project_links: dict[str, int] = {}
        self.attributes_cache: dict[str, dict[str, str] | None] = {}  # per run: logical name → attributes

    def run(self) -> None:
        apps = edition()
        entities = entities_for(apps)
        mappings = {entity.entity_set: self.mapping(entity) for entity in entities}
        checked = [*entities, ACCOUNTS] if any(e.model is D365PurchaseOrder for e in entities) else entities
        self.verify(checked, {**mappings, ACCOUNTS.entity_set: self.mapping(ACCOUNTS)})
        for entity in entities:
            try:
                self.pull(entity, mappings[entity.entity_set])
            except RemoteError as error:
                self.recorder.fail(entity.entity_set, "", error)

    @staticmethod
    def mapping(entity: Entity) -> dict[str, str]:
        return mapping_for(
            connector=Connector.DYNAMICS365, remote_table=entity.entity_set, defaults=entity.defaults
        )

    def attributes(self, entity: Entity) -> dict[str, str] | None:
        """The table's attributes from EntityDefinitions (None: no such table), read once per run."""
        if entity.logical_name not in self.attributes_cache:
            url = (
                settings.DYNAMICS365["ENVIRONMENT_URL"].rstrip("/")
                + API_PATH
                + f"EntityDefinitions(LogicalName='{entity.logical_name}')/Attributes"
            )
            try:
                body = self.client.request("GET", url, params={"$select": "LogicalName,AttributeType"}).json()
            except RemoteError as error:
                if error.status != 404:
                    raise
                body = None
            self.attributes_cache[entity.logical_name] = (
                None
                if body is None
                else {row["LogicalName"]: row.get("AttributeType", "") for row in body.get("value", [])}
            )
        return self.attributes_cache[entity.logical_name]

    def verify(self, entities: list[Entity], mappings: dict[str, dict[str, str]]) -> None:
        """Refuse the run, naming every unknown table and column, before anything is stored."""
        unknown = []
        for entity in entities:
            attributes = self.attributes(entity)
            if attributes is None:
                unknown.append(entity.entity_set)
                continue
            remotes = {
                entity.key,
                "modifiedon",
                *entity.filter_columns,
                *mappings[entity.entity_set].values(),
            }
            for remote in sorted(remotes):
                name, is_lookup = _attribute_of(remote)
                kind = attributes.get(name)
                if kind is None or (kind in LOOKUP_TYPES) != is_lookup:
                    unknown.append(f"{entity.entity_set}.{remote.split('@')[0]}")
        if unknown:
            raise MappingRefused(sorted(set(unknown)))

    def pull(self, entity: Entity, mapping: dict[str, str]) -> None:
        cursor, _created = SyncCursor.objects.get_or_create(
            connector=Connector.DYNAMICS365, entity=entity.entity_set
        )
        latest = cursor.modified_since
        if entity.resolves_project or entity in (PROJECTS, TIME_ENTRIES):
            self.project_links = project_links()
        time_entries = TimeEntryImport(recorder=self.recorder, project_links=self.project_links)
        seen: set[str] = set()
        for rows in entity_rows(self.client, entity, mapping, cursor.modified_since):
            if entity is PROJECTS:
                self.link_projects(rows, mapping)
            else:
                self.store(entity, rows, mapping)
            if entity is TIME_ENTRIES and not self.dry_run:
                page_ids = [str(row[entity.key]) for row in rows]
                time_entries.reconcile(page_ids)
                seen.update(page_ids)
            if entity.model is D365Vendor:
                self.match_suppliers(entity, [str(row[entity.key]) for row in rows])
            if entity.model is D365PurchaseOrder:
                self.pull_vendor_accounts([str(row[entity.key]) for row in rows])
            modified = [m for m in (_modified(row.get("modifiedon")) for row in rows) if m]
            if modified:
                latest = max([latest, *modified]) if latest else max(modified)
        if entity is TIME_ENTRIES and not self.dry_run:
            time_entries.retry_unmapped(seen=seen)
            time_entries.reverse_deleted(self.existing_time_entries)
        if not self.dry_run and latest != cursor.modified_since:
            cursor.modified_since = latest
            cursor.save(update_fields=["modified_since", "updated_at"])

    def existing_time_entries(self, remote_ids: list[str]) -> set[str]:
        """Which of these msdyn_timeentry ids Dynamics still has (an approved entry deleted there is gone)."""
        condition = " or ".join(f"{TIME_ENTRIES.key} eq {remote_id}" for remote_id in remote_ids)
        found: set[str] = set()
        for rows in entity_rows(self.client, TIME_ENTRIES, {}, None, condition=condition):
            found.update(str(row[TIME_ENTRIES.key]) for row in rows)
        return found

    def pull_vendor_accounts(self, order_ids: list[str]) -> None:
        """The accounts these orders buy from: stored as vendors, matched to suppliers, set on the orders."""
        if self.dry_run:
            return
        orders = list(D365PurchaseOrder.objects.filter(remote_id__in=order_ids).exclude(vendor_account_id=""))
        account_ids = sorted({order.vendor_account_id for order in orders})
        if not account_ids:
            return
        mapping = self.mapping(ACCOUNTS)
        for start in range(0, len(account_ids), ACCOUNT_FILTER_CHUNK):
            chunk = account_ids[start : start + ACCOUNT_FILTER_CHUNK]
            condition = " or ".join(f"accountid eq {account_id}" for account_id in chunk)
            for rows in entity_rows(self.client, ACCOUNTS, mapping, None, condition=condition):
                self.store(ACCOUNTS, rows, mapping)
        self.match_suppliers(ACCOUNTS, account_ids)
        suppliers = dict(
            RemoteLink.objects.filter(
                connector=Connector.DYNAMICS365, remote_table=ACCOUNTS.entity_set, remote_id__in=account_ids
            ).values_list("remote_id", "local_id")
        )
        changed = []
        for order in orders:
            supplier_id = suppliers.get(order.vendor_account_id)
            if order.supplier_id != supplier_id:
                order.supplier_id = supplier_id
                changed.append(order)
        D365PurchaseOrder.objects.bulk_update(changed, ["supplier"])

    def link_projects(self, rows: list[dict], mapping: dict[str, str]) -> None:
        codes = {}
        for row in rows:
            match = PROJECT_CODE.search(str(row.get(mapping.get("code", ""), "") or ""))
            if match:
                codes[row[PROJECTS.key]] = match.group()
            else:
                self.recorder.skip(PROJECTS.entity_set)
        ours = project_ids_by_code(codes=codes.values())
        for remote_id, code in codes.items():
            project_id = ours.get(code)
            if project_id is None or self.project_links.get(remote_id) == project_id:
                self.recorder.skip(PROJECTS.entity_set)
            elif self.dry_run:
                self.recorder.would(PROJECTS.entity_set, "create", f"{code} ↔ {remote_id}")
            else:
                RemoteLink.objects.update_or_create(
                    connector=Connector.DYNAMICS365,
                    remote_table=PROJECTS.entity_set,
                    remote_id=remote_id,
                    defaults={"local_model": "projects.project", "local_id": project_id},
                )
                self.project_links[remote_id] = project_id
                self.recorder.count(PROJECTS.entity_set, "created")

    @transaction.atomic
    def store(self, entity: Entity, rows: list[dict], mapping: dict[str, str]) -> None:
        model = entity.model
        if model is None:  # the projects' rows only link projects (link_projects)
            raise ValueError(f"{entity.entity_set} rows are not stored")
        incoming = {}
        for row in rows:
            values = _convert(row, mapping, entity)
            values["modified_on"] = _modified(row.get("modifiedon"))
            values["raw"] = row
            if entity.resolves_project:
                values["project_id"] = self.project_links.get(values.get("project_reference") or "")
            if entity.model is D365Vendor:
                values["source_table"] = entity.entity_set
            incoming[str(row[entity.key])] = values
        if entity.model is D365PurchaseOrder:
            self._projects_by_code(incoming.values())
        existing = {obj.remote_id: obj for obj in model._default_manager.filter(remote_id__in=incoming)}
        new, changed, now = [], [], timezone.now()
        for remote_id, values in incoming.items():
            obj = existing.get(remote_id)
            if obj is None:
                new.append(model(remote_id=remote_id, pulled_at=now, **values))
                self._plan(entity, "create", remote_id)
            elif any(getattr(obj, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(obj, name, value)
                obj.pulled_at = now
                changed.append(obj)
                self._plan(entity, "update", remote_id)
            else:
                self.recorder.skip(entity.entity_set)
        if self.dry_run:
            return
        model._default_manager.bulk_create(new)
        if changed:
            model._default_manager.bulk_update(changed, [*incoming[changed[0].remote_id].keys(), "pulled_at"])
        self.recorder.count(entity.entity_set, "created", len(new))
        self.recorder.count(entity.entity_set, "updated", len(changed))

    @staticmethod
    def _projects_by_code(orders) -> None:
        """No project column is documented on msdyn_purchaseorder: an order named with our code is ours."""
        wanting = []
        for values in orders:
            match = PROJECT_CODE.search(values.get("number") or "")
            if values.get("project_id") is None and match:
                wanting.append((match.group(), values))
        found = project_ids_by_code(codes={code for code, _ in wanting})
        for code, values in wanting:
            values["project_id"] = found.get(code)

    def match_suppliers(self, entity: Entity, remote_ids: list[str]) -> None:
        """Vendors become our suppliers: linked by name the first time, created when unknown, then kept."""
        vendors = D365Vendor.objects.filter(remote_id__in=remote_ids) if not self.dry_run else []
        links = dict(
            RemoteLink.objects.filter(
                connector=Connector.DYNAMICS365, remote_table=entity.entity_set, remote_id__in=remote_ids
            ).values_list("remote_id", "local_id")
        )
        suppliers = suppliers_by_pk(pks=links.values())
        by_name = {
            supplier.name.casefold(): supplier
            for supplier in suppliers_named(names=[vendor.name for vendor in vendors])
        }
        for vendor in vendors:
            linked_pk = links.get(vendor.remote_id)
            known = suppliers.get(linked_pk) if linked_pk else None
            supplier = known or by_name.get(vendor.name.casefold())
            try:
                self._supplier_upsert(
                    vendor, supplier, linked=vendor.remote_id in links, table=entity.entity_set
                )
            except ValidationError as error:
                self.recorder.fail(SUPPLIER_ENTITY, vendor.name, ValueError("; ".join(error.messages)))

    @transaction.atomic
    def _supplier_upsert(
        self, vendor: D365Vendor, supplier: Supplier | None, *, linked: bool, table: str
    ) -> None:
        values = {
            "name": vendor.name[:200],
            "email": vendor.email,
            "street": vendor.street,
            "postal_code": vendor.postal_code[:10],
            "city": vendor.city,
        }
        # ISO 3166 alpha-2 only: msdyn_addresscountryregionid holds the F&O code (NLD), not the ISO one.
        if len(vendor.country) == 2 and vendor.country.isalpha():
            values["country"] = vendor.country.upper()
        if supplier is None:
            supplier = supplier_create(actor=None, **values)
            self.recorder.count(SUPPLIER_ENTITY, "created")
        elif any(getattr(supplier, name) != value for name, value in values.items() if value):
            supplier_update(supplier=supplier, actor=None, **{k: v for k, v in values.items() if v})
            self.recorder.count(SUPPLIER_ENTITY, "updated")
        else:
            self.recorder.skip(SUPPLIER_ENTITY)
        if not linked:
            RemoteLink.objects.update_or_create(
                connector=Connector.DYNAMICS365,
                remote_table=table,
                remote_id=vendor.remote_id,
                defaults={"local_model": "procurement.supplier", "local_id": supplier.pk},
            )

    def _plan(self, entity: Entity, action: str, remote_id: str) -> None:
        if self.dry_run:
            self.recorder.would(entity.entity_set, action, remote_id)
