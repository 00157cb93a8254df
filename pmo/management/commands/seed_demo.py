import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from pmo.models import User
from pmo.seed import DEMO_PASSWORD, DEMO_USERS
from pmo.seeding import SCALES, run_seed
from projects.models import Project


class Command(BaseCommand):
    help = "Fill the database with realistic, deterministic demo data (S: the demo; M, L: benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="S")
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed; the same seed gives the same data"
        )
        parser.add_argument(
            "--check", action="store_true", help="exit 0 when demo data is present, 1 otherwise"
        )
        parser.add_argument("--force", action="store_true", help="seed even if projects exist already")

    def handle(self, *args, scale: str, seed: int, check: bool, force: bool, **options):
        seeded = Project.objects.exists() and User.objects.filter(username="pmo").exists()
        if check:
            if not seeded:
                raise CommandError("no demo data")
            self.stdout.write("demo data present")
            return
        if seeded and not force:
            raise CommandError("The database already holds projects; use --force to add demo data anyway.")
        started = time.monotonic()
        self.stdout.write(f"Seeding scale {scale} (seed {seed})…")
        with transaction.atomic():
            run_seed(scale=scale, stdout=self.stdout, seed=seed)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # What autovacuum does after a bulk load (the visibility map that index-only scans read), now
            # rather than whenever it gets to it, or never where it is off; it cannot run in a transaction
            # (a test's, say).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM")
        self.stdout.write(
            self.style.SUCCESS(
                f"Done in {time.monotonic() - started:.1f} s. Demo logins (password '{DEMO_PASSWORD}'):"
            )
        )
        for username, name, role, _language, _department in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {name:<20} {role}")
