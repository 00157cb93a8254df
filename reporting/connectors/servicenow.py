"""ServiceNow push: projects to `pm_project`, progress updates to `project_status`, through the Table API.

Upsert by correlation: a RemoteLink keeps our record ↔ the sys_id ServiceNow gave back. Before creating a
record we look it up by `correlation_id` too, so a run that died after the POST but before saving the link
does not create a duplicate on the next run. A payload equal to the one last sent is skipped.

Safety rules (issue 12), because the Table API silently ignores a query on a column that does not exist:
- before anything is written, every mapped column is checked against `sys_dictionary` (once per run);
  one unknown column and the run refuses, naming each of them;
- a record is updated only when the record ServiceNow returns carries our correlation value (projects) or
  our project's sys_id (status reports, risks, issues): checked on the returned record, not only in the query;
- a lookup that finds more than one record stops that record with a readable failure;
- the link is saved under the database's unique constraints; a clash is a failure, never a crash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from projects.choices import Phase
from projects.selectors.portfolio import project_list_for_export, register_entries_for_export
from reporting.connectors.http import BasicAuth, MappingRefused, OAuthToken, RemoteError, RestClient
from reporting.connectors.mapping import mapping_for
from reporting.connectors.runs import RunRecorder
from reporting.models import Connector, ProgressUpdate, RemoteLink

if TYPE_CHECKING:
    from projects.models import Project

PROJECT_TABLE = "pm_project"
STATUS_TABLE = "project_status"
RISK_TABLE = "risk"
ISSUE_TABLE = "issue"

# Default columns; reporting/connectors/README.md cites the page for each. Every run checks them (and an
# administrator's overrides) against the instance's sys_dictionary before it writes.
DEFAULT_MAPPINGS: dict[str, dict[str, str]] = {
    PROJECT_TABLE: {
        "code": "correlation_id",
        "name": "short_description",
        "description": "description",
        "start_date": "start_date",
        "end_date": "end_date",
        "state": "state",
        "budget": "budget_cost",
    },
    STATUS_TABLE: {
        "project": "project",
        "as_on": "as_on",
        "rag_overall": "overall_health",
        "rag_schedule": "schedule",
        "rag_cost": "cost",
        "rag_scope": "scope",
        # "Comments"/"Executive Summary" are form labels without a documented column: map them once
        # `connector_discover` shows the instance's column (FieldMapping done_this_period → <column>).
    },
    # Pushed only with SERVICENOW_PUSH_REGISTERS=true. Probability and impact are left out by default:
    # ServiceNow's scale (Absolute/High/Moderate/Low) is not our 1-5: map them once discover shows it.
    RISK_TABLE: {
        "project": "task",
        "title": "short_description",
        "description": "description",
        "response": "mitigation_plan",
        "due_date": "due_date",
    },
    ISSUE_TABLE: {
        "project": "parent",
        "title": "short_description",
        "description": "description",
        "resolution": "work_notes",
    },
}
# Our phase → the `state` choice inherited from `task` (-5 Pending, 1 Open, 2 WIP, 3 Closed Complete,
# 4 Closed Incomplete); on hold stays "work in progress" because ServiceNow has no paused state by default.
PHASE_TO_STATE: dict[str, str] = {
    Phase.INITIATION: "-5",
    Phase.PLANNING: "1",
    Phase.EXECUTION: "2",
    Phase.CLOSING: "2",
    Phase.ON_HOLD: "2",
    Phase.HANDED_OVER: "3",
    Phase.CANCELLED: "4",
}
# Inherited columns and choices live on the parents: pm_project extends planned_task, which extends task.
TABLE_FAMILIES = {
    PROJECT_TABLE: "pm_project,planned_task,task",
    STATUS_TABLE: "project_status",
    RISK_TABLE: "risk",
    ISSUE_TABLE: "issue,task",
}
# PRINCE2 amber is ServiceNow's yellow.
RAG_TO_HEALTH = {"green": "green", "amber": "yellow", "red": "red"}


def servicenow_client(*, sleep=None) -> RestClient:
    """A Table API client configured from settings.SERVICENOW (the environment)."""
    config = settings.SERVICENOW
    if not config["INSTANCE_URL"]:
        raise RemoteError("ServiceNow is not configured (SERVICENOW_INSTANCE_URL is empty).")
    extra = {"sleep": sleep} if sleep else {}
    return RestClient(
        auth=_auth(config),
        timeout=config["TIMEOUT"],
        max_retries=config["MAX_RETRIES"],
        headers={"Accept": "application/json", "Content-Type": "application/json"},
        **extra,
    )


def _auth(config: dict):
    grant = config["AUTH"]
    if grant == "basic":
        return BasicAuth(config["USERNAME"], config["PASSWORD"])
    form = {"grant_type": grant, "client_id": config["CLIENT_ID"], "client_secret": config["CLIENT_SECRET"]}
    if grant == "password":
        form |= {"username": config["USERNAME"], "password": config["PASSWORD"]}
    return OAuthToken(
        token_url=_url("/oauth_token.do"),
        form=form,
        cache_key=f"connector:servicenow:token:{hashlib.sha256(config['CLIENT_ID'].encode()).hexdigest()[:12]}",
    )


def _url(path: str) -> str:
    return settings.SERVICENOW["INSTANCE_URL"].rstrip("/") + path


def table_list(client: RestClient, table: str, *, query: str = "", fields: str = "") -> Iterator[dict]:
    """Every row of a query, page by page, following the `Link: rel="next"` header."""
    params: dict[str, object] = {
        "sysparm_query": query,
        "sysparm_limit": settings.SERVICENOW["PAGE_SIZE"],
        "sysparm_exclude_reference_link": "true",
    }
    if fields:
        params["sysparm_fields"] = fields
    url: str | None = _url(f"/api/now/table/{table}")
    page_params: dict[str, object] | None = params
    while url:
        response = client.request("GET", url, params=page_params)
        yield from response.json().get("result", [])
        url = response.links.get("next", {}).get("url")
        page_params = None  # the next link carries every parameter


def _value(field) -> str:
    """A reference comes back as {"link", "value"} unless sysparm_exclude_reference_link=true."""
    if isinstance(field, dict):
        return str(field.get("value", ""))
    return "" if field is None else str(field)


def _find_by_correlation(client: RestClient, table: str, column: str, value: str) -> list[str]:
    """The sys_ids of the records whose column really holds the value (the query alone proves nothing)."""
    query = f"{column}={value}^ORDERBYsys_created_on^ORDERBYsys_id"
    params = {
        "sysparm_query": query,
        "sysparm_fields": f"sys_id,{column}",
        "sysparm_limit": 2,
        "sysparm_exclude_reference_link": "true",
    }
    response = client.request("GET", _url(f"/api/now/table/{table}"), params=params)
    rows = response.json().get("result", [])
    return [_value(row.get("sys_id")) for row in rows if _value(row.get(column)) == value]


class RecordRefused(RemoteError):
    """This record must not be written: it is not ours, or the lookup is ambiguous."""


def _text(value) -> str:
    """ServiceNow stores every value as a string; dates as `YYYY-MM-DD HH:MM:SS` in UTC."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def _payload(values: dict, mapping: dict[str, str]) -> dict[str, str]:
    return {remote: _text(values.get(local)) for local, remote in mapping.items() if local in values}


