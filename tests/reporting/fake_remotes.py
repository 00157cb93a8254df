"""Local HTTP servers that behave like the documented ServiceNow Table API and Dataverse Web API.

Strict on purpose: whatever the real service refuses or ignores, the fake refuses or ignores too
(reporting/connectors/README.md lists the pages each behaviour comes from).

ServiceNow (c_TableAPI.md, c_RESTAPI.md, r_RESTAPIHTTPResponseCodes.md, inbound-REST-API-rate-limiting.md):
- every table has a schema (`fake.schema`, with the `extends` chain: pm_project → planned_task → task);
  `sys_dictionary` is answered from it unless a test stores its own rows;
- an unknown column in `sysparm_query` is silently ignored, unknown names in `sysparm_fields` too;
- unknown fields of a POST/PATCH body are dropped, never stored;
- reference fields come back as `{"link", "value"}` unless `sysparm_exclude_reference_link=true`;
- `sysparm_limit` is applied before the ACLs: rows in `fake.hidden` leave a page short (the `Link`
  header still says there is a next page) and answer 404 when read or written directly;
- `fake.denied` holds (method, table) pairs an ACL refuses with 403;
- a write without `Content-Type: application/json` is refused (400 missing, 415 another type);
- an unknown table is a 400; scripted answers (429 + Retry-After, 5xx) come from `fail_next`.

Dataverse (webapi/compose-http-requests-handle-errors.md, query/select-columns.md, query/page-results.md,
query-metadata-web-api.md, api-limits.md):
- every entity set has metadata (`fake.metadata`); `$select` and `$filter` are checked against it
  whether or not the table has rows; a lookup is read only as `_<name>_value`;
- `EntityDefinitions(LogicalName='…')/Attributes` answers from the same metadata;
- OData error bodies `{"error": {"code", "message"}}`, `@odata.nextLink` paging with maxpagesize;
- msdyn_timeentries rows (`dataverse_time_entry`) as the service returns them: msdyn_duration an integer of
  minutes (never negative: MinValue 0), msdyn_date the UTC instant of the user's local midnight
  (DateOnly/UserLocal), option sets and lookups with their formatted values; a served row whose duration is
  not a whole number is a bug of the test, not something Dataverse could answer (the fake raises).
"""

import base64
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

REF = "reference"

# Columns per declaring table, with the internal type; `reference:<table>` for references.
# Names from the ServiceNow docs and REFERENCE §1.6 (the fake stands for a plain PPM instance).
SERVICENOW_SCHEMA: dict[str, dict] = {
    "task": {
        "extends": None,
        "columns": {
            "sys_id": "GUID",
            "number": "string",
            "short_description": "string",
            "description": "string",
            "state": "integer",
            "active": "boolean",
            "parent": "reference:task",
            "correlation_id": "string",
            "correlation_display": "string",
            "work_notes": "journal_input",
            "comments": "journal_input",
            "assigned_to": "reference:sys_user",
            "sys_created_on": "glide_date_time",
            "sys_updated_on": "glide_date_time",
        },
    },
    "planned_task": {
        "extends": "task",
        "columns": {
            "start_date": "glide_date_time",
            "end_date": "glide_date_time",
            "work_start": "glide_date_time",
            "work_end": "glide_date_time",
            "percent_complete": "decimal",
            "top_task": "reference:planned_task",
        },
    },
    "pm_project": {
        "extends": "planned_task",
        "columns": {
            "budget_cost": "currency",
            "project_manager": "reference:sys_user",
            "phase": "choice",
            "status": "choice",
        },
    },
    "project_status": {
        "extends": None,
        "columns": {
            "sys_id": "GUID",
            "number": "string",
            "project": "reference:pm_project",
            "as_on": "glide_date",
            "overall_health": "choice",
            "schedule": "choice",
            "cost": "choice",
            "scope": "choice",
            "resources": "choice",
            "state": "integer",
            "sys_created_on": "glide_date_time",
        },
    },
    "risk": {
        "extends": None,
        "columns": {
            "sys_id": "GUID",
            "number": "string",
            "task": "reference:task",
            "short_description": "string",
            "description": "string",
            "mitigation_plan": "string",
            "due_date": "glide_date",
            "state": "integer",
            "sys_created_on": "glide_date_time",
        },
    },
    "issue": {"extends": "task", "columns": {}},
    "sys_dictionary": {
        "extends": None,
        "columns": {
            "sys_id": "GUID",
            "name": "string",
            "element": "string",
            "internal_type": "string",
            "reference": "string",
            "sys_created_on": "glide_date_time",
        },
    },
    "sys_choice": {
        "extends": None,
        "columns": {
            "sys_id": "GUID",
            "name": "string",
            "element": "string",
            "value": "string",
            "label": "string",
            "inactive": "boolean",
            "sys_created_on": "glide_date_time",
        },
    },
}


