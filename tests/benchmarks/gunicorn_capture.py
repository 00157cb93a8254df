"""gunicorn hooks for `make bench`: record the SQL of one request, inside the production process.

Loaded with `gunicorn -c tests/benchmarks/gunicorn_capture.py` on top of the compose file's command. A
request that carries `X-Bench-Capture: <name>` has every statement Django sends (SQL, parameters) written
to `$BENCH_CAPTURE_DIR/<name>.pickle` once its response has been sent in full (streamed exports too);
every other request runs untouched, so the timed requests pay nothing. The harness replays the captured
statements directly on PostgreSQL to know what the database itself needs for the page.
"""

import datetime
import decimal
import os
import pickle
import re
import uuid
from pathlib import Path

_NAME = re.compile(r"^[a-z0-9_.-]{1,80}$")


def _capture_name(req) -> str:
    for header, value in req.headers:
        if header == "X-BENCH-CAPTURE" and _NAME.match(value):
            return value
    return ""


_PLAIN = (
    type(None),
    bool,
    int,
    float,
    str,
    bytes,
    decimal.Decimal,
    datetime.date,
    datetime.time,
    datetime.timedelta,
    uuid.UUID,
)


def _plain(value):
    """The value with only builtin types, so that the harness unpickles it without Django."""
    if isinstance(value, list | tuple):
        return type(value)(_plain(item) for item in value) if type(value) in (list, tuple) else list(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if type(value) in _PLAIN or isinstance(value, datetime.date):
        return value
    for builtin in (bool, int, float, str):  # enum choices, lazy texts
        if isinstance(value, builtin):
            return builtin(value)
    if type(value).__module__.startswith("psycopg"):
        return value
    return str(value)


def pre_request(worker, req):
    name = _capture_name(req)
    if not name:
        return
    from django.db import connections

    statements: list[tuple[str, object, bool]] = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params, many))
        return execute(sql, params, many, context)

    connection = connections["default"]
    connection.execute_wrappers.append(record)
    req.bench_capture = (name, connection, record, statements)


def post_request(worker, req, environ, resp):
    capture = getattr(req, "bench_capture", None)
    if capture is None:
        return
    name, connection, record, statements = capture
    connection.execute_wrappers.remove(record)
    target = Path(os.environ["BENCH_CAPTURE_DIR"]) / f"{name}.pickle"
    kept = []
    for sql, params, many in statements:
        try:  # a parameter that cannot travel leaves its statement out of the replay
            params = _plain(params)
            pickle.dumps(params)
        except Exception:
            params = None
        kept.append((sql, params, many))
    # The client has the whole response before this hook runs: write aside, then rename in one step.
    partial = target.with_suffix(".partial")
    with partial.open("wb") as handle:
        pickle.dump(kept, handle)
    partial.rename(target)
