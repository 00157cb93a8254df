"""Instructions one page costs the Python process, counted by valgrind's callgrind: a figure that does not
move with the load of a shared machine (medians there vary by a third between runs minutes apart).

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/page.cg \\
        .venv/bin/python tests/benchmarks/count_instructions.py /reporting/portfolio/ head 3
    callgrind_annotate /tmp/page.cg | head -20     # PROGRAM TOTALS / 3 = instructions per request

The settings are the environment's (production settings: DEBUG=0, SECRET_KEY, ALLOWED_HOSTS=localhost,
DATABASE_URL of a seeded database). The page is requested twice to warm the caches, then callgrind counts
`repeat` more requests only (callgrind_control switches it on and off around them). PostgreSQL's own work
is not counted: `make bench` replays a page's statements for that.
"""

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pmo.settings")


def main(path: str, username: str, repeat: int) -> None:
    import django

    django.setup()
    from django.test import Client

    from pmo.models import User

    client = Client(HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https")
    client.force_login(User.objects.get(username=username))
    for _warm in range(2):
        client.get(path)
    subprocess.run(["callgrind_control", "--instr=on", str(os.getpid())], check=True, capture_output=True)
    for _request in range(repeat):
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
    subprocess.run(["callgrind_control", "--instr=off", str(os.getpid())], check=True, capture_output=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3)