def _attributes(kind: str, names: str) -> dict[str, str]:
    return {name: kind for name in names.split()}


COMMON = (
    _attributes("DateTime", "createdon modifiedon")
    | _attributes("State", "statecode")
    | {
        "statuscode": "Status",
        "transactioncurrencyid": "Lookup",
        "ownerid": "Owner",
    }
)
# Entity set → logical name and attributes, from the entity references cited in the README.
DATAVERSE_METADATA: dict[str, dict] = {
    "msdyn_projects": {
        "logical": "msdyn_project",
        "attributes": COMMON
        | {"msdyn_projectid": "Uniqueidentifier", "msdyn_subject": "String", "msdyn_description": "Memo"}
        | _attributes("Lookup", "msdyn_customer msdyn_projectmanager"),
    },
    "opportunities": {
        "logical": "opportunity",
        "attributes": COMMON
        | {
            "opportunityid": "Uniqueidentifier",
            "name": "String",
            "parentaccountid": "Lookup",
            "estimatedvalue": "Money",
            "estimatedclosedate": "DateTime",
            "description": "Memo",
        },
    },
    "msdyn_vendors": {
        "logical": "msdyn_vendor",
        "attributes": COMMON
        | {"msdyn_vendorid": "Uniqueidentifier"}
        | _attributes(
            "String",
            "msdyn_vendoraccountnumber msdyn_name msdyn_primaryemailaddress msdyn_addressstreet "
            "msdyn_addresszipcode msdyn_addresscity msdyn_addresscountryregionid "
            "msdyn_addresscountryregionisocode",
        ),
    },
    "accounts": {
        "logical": "account",
        "attributes": COMMON
        | {"accountid": "Uniqueidentifier"}
        | _attributes(
            "String",
            "name accountnumber emailaddress1 address1_line1 address1_postalcode address1_city "
            "address1_country",
        ),
    },
    # The Field Service table (msdyn_purchaseorder entity reference).
    "msdyn_purchaseorders": {
        "logical": "msdyn_purchaseorder",
        "attributes": COMMON
        | {
            "msdyn_purchaseorderid": "Uniqueidentifier",
            "msdyn_name": "String",
            "msdyn_vendor": "Lookup",
            "msdyn_workorder": "Lookup",
            "msdyn_systemstatus": "Picklist",
            "msdyn_approvalstatus": "Picklist",
            "msdyn_totalamount": "Money",
            "msdyn_dateexpected": "DateTime",
            "msdyn_purchaseorderdate": "DateTime",
        },
    },
    "msdyn_actuals": {
        "logical": "msdyn_actual",
        "attributes": COMMON
        | {"msdyn_actualid": "Uniqueidentifier", "msdyn_description": "String"}
        | _attributes("Lookup", "msdyn_project msdyn_task msdyn_accountvendor")
        | _attributes("DateTime", "msdyn_documentdate msdyn_accountingdate")
        | _attributes("Decimal", "msdyn_quantity")
        | _attributes("Money", "msdyn_amount")
        | _attributes("Picklist", "msdyn_transactiontypecode msdyn_transactionclassification"),
    },
    # msdyn_timeentry entity reference (Project Service / Project Operations; writable and read attributes).
    "msdyn_timeentries": {
        "logical": "msdyn_timeentry",
        "attributes": COMMON
        | {"msdyn_timeentryid": "Uniqueidentifier", "msdyn_date": "DateTime", "msdyn_duration": "Integer"}
        | _attributes("String", "msdyn_description msdyn_externaldescription msdyn_relateditemid")
        | _attributes(
            "Picklist", "msdyn_entrystatus msdyn_targetentrystatus msdyn_type msdyn_relateditemtype"
        )
        | _attributes(
            "Lookup",
            "msdyn_bookableresource msdyn_project msdyn_projecttask msdyn_manager msdyn_resourcecategory "
            "msdyn_transactioncategory msdyn_resourceorganizationalunitid",
        ),
    },
}
ENTRY_STATUS_LABELS = {
    192350000: "Draft",
    192350001: "Returned",
    192350002: "Approved",
    192350003: "Submitted",
    192350004: "Recall Requested",
}
TIME_TYPE_LABELS = {192350000: "Work", 192350001: "Absence", 192350002: "Vacation"}
FORMATTED_VALUE = "@OData.Community.Display.V1.FormattedValue"


