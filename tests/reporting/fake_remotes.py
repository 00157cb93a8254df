"""Local HTTP servers following the documented ServiceNow Table API and Dataverse Web API (REFERENCE §1-2).

They run in a thread on 127.0.0.1 with a free port. Tests script failures with `fail_next` (status, body,
headers) and read what was sent from `requests_log` and the in-memory tables.
"""

import base64
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit


class FakeServer:
    def __init__(self, handler_class):
        self.tables: dict[str, list[dict]] = {}
        self.requests_log: list[tuple[str, str]] = []
        self.failures: list[tuple[int, dict, dict, str]] = []  # (status, body, headers, path prefix)
        self.tokens_issued = 0
        self.valid_tokens: set[str] = set()
        self.lock = threading.Lock()
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

    def body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return {key: values[0] for key, values in parse_qs(raw.decode()).items()}
        return json.loads(raw) if raw else {}

    def scripted_failure(self) -> bool:
        with self.fake.lock:
            matching = [i for i, failure in enumerate(self.fake.failures) if self.path.startswith(failure[3])]
            if not matching:
                return False
            status, body, headers, _prefix = self.fake.failures.pop(matching[0])
        self.body()  # drain the request
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
            return self.error(400, "Invalid Accept header")
        segments = parts.path.split("/")  # ['', 'api', 'now', 'table', name, sys_id?]
        if segments[1:4] != ["api", "now", "table"]:
            return self.error(400, "Requested URI does not represent any resource")
        table = self.fake.tables.setdefault(segments[4], [])
        sys_id = segments[5] if len(segments) > 5 else None
        if method == "GET" and sys_id is None:
            return self.list(table, parse_qs(parts.query))
        if method == "POST" and sys_id is None:
            record = {key: str(value) for key, value in self.body().items()}
            record["sys_id"] = uuid.uuid4().hex
            table.append(record)
            return self.send_json(201, {"result": record})
        record = next((row for row in table if row["sys_id"] == sys_id), None)
        if record is None:
            return self.error(
                404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval"
            )
        if method in ("PATCH", "PUT"):
            record.update({key: str(value) for key, value in self.body().items()})
        return self.send_json(200, {"result": record})

    def list(self, table: list[dict], query: dict):
        rows = table
        encoded = query.get("sysparm_query", [""])[0]
        for part in encoded.split("^"):
            if part.startswith(("ORDERBY", "ORDERBYDESC")) or not part:
                continue
            if "IN" in part and "=" not in part:
                column, values = part.split("IN", 1)
                rows = [row for row in rows if row.get(column) in values.split(",")]
            elif part.endswith("ISNOTEMPTY"):
                column = part[: -len("ISNOTEMPTY")]
                rows = [row for row in rows if row.get(column)]
            elif "=" in part:
                column, value = part.split("=", 1)
                rows = [row for row in rows if row.get(column) == value]
        limit = int(query.get("sysparm_limit", ["10000"])[0])
        offset = int(query.get("sysparm_offset", ["0"])[0])
        page = rows[offset : offset + limit]
        fields = query.get("sysparm_fields", [""])[0]
        if fields:
            page = [{name: row.get(name, "") for name in fields.split(",")} for row in page]
        headers = {"X-Total-Count": str(len(rows))}
        if offset + limit < len(rows):
            base = {key: values[0] for key, values in query.items()}
            next_query = urlencode({**base, "sysparm_offset": offset + limit})
            next_url = f"{self.fake.url}{urlsplit(self.path).path}?{next_query}"
            headers["Link"] = f'<{next_url}>;rel="next"'
        self.send_json(200, {"result": page}, headers)


class DataverseHandler(JsonHandler):
    """Web API v9.2: OData headers, $select/$filter/$orderby, maxpagesize + @odata.nextLink, Entra token."""

    TENANT = "contoso-tenant"
    CLIENT_ID, CLIENT_SECRET = "d365-client", "d365-secret"

    def error(self, status: int, message: str, code: str = ""):
        self.send_json(status, {"error": {"code": code, "message": message}})

    def route(self, method: str):
        parts = urlsplit(self.path)
        if parts.path == f"/{self.TENANT}/oauth2/v2.0/token" and method == "POST":
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
        if not self.bearer_ok():
            return self.error(401, "Authentication failed")
        if self.headers.get("OData-Version") != "4.0" or self.headers.get("Accept") != "application/json":
            return self.error(400, "Missing OData headers")
        prefix = "/api/data/v9.2/"
        if not parts.path.startswith(prefix) or method != "GET":
            return self.error(405, "Method not allowed")
        entity_set = parts.path[len(prefix) :]
        if entity_set not in self.fake.tables:
            return self.error(404, f"Resource not found for the segment '{entity_set}'.", "0x8006088a")
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        rows = self.select(self.fake.tables[entity_set], query)
        if rows is None:
            return
        page_size = self.max_page_size()
        skip = int(query.get("$skiptoken", "0"))
        body = {
            "@odata.context": f"{self.fake.url}{prefix}$metadata#{entity_set}",
            "value": rows[skip : skip + page_size],
        }
        if skip + page_size < len(rows):
            next_query = {key: value for key, value in query.items() if key != "$skiptoken"}
            next_query["$skiptoken"] = str(skip + page_size)
            body["@odata.nextLink"] = f"{self.fake.url}{parts.path}?{urlencode(next_query)}"
        self.send_json(200, body)

    def max_page_size(self) -> int:
        for preference in self.headers.get("Prefer", "").split(","):
            name, _, value = preference.strip().partition("=")
            if name == "odata.maxpagesize":
                return min(int(value), 5000)
        return 5000

    def select(self, table: list[dict], query: dict) -> list[dict] | None:
        rows = list(table)
        for condition in filter(None, query.get("$filter", "").split(" and ")):
            column, operator, value = condition.split(" ", 2)
            if rows and column not in rows[0]:
                self.error(
                    400,
                    f"Could not find a property named '{column}' on type 'Microsoft.Dynamics.CRM'.",
                    "0x80060888",
                )
                return None
            if operator == "eq":
                rows = [row for row in rows if str(row.get(column)) == value.strip("'")]
            elif operator == "ge":
                rows = [row for row in rows if str(row.get(column)) >= value]
        if query.get("$orderby") == "modifiedon asc":
            rows.sort(key=lambda row: row.get("modifiedon", ""))
        columns = query.get("$select")
        if columns:
            wanted = columns.split(",")
            missing = [name for name in wanted if rows and name not in rows[0]]
            if missing:
                self.error(
                    400,
                    f"Could not find a property named '{missing[0]}' on type 'Microsoft.Dynamics.CRM'.",
                    "0x80060888",
                )
                return None
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
