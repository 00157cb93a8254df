"""Dynamics 365 pull through the Dataverse Web API: opportunities, vendors, purchase orders, actuals.

Incremental by `modifiedon` (a cursor per entity set), paged with `Prefer: odata.maxpagesize` and
`@odata.nextLink`, idempotent: a row equal to the stored one is skipped. Projects are matched first: a
Dynamics project whose name carries one of our project codes (P-2026-0042) is linked to that project, and
the actuals and purchase orders of that Dynamics project land on ours.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from procurement.models import Supplier
from procurement.services.suppliers import supplier_create, supplier_update
from projects.models import Project
from reporting.connectors.http import OAuthToken, RemoteError, RestClient
from reporting.connectors.mapping import mapping_for
from reporting.connectors.runs import RunRecorder
from reporting.models import (
    Connector,
    D365Actual,
    D365Opportunity,
    D365PurchaseOrder,
    D365Vendor,
    RemoteLink,
    SyncCursor,
)

API_PATH = "/api/data/v9.2/"
VENDOR_TABLE = "msdyn_vendors"
SUPPLIER_ENTITY = "suppliers"
FORMATTED = "@OData.Community.Display.V1.FormattedValue"
PROJECT_CODE = re.compile(r"\bP-\d{4}-\d{4,}\b")


@dataclass(frozen=True)
class Entity:
    entity_set: str
    key: str
    model: type | None  # None: the rows only link projects
    defaults: dict[str, str]
    filter: str = ""
    resolves_project: bool = False
    money_fields: tuple[str, ...] = field(default=())
    date_fields: tuple[str, ...] = field(default=())


# Column names from REFERENCE §2 (Dataverse); an administrator overrides them per entity set (FieldMapping).
PROJECTS = Entity("msdyn_projects", "msdyn_projectid", None, {"code": "msdyn_subject"})
ENTITIES = (
    Entity(
        "opportunities",
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
    ),
    Entity(
        "msdyn_vendors",
        "msdyn_vendorid",
        D365Vendor,
        {
            "account_number": "msdyn_vendoraccountnumber",
            "name": "msdyn_name",
            "email": "msdyn_primaryemailaddress",
            "street": "msdyn_addressstreet",
            "postal_code": "msdyn_addresszipcode",
            "city": "msdyn_addresscity",
            "country": "msdyn_addresscountryregionid",
        },
    ),
    Entity(
        "msdyn_purchaseorders",
        "msdyn_purchaseorderid",
        D365PurchaseOrder,
        {
            "number": "msdyn_name",
            "project_reference": "_msdyn_project_value",
            "vendor_name": f"_msdyn_vendor_value{FORMATTED}",
            "status": f"msdyn_purchaseorderstatus{FORMATTED}",
            "approval_status": f"msdyn_documentapprovalstatus{FORMATTED}",
            "amount": "msdyn_totalamount",
            "expected_date": "msdyn_dateexpected",
        },
        resolves_project=True,
        money_fields=("amount",),
        date_fields=("expected_date",),
    ),
    Entity(
        "msdyn_actuals",
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
        },
        # Cost actuals only (192350000 Cost); sales-side actuals are not our spending.
        filter="msdyn_transactiontypecode eq 192350000",
        resolves_project=True,
        money_fields=("amount",),
        date_fields=("document_date",),
    ),
)


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
    client: RestClient, entity: Entity, mapping: dict[str, str], since: datetime | None
) -> Iterator[list[dict]]:
    """Pages of rows changed since the cursor, oldest change first, following `@odata.nextLink`."""
    columns = sorted({entity.key, "modifiedon", *(remote.split("@")[0] for remote in mapping.values())})
    filters = [entity.filter] if entity.filter else []
    if since:
        filters.append(f"modifiedon ge {since.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}")
    params: dict | None = {"$select": ",".join(columns), "$orderby": "modifiedon asc"}
    if filters:
        params["$filter"] = " and ".join(filters)
    url: str | None = settings.DYNAMICS365["ENVIRONMENT_URL"].rstrip("/") + API_PATH + entity.entity_set
    while url:
        body = client.request("GET", url, params=params).json()
        yield body.get("value", [])
        url = body.get("@odata.nextLink")
        params = None  # the next link is followed exactly as given


def _convert(row: dict, mapping: dict[str, str], entity: Entity) -> dict:
    values = {}
    for local, remote in mapping.items():
        value = row.get(remote)
        if local in entity.money_fields:
            value = _money(value)
        elif local in entity.date_fields:
            value = _date(value)
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


def _modified(value) -> datetime | None:
    return parse_datetime(value) if value else None


class DynamicsPull:
    """Link projects, then pull each entity set; one failing entity set does not stop the others."""

    def __init__(self, *, client: RestClient, recorder: RunRecorder, dry_run: bool = False):
        self.client = client
        self.recorder = recorder
        self.dry_run = dry_run
        self.project_links: dict[str, int] = {}

    def run(self) -> None:
        for entity in (PROJECTS, *ENTITIES):
            try:
                self.pull(entity)
            except RemoteError as error:
                self.recorder.fail(entity.entity_set, "", error)

    def pull(self, entity: Entity) -> None:
        mapping = mapping_for(
            connector=Connector.DYNAMICS365, remote_table=entity.entity_set, defaults=entity.defaults
        )
        cursor, _created = SyncCursor.objects.get_or_create(
            connector=Connector.DYNAMICS365, entity=entity.entity_set
        )
        latest = cursor.modified_since
        if entity.resolves_project or entity is PROJECTS:
            self.project_links = dict(
                RemoteLink.objects.filter(
                    connector=Connector.DYNAMICS365, remote_table=PROJECTS.entity_set
                ).values_list("remote_id", "local_id")
            )
        for rows in entity_rows(self.client, entity, mapping, cursor.modified_since):
            if entity is PROJECTS:
                self.link_projects(rows, mapping)
            else:
                self.store(entity, rows, mapping)
            if entity.model is D365Vendor:
                self.match_suppliers([str(row[entity.key]) for row in rows])
            modified = [m for m in (_modified(row.get("modifiedon")) for row in rows) if m]
            if modified:
                latest = max([latest, *modified]) if latest else max(modified)
        if not self.dry_run and latest != cursor.modified_since:
            cursor.modified_since = latest
            cursor.save(update_fields=["modified_since", "updated_at"])

    def link_projects(self, rows: list[dict], mapping: dict[str, str]) -> None:
        codes = {}
        for row in rows:
            match = PROJECT_CODE.search(str(row.get(mapping.get("code", ""), "") or ""))
            if match:
                codes[row[PROJECTS.key]] = match.group()
            else:
                self.recorder.skip(PROJECTS.entity_set)
        ours = dict(Project.objects.filter(code__in=codes.values()).values_list("code", "pk"))
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
        incoming = {}
        for row in rows:
            values = _convert(row, mapping, entity)
            values["modified_on"] = _modified(row.get("modifiedon"))
            values["raw"] = row
            if entity.resolves_project:
                values["project_id"] = self.project_links.get(values.get("project_reference") or "")
            incoming[str(row[entity.key])] = values
        existing = {obj.remote_id: obj for obj in entity.model.objects.filter(remote_id__in=incoming)}
        new, changed, now = [], [], timezone.now()
        for remote_id, values in incoming.items():
            obj = existing.get(remote_id)
            if obj is None:
                new.append(entity.model(remote_id=remote_id, pulled_at=now, **values))
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
        entity.model.objects.bulk_create(new)
        if changed:
            entity.model.objects.bulk_update(changed, [*incoming[changed[0].remote_id].keys(), "pulled_at"])
        self.recorder.count(entity.entity_set, "created", len(new))
        self.recorder.count(entity.entity_set, "updated", len(changed))

    def match_suppliers(self, remote_ids: list[str]) -> None:
        """Vendors become our suppliers: linked by name the first time, created when unknown, then kept."""
        vendors = D365Vendor.objects.filter(remote_id__in=remote_ids) if not self.dry_run else []
        links = dict(
            RemoteLink.objects.filter(
                connector=Connector.DYNAMICS365, remote_table=VENDOR_TABLE, remote_id__in=remote_ids
            ).values_list("remote_id", "local_id")
        )
        suppliers = {supplier.pk: supplier for supplier in Supplier.objects.filter(pk__in=links.values())}
        by_name = {
            supplier.name.casefold(): supplier
            for supplier in Supplier.objects.filter(name__in=[vendor.name for vendor in vendors])
        }
        for vendor in vendors:
            supplier = suppliers.get(links.get(vendor.remote_id)) or by_name.get(vendor.name.casefold())
            try:
                self._supplier_upsert(vendor, supplier, linked=vendor.remote_id in links)
            except ValidationError as error:
                self.recorder.fail(SUPPLIER_ENTITY, vendor.name, ValueError("; ".join(error.messages)))

    @transaction.atomic
    def _supplier_upsert(self, vendor: D365Vendor, supplier: Supplier | None, *, linked: bool) -> None:
        values = {
            "name": vendor.name[:200],
            "email": vendor.email,
            "street": vendor.street,
            "postal_code": vendor.postal_code[:10],
            "city": vendor.city,
        }
        if len(vendor.country) == 2:
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
                remote_table=VENDOR_TABLE,
                remote_id=vendor.remote_id,
                defaults={"local_model": "procurement.supplier", "local_id": supplier.pk},
            )

    def _plan(self, entity: Entity, action: str, remote_id: str) -> None:
        if self.dry_run:
            self.recorder.would(entity.entity_set, action, remote_id)