# The Dynamics 365 records of the time entry tests: a project, a bookable resource and a task.
D365_PROJECT = "9b1c0000-0000-0000-0000-0000000000aa"
BOOKABLE = "b0000000-0000-0000-0000-000000000001"
D365_TASK = "7a000000-0000-0000-0000-000000000001"


def dataverse_time_entry(
    *,
    entry_id: str,
    day: str,
    minutes: int,
    modified: str,
    resource: tuple[str, str],
    project: tuple[str, str],
    task: tuple[str, str] | None,
    status: int = 192350002,
    entry_type: int = 192350000,
    description: str = "",
    external_description: str = "",
) -> dict:
    """An msdyn_timeentry row as the Web API returns it: lookups as _x_value with their record's name,
    option sets with their label, the duration an integer number of minutes, and msdyn_date (DateOnly,
    UserLocal) as the UTC instant of the user's midnight in Brussels (CET in winter: 23:00 the day before)."""
    if not isinstance(minutes, int) or minutes < 0:
        raise ValueError("msdyn_duration is a whole number of minutes, MinValue 0")
    year, month, date_day = (int(part) for part in day.split("-"))
    from datetime import date as date_type
    from datetime import timedelta

    midnight_utc = date_type(year, month, date_day) - timedelta(days=1)
    row = {
        "@odata.etag": f'W/"{abs(hash((entry_id, modified))) % 10**8}"',
        "msdyn_timeentryid": entry_id,
        "msdyn_date": f"{midnight_utc.isoformat()}T23:00:00Z",
        "msdyn_duration": minutes,
        f"msdyn_duration{FORMATTED_VALUE}": f"{minutes / 60:g} hours",
        "msdyn_entrystatus": status,
        f"msdyn_entrystatus{FORMATTED_VALUE}": ENTRY_STATUS_LABELS[status],
        "msdyn_type": entry_type,
        f"msdyn_type{FORMATTED_VALUE}": TIME_TYPE_LABELS[entry_type],
        "msdyn_description": description or None,
        "msdyn_externaldescription": external_description or None,
        "modifiedon": modified,
    }
    for name, value in (
        ("msdyn_bookableresource", resource),
        ("msdyn_project", project),
        ("msdyn_projecttask", task),
    ):
        row[f"_{name}_value"] = value[0] if value else None
        if value:
            row[f"_{name}_value{FORMATTED_VALUE}"] = value[1]
    return row


