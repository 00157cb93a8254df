"""Health-check commands of the containers (docker-compose.yml), light enough to run every 30 s.

    python -m pmo.probe web    # GET http://127.0.0.1:$PORT/healthz, healthy when it says "ok"
    python -m pmo.probe beat   # beat published a task less than BEAT_HEARTBEAT_MAX_AGE seconds ago
The worker's check is Celery's own: celery -A pmo inspect ping -d celery@$HOSTNAME.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.request

BEAT_HEARTBEAT_FILE = os.environ.get("BEAT_HEARTBEAT_FILE", "/tmp/celerybeat-heartbeat")


def web() -> int:
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            body = json.load(response)
    except (OSError, ValueError) as error:  # URLError and HTTPError (a 503) are OSErrors.
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1
    print(json.dumps(body))
    return 0 if body.get("status") == "ok" else 1


def beat() -> int:
    max_age = float(os.environ.get("BEAT_HEARTBEAT_MAX_AGE", "120"))
    try:
        age = time.time() - os.stat(BEAT_HEARTBEAT_FILE).st_mtime
    except FileNotFoundError:
        print(f"unhealthy: no {BEAT_HEARTBEAT_FILE}", file=sys.stderr)
        return 1
    print(f"beat published {age:.0f} s ago")
    return 0 if age <= max_age else 1


if __name__ == "__main__":
    checks = {"web": web, "beat": beat}
    if len(sys.argv) != 2 or sys.argv[1] not in checks:
        sys.exit(f"usage: python -m pmo.probe {{{'|'.join(checks)}}}")
    sys.exit(checks[sys.argv[1]]())