def _hash(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@dataclass
class Record:
    table: str
    local_model: str
    local_id: int
    reference: str
    payload: dict[str, str]
    correlation: tuple[str, str] | None = None  # (column, value) to find a record created before
    # (column, value) the remote record must carry for us to update it: our correlation or our project.
    owner: tuple[str, str] | None = None


class ServiceNowPush:
    """Push every project and its progress updates; one failing record does not stop the others."""

    def __init__(self, *, client: RestClient, recorder: RunRecorder, dry_run: bool = False):
        self.client = client
        self.recorder = recorder
        self.dry_run = dry_run
        self.links = {
            (link.remote_table, link.local_model, link.local_id): link
            for link in RemoteLink.objects.filter(connector=Connector.SERVICENOW)
        }
        self.columns_cache: dict[str, dict[str, str]] = {}  # sys_dictionary per table, read once per run

    def mappings(self) -> dict[str, dict[str, str]]:
        tables = [PROJECT_TABLE, STATUS_TABLE]
        if settings.SERVICENOW.get("PUSH_REGISTERS"):
            tables += [RISK_TABLE, ISSUE_TABLE]
        return {
            table: mapping_for(
                connector=Connector.SERVICENOW, remote_table=table, defaults=DEFAULT_MAPPINGS[table]
            )
            for table in tables
        }

    def verify(self, mappings: dict[str, dict[str, str]]) -> None:
        """Refuse the run, naming every unknown column, unless sys_dictionary knows each mapped one."""
        unknown = []
        for table, mapping in mappings.items():
            columns = self.columns_cache.get(table)
            if columns is None:
                columns = self.columns_cache[table] = _columns(self.client, table)
            unknown += [
                f"{table}.{remote}" for remote in sorted(set(mapping.values())) if remote not in columns
            ]
        if unknown:
            raise MappingRefused(unknown)

    def run(self) -> None:
        mappings = self.mappings()
        self.verify(mappings)
        project_mapping, status_mapping = mappings[PROJECT_TABLE], mappings[STATUS_TABLE]
        for project in project_list_for_export().iterator(chunk_size=500):
            self.push(self.project_record(project, project_mapping))
        updates = ProgressUpdate.objects.select_related("project").order_by("pk")
        for update in updates.iterator(chunk_size=500):
            project_sys_id = self.remote_id(PROJECT_TABLE, "projects.project", update.project_id)
            if project_sys_id is None:
                self.recorder.skip(STATUS_TABLE)  # its project failed to push; it goes next run
                continue
            self.push(self.status_record(update, project_sys_id, status_mapping))
        if settings.SERVICENOW.get("PUSH_REGISTERS"):
            self.push_registers(mappings)

    def push_registers(self, mappings: dict[str, dict[str, str]]) -> None:
        """Risks to `risk` and issues to `issue`, each linked to its project's sys_id."""
        for table, kind in ((RISK_TABLE, "risk"), (ISSUE_TABLE, "issue")):
            mapping = mappings[table]
            for entry in register_entries_for_export(kind=kind).iterator(chunk_size=500):
                project_sys_id = self.remote_id(PROJECT_TABLE, "projects.project", entry.project_id)
                if project_sys_id is None:
                    self.recorder.skip(table)
                    continue
                self.push(self.register_record(table, entry, project_sys_id, mapping))

    def register_record(self, table: str, entry, project_sys_id: str, mapping: dict[str, str]) -> Record:
        if table == RISK_TABLE:
            description = "\n".join(part for part in (entry.cause, entry.event, entry.effect) if part)
            values = {"response": entry.response, "due_date": entry.review_date}
        else:
            description = entry.description
            values = {"resolution": entry.resolution}
        values |= {"project": project_sys_id, "title": entry.title, "description": description}
        reference = f"{entry.project.code} {table} {entry.number}"
        local_model = f"projects.{type(entry).__name__.lower()}"
        return Record(
            table, local_model, entry.pk, reference, _payload(values, mapping), owner=_owner(mapping, values)
        )

    def project_record(self, project: Project, mapping: dict[str, str]) -> Record:
        values = {
            "code": project.code,
            "name": project.name,
            "description": project.description,
            "start_date": project.start_date,
            "end_date": project.end_date,
            "state": PHASE_TO_STATE[project.phase],
            "phase": project.get_phase_display(),
            "budget": project.budget,
            "contract_value": project.contract_value,
        }
        correlation = (mapping["code"], project.code) if "code" in mapping else None
        return Record(
            PROJECT_TABLE,
            "projects.project",
            project.pk,
            project.code,
            _payload(values, mapping),
            correlation,
            owner=correlation,
        )

    def status_record(self, update: ProgressUpdate, project_sys_id: str, mapping: dict[str, str]) -> Record:
        values = {
            "project": project_sys_id,
            "as_on": update.period_end,
            "done_this_period": update.done_this_period,
            "planned_next": update.planned_next,
            "decisions_needed": update.decisions_needed,
        }
        for dimension in ("overall", "schedule", "cost", "scope", "quality", "risk", "safety"):
            values[f"rag_{dimension}"] = RAG_TO_HEALTH.get(getattr(update, f"rag_{dimension}"), "")
        reference = f"{update.project.code} {update.period_end:%Y-%m-%d}"
        return Record(
            STATUS_TABLE,
            "reporting.progressupdate",
            update.pk,
            reference,
            _payload(values, mapping),
            owner=_owner(mapping, values),
        )

    def remote_id(self, table: str, local_model: str, local_id: int) -> str | None:
        link = self.links.get((table, local_model, local_id))
        return link.remote_id if link else None

    def push(self, record: Record) -> None:
        link = self.links.get((record.table, record.local_model, record.local_id))
        digest = _hash(record.payload)
        if link and link.payload_hash == digest:
            self.recorder.skip(record.table)
            return
        if self.dry_run:
            self.recorder.would(record.table, "update" if link else "create", record.reference)
            return
        try:
            sys_id, created = self._upsert(record, link)
            self._link_save(record, sys_id, digest)
        except RemoteError as error:
            self.recorder.fail(record.table, record.reference, error)
            return
        self.recorder.count(record.table, "created" if created else "updated")

    def _link_save(self, record: Record, sys_id: str, digest: str) -> None:
        """Save the link under the unique constraints; a clash with another record's link is a failure."""
        key = (record.table, record.local_model, record.local_id)
        try:
            with transaction.atomic():
                self.links[key] = RemoteLink.objects.update_or_create(
                    connector=Connector.SERVICENOW,
                    remote_table=record.table,
                    local_model=record.local_model,
                    local_id=record.local_id,
                    defaults={"remote_id": sys_id, "payload_hash": digest},
                )[0]
        except IntegrityError as error:
            other = RemoteLink.objects.filter(
                connector=Connector.SERVICENOW, remote_table=record.table, remote_id=sys_id
            ).first()
            owner = f"{other.local_model} #{other.local_id}" if other else "?"
            raise RecordRefused(
                gettext("%(table)s record %(sys_id)s is already linked to %(owner)s.")
                % {"table": record.table, "sys_id": sys_id, "owner": owner}
            ) from error

    def _read(self, table: str, sys_id: str, fields: str) -> dict | None:
        """One record as ServiceNow returns it; None when it is gone (or an ACL hides it: 404 too)."""
        params = {"sysparm_fields": fields, "sysparm_exclude_reference_link": "true"}
        try:
            response = self.client.request("GET", _url(f"/api/now/table/{table}/{sys_id}"), params=params)
        except RemoteError as error:
            if error.status == 404:
                return None
            raise
        return response.json().get("result") or {}

    def _check_owner(self, record: Record, remote: dict) -> None:
        if record.owner is None:
            return
        column, expected = record.owner
        found = _value(remote.get(column))
        if found != expected:
            raise RecordRefused(
                gettext(
                    "%(table)s record %(sys_id)s is not ours: its %(column)s is “%(found)s”, "
                    "not “%(expected)s”. It was left unchanged."
                )
                % {
                    "table": record.table,
                    "sys_id": _value(remote.get("sys_id")),
                    "column": column,
                    "found": found,
                    "expected": expected,
                }
            )

    def _upsert(self, record: Record, link: RemoteLink | None) -> tuple[str, bool]:
        fields = ",".join(["sys_id", *([record.owner[0]] if record.owner else [])])
        sys_id = link.remote_id if link else None
        if link is not None and sys_id:
            current = self._read(record.table, sys_id, fields)
            if current is None:
                # Deleted (or hidden by an ACL) on the ServiceNow side: create it again.
                RemoteLink.objects.filter(pk=link.pk).delete()
                self.links.pop((record.table, record.local_model, record.local_id), None)
                sys_id = None
            else:
                self._check_owner(record, current)
        if sys_id is None and record.correlation:
            matches = _find_by_correlation(self.client, record.table, *record.correlation)
            if len(matches) > 1:
                column, value = record.correlation
                raise RecordRefused(
                    gettext(
                        "More than one %(table)s record has %(column)s = “%(value)s”: nothing was written. "
                        "Keep one of them in ServiceNow, then run again."
                    )
                    % {"table": record.table, "column": column, "value": value}
                )
            sys_id = matches[0] if matches else None
        if sys_id:
            response = self.client.request(
                "PATCH",
                _url(f"/api/now/table/{record.table}/{sys_id}"),
                params={"sysparm_exclude_reference_link": "true"},
                json=record.payload,
            )
            self._check_owner(record, response.json().get("result") or {})
            return sys_id, False
        response = self.client.request(
            "POST",
            _url(f"/api/now/table/{record.table}"),
            params={"sysparm_exclude_reference_link": "true"},
            json=record.payload,
        )
        return _value(response.json()["result"]["sys_id"]), True


def _owner(mapping: dict[str, str], values: dict) -> tuple[str, str] | None:
    """Status reports and register entries are ours when they point at our project's record."""
    if "project" not in mapping or not values.get("project"):
        return None
    return mapping["project"], str(values["project"])


def servicenow_discover(*, client: RestClient) -> dict:
    """Check the mapping against the instance's sys_dictionary, and read the choices of mapped columns."""
    report: dict = {}
    for table, defaults in DEFAULT_MAPPINGS.items():
        mapping = mapping_for(connector=Connector.SERVICENOW, remote_table=table, defaults=defaults)
        columns = _columns(client, table)
        missing = sorted(remote for remote in mapping.values() if remote not in columns)
        report[table] = {
            "mapped": mapping,
            "missing": missing,
            "choices": {
                remote: _choices(client, table, remote)
                for remote in mapping.values()
                if columns.get(remote) == "choice" or remote in ("state", "overall_health")
            },
        }
    return report


def _columns(client: RestClient, table: str) -> dict[str, str]:
    rows = table_list(
        client,
        "sys_dictionary",
        query=f"nameIN{TABLE_FAMILIES[table]}^elementISNOTEMPTY",
        fields="name,element,internal_type",
    )
    return {_value(row.get("element")): _value(row.get("internal_type")) for row in rows}


def _choices(client: RestClient, table: str, column: str) -> list[dict]:
    rows = table_list(
        client,
        "sys_choice",
        query=f"nameIN{TABLE_FAMILIES[table]}^element={column}^inactive=false",
        fields="value,label",
    )
    return [{"value": row["value"], "label": row["label"]} for row in rows]