# Added to msdyn_purchaseorders by the Supply Chain Management dual-write map (PurchaseOrderHeadersV2).
SUPPLY_CHAIN_PURCHASE_ORDER_ATTRIBUTES = {
    "msdyn_purchaseorderstatus": "Picklist",
    "msdyn_documentapprovalstatus": "Picklist",
    "msdyn_accountingdate": "DateTime",
    "msdyn_vendororderreference": "String",
}


class FakeServer:
    def __init__(self, handler_class):
        self.tables: dict[str, list[dict]] = {}
        self.requests_log: list[tuple[str, str]] = []
        self.failures: list[tuple[int, dict, dict, str]] = []  # (status, body, headers, path prefix)
        self.tokens_issued = 0
        self.valid_tokens: set[str] = set()
        self.lock = threading.Lock()
        # ServiceNow: schema, rows hidden by ACLs, (method, table) refused by ACLs.
        self.schema = json.loads(json.dumps(SERVICENOW_SCHEMA))
        self.hidden: set[str] = set()
        self.denied: set[tuple[str, str]] = set()
        # Dataverse: metadata per entity set.
        self.metadata = json.loads(json.dumps(DATAVERSE_METADATA))
        handler = type("Handler", (handler_class,), {"fake": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail_next(self, status: int, body: dict | None = None, headers: dict | None = None, path: str = "/"):
        """The next request whose path starts with `path` gets this answer instead."""
        self.failures.append((status, body or {}, headers or {}, path))

    def issue_token(self) -> dict:
        token = uuid.uuid4().hex
        with self.lock:
            self.tokens_issued += 1
            self.valid_tokens.add(token)
        return {"token_type": "Bearer", "expires_in": 1799, "access_token": token, "scope": "useraccount"}

    def methods(self, method: str) -> list[str]:
        return [path for logged_method, path in self.requests_log if logged_method == method]

    def writes(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path in self.requests_log if method in ("POST", "PATCH", "PUT")]

    # ServiceNow schema helpers
    def family(self, table: str) -> list[str]:
        chain = []
        while table:
            chain.append(table)
            table = self.schema[table]["extends"]
        return chain

    def columns(self, table: str) -> dict[str, str]:
        merged: dict[str, str] = {}
        for name in reversed(self.family(table)):
            merged |= self.schema[name]["columns"]
        return merged

    def add_record(self, table: str, **values) -> dict:
        """A record made by someone else on the instance (not by our connector)."""
        columns = self.columns(table)
        record = {name: "" for name in columns} | {"sys_id": uuid.uuid4().hex}
        record |= {key: str(value) for key, value in values.items() if key in columns}
        self.tables.setdefault(table, []).append(record)
        return record


class JsonHandler(BaseHTTPRequestHandler):
    fake: FakeServer

    def log_message(self, *args):  # keep pytest output clean
        pass

    def send_json(self, status: int, body, headers: dict | None = None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def raw_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def body(self) -> dict:
        raw = self.raw_body()
        if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return {key: values[0] for key, values in parse_qs(raw.decode()).items()}
        return json.loads(raw) if raw else {}

    def scripted_failure(self) -> bool:
        with self.fake.lock:
            matching = [i for i, failure in enumerate(self.fake.failures) if self.path.startswith(failure[3])]
            if not matching:
                return False
            status, body, headers, _prefix = self.fake.failures.pop(matching[0])
        self.raw_body()  # drain the request
        self.send_json(status, body, headers)
        return True

    def bearer_ok(self) -> bool:
        header = self.headers.get("Authorization", "")
        return header.startswith("Bearer ") and header[7:] in self.fake.valid_tokens

    def handle_any(self, method: str):
        self.fake.requests_log.append((method, self.path))
        if self.scripted_failure():
            return
        self.route(method)

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")


class ServiceNowHandler(JsonHandler):
    """Table API: /api/now/table/{table}[/{sys_id}], Basic or OAuth, Link paging, SNOW error bodies."""

    USER, PASSWORD = "integration", "s3cret"

    def error(self, status: int, message: str, detail: str = ""):
        self.send_json(status, {"error": {"message": message, "detail": detail}, "status": "failure"})

    def authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        if header.startswith("Basic "):
            return base64.b64decode(header[6:]).decode() == f"{self.USER}:{self.PASSWORD}"
        return self.bearer_ok()

    def route(self, method: str):
        parts = urlsplit(self.path)
        if parts.path == "/oauth_token.do" and method == "POST":
            form = self.body()
            if form.get("client_id") != "snow-client" or form.get("client_secret") != "snow-secret":
                return self.send_json(401, {"error": "access_denied", "error_description": "bad client"})
            return self.send_json(200, self.fake.issue_token())
        if not self.authorized():
            return self.error(401, "User Not Authenticated", "Required to provide Auth information")
        if self.headers.get("Accept") != "application/json":
            return self.error(406, "Invalid Accept header")
        if method in ("POST", "PATCH", "PUT") and not self.content_type_ok():
            return None
        segments = parts.path.split("/")  # ['', 'api', 'now', 'table', name, sys_id?]
        if segments[1:4] != ["api", "now", "table"] or len(segments) < 5:
            return self.error(400, "Requested URI does not represent any resource")
        name = segments[4]
        if name not in self.fake.schema:
            return self.error(400, f"Invalid table {name}")
        if (method, name) in self.fake.denied:
            return self.error(
                403, "Operation Failed", "ACL Exception Insert Failed due to security constraints"
            )
        query = parse_qs(parts.query)
        table = self.fake.tables.get(name, [])
        sys_id = segments[5] if len(segments) > 5 else None
        if method == "GET" and sys_id is None:
            return self.list(name, table, query)
        if method == "POST" and sys_id is None:
            record = self.fake.add_record(name, **self.known_fields(name, self.body()))
            return self.send_json(201, {"result": self.shape(name, record, query)})
        record = next((row for row in table if row["sys_id"] == sys_id), None)
        if record is None or sys_id in self.fake.hidden:
            self.raw_body()
            return self.error(
                404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval"
            )
        if method in ("PATCH", "PUT"):
            record.update({key: str(value) for key, value in self.known_fields(name, self.body()).items()})
        return self.send_json(200, {"result": self.shape(name, record, query)})

    def content_type_ok(self) -> bool:
        content_type = self.headers.get("Content-Type", "")
        if not content_type:
            self.raw_body()
            self.error(400, "Content-Type header is missing")
            return False
        if not content_type.startswith("application/json"):
            self.raw_body()
            self.error(415, "Unsupported Media Type", f"{content_type} is not supported")
            return False
        return True

    def known_fields(self, table: str, body: dict) -> dict:
        """The Table API drops what is not a column of the table (or of the tables it extends)."""
        columns = self.fake.columns(table)
        return {key: value for key, value in body.items() if key in columns and key != "sys_id"}

    def shape(self, table: str, record: dict, query: dict, fields: list[str] | None = None) -> dict:
        columns = self.fake.columns(table)
        exclude_links = query.get("sysparm_exclude_reference_link", ["false"])[0] == "true"
        names = [name for name in fields if name in columns] if fields else list(columns)
        shaped = {}
        for name in names:
            value = record.get(name, "")
            kind = columns[name]
            if kind.startswith(REF) and value and not exclude_links:
                target = kind.split(":", 1)[1]
                value = {"link": f"{self.fake.url}/api/now/table/{target}/{value}", "value": value}
            shaped[name] = value
        return shaped

    def rows_of(self, name: str, table: list[dict]) -> list[dict]:
        if name == "sys_dictionary" and name not in self.fake.tables:
            return [
                {
                    "sys_id": f"{declaring}.{element}",
                    "name": declaring,
                    "element": element,
                    "internal_type": kind.split(":")[0],
                    "reference": kind.split(":", 1)[1] if ":" in kind else "",
                }
                for declaring, spec in self.fake.schema.items()
                for element, kind in spec["columns"].items()
            ]
        return table

    def list(self, name: str, table: list[dict], query: dict):
        columns = self.fake.columns(name)
        rows = self.rows_of(name, table)
        encoded = query.get("sysparm_query", [""])[0]
        for part in encoded.split("^"):
            if not part or part.startswith("ORDERBY"):
                continue
            if part.endswith("ISNOTEMPTY"):
                column, test = part[: -len("ISNOTEMPTY")], lambda row, column: bool(row.get(column))
            elif "IN" in part and "=" not in part:
                column, listed = part.split("IN", 1)
                allowed = listed.split(",")
                test = lambda row, column, allowed=allowed: row.get(column) in allowed  # noqa: E731
            elif "=" in part:
                column, value = part.split("=", 1)
                test = lambda row, column, value=value: row.get(column) == value  # noqa: E731
            else:
                continue
            if column not in columns:
                continue  # the documented behaviour: an invalid part of the query is silently ignored
            rows = [row for row in rows if test(row, column)]
        limit = int(query.get("sysparm_limit", ["10000"])[0])
        offset = int(query.get("sysparm_offset", ["0"])[0])
        # The limit is applied before the ACLs: hidden rows leave the page short.
        page = [row for row in rows[offset : offset + limit] if row["sys_id"] not in self.fake.hidden]
        fields = [name for name in query.get("sysparm_fields", [""])[0].split(",") if name]
        page = [self.shape(name, row, query, fields) for row in page]
        headers = {"X-Total-Count": str(len(rows))}
        if offset + limit < len(rows):
            base = {key: values[0] for key, values in query.items()}
            next_query = urlencode({**base, "sysparm_offset": offset + limit})
            next_url = f"{self.fake.url}{urlsplit(self.path).path}?{next_query}"
            headers["Link"] = f'<{next_url}>;rel="next"'
        self.send_json(200, {"result": page}, headers)


class DataverseHandler(JsonHandler):
    """Web API v9.2: OData headers, $select/$filter/$orderby checked against metadata, nextLink paging."""

    TENANT = "contoso-tenant"
    CLIENT_ID, CLIENT_SECRET = "d365-client", "d365-secret"
    PREFIX = "/api/data/v9.2/"

    def error(self, status: int, message: str, code: str = ""):
        self.send_json(status, {"error": {"code": code, "message": message}})

    def route(self, method: str):
        parts = urlsplit(self.path)
        if parts.path == f"/{self.TENANT}/oauth2/v2.0/token" and method == "POST":
            return self.token()
        if not self.bearer_ok():
            return self.error(401, "Authentication failed")
        if self.headers.get("OData-Version") != "4.0" or self.headers.get("Accept") != "application/json":
            return self.error(400, "Missing OData headers")
        if not parts.path.startswith(self.PREFIX) or method != "GET":
            return self.error(405, "Method not allowed")
        resource = unquote(parts.path[len(self.PREFIX) :])
        if resource.startswith("EntityDefinitions("):
            return self.attributes(resource)
        if resource not in self.fake.metadata:
            return self.error(404, f"Resource not found for the segment '{resource}'.", "0x8006088a")
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        rows = self.select(resource, self.fake.tables.get(resource, []), query)
        if rows is None:
            return None
        if resource == "msdyn_timeentries":
            for row in rows:
                minutes = row.get("msdyn_duration", 0)
                assert isinstance(minutes, int) and minutes >= 0, "msdyn_duration is whole minutes"
        page_size = self.max_page_size()
        skip = int(query.get("$skiptoken", "0"))
        body = {
            "@odata.context": f"{self.fake.url}{self.PREFIX}$metadata#{resource}",
            "value": rows[skip : skip + page_size],
        }
        if skip + page_size < len(rows):
            next_query = {key: value for key, value in query.items() if key != "$skiptoken"}
            next_query["$skiptoken"] = str(skip + page_size)
            body["@odata.nextLink"] = f"{self.fake.url}{parts.path}?{urlencode(next_query)}"
        return self.send_json(200, body)

    def token(self):
        form = self.body()
        ok = (
            form.get("grant_type") == "client_credentials"
            and form.get("client_id") == self.CLIENT_ID
            and form.get("client_secret") == self.CLIENT_SECRET
            and form.get("scope") == f"{self.fake.url}/.default"
        )
        if not ok:
            return self.send_json(401, {"error": "invalid_client", "error_description": "AADSTS7000215"})
        return self.send_json(200, self.fake.issue_token())

    def attributes(self, resource: str):
        """EntityDefinitions(LogicalName='x')/Attributes (query-metadata-web-api.md)."""
        logical = resource.split("'")[1] if "'" in resource else ""
        entity = next((spec for spec in self.fake.metadata.values() if spec["logical"] == logical), None)
        if entity is None or not resource.endswith("/Attributes"):
            return self.error(
                404, f"Could not find an entity with the logical name '{logical}'.", "0x80040217"
            )
        value = [
            {"LogicalName": name, "AttributeType": kind, "MetadataId": str(uuid.uuid4())}
            for name, kind in entity["attributes"].items()
        ]
        return self.send_json(
            200, {"@odata.context": f"{self.fake.url}{self.PREFIX}$metadata", "value": value}
        )

    def max_page_size(self) -> int:
        for preference in self.headers.get("Prefer", "").split(","):
            name, _, value = preference.strip().partition("=")
            if name == "odata.maxpagesize":
                return min(int(value), 5000)
        return 5000

    def property_ok(self, entity_set: str, name: str) -> bool:
        """A lookup is a property only as `_<name>_value`; the other attributes by their logical name."""
        attributes = self.fake.metadata[entity_set]["attributes"]
        if name.startswith("_") and name.endswith("_value"):
            return attributes.get(name[1:-6]) in ("Lookup", "Owner", "Customer")
        return name in attributes and attributes[name] not in ("Lookup", "Owner", "Customer")

    def refuse(self, entity_set: str, name: str) -> None:
        logical = self.fake.metadata[entity_set]["logical"]
        self.error(
            400,
            f"Could not find a property named '{name}' on type 'Microsoft.Dynamics.CRM.{logical}'.",
            "0x80060888",
        )

    def select(self, entity_set: str, table: list[dict], query: dict) -> list[dict] | None:
        rows = list(table)
        filter_text = query.get("$filter", "")
        groups = [group.split(" or ") for group in filter(None, filter_text.split(" and "))]
        for alternatives in groups:
            conditions = [condition.split(" ", 2) for condition in alternatives]
            for column, _operator, _value in conditions:
                if not self.property_ok(entity_set, column):
                    self.refuse(entity_set, column)
                    return None
            rows = [row for row in rows if any(self.matches(row, *condition) for condition in conditions)]
        for clause in filter(None, query.get("$orderby", "").split(",")):
            column, _, direction = clause.strip().partition(" ")
            if not self.property_ok(entity_set, column):
                self.refuse(entity_set, column)
                return None
            rows.sort(key=lambda row, column=column: str(row.get(column, "")), reverse=direction == "desc")
        wanted = [name for name in query.get("$select", "").split(",") if name]
        for name in wanted:
            if not self.property_ok(entity_set, name):
                self.refuse(entity_set, name)
                return None
        if wanted:
            include_formatted = "OData.Community.Display.V1.FormattedValue" in self.headers.get("Prefer", "")
            rows = [
                {
                    key: value
                    for key, value in row.items()
                    if (key.split("@")[0] in wanted and ("@" not in key or include_formatted))
                    or key == "@odata.etag"
                }
                for row in rows
            ]
        return rows

    @staticmethod
    def matches(row: dict, column: str, operator: str, value: str) -> bool:
        value = value.strip().strip("'")
        if operator == "eq":
            return str(row.get(column)) == value
        if operator == "ge":
            return str(row.get(column)) >= value
        if operator == "ne":
            return str(row.get(column)) != value
        return False
