"""Run a connector now, in this process: `manage.py connector_sync servicenow|dynamics365 [--dry-run]`."""

from django.core.management.base import BaseCommand, CommandError

from reporting.connectors.runs import sync_run_create, sync_run_execute
from reporting.models import Connector, SyncRun


class Command(BaseCommand):
    help = "Push to ServiceNow or pull from Dynamics 365 now; --dry-run shows what would change."

    def add_arguments(self, parser):
        parser.add_argument("connector", choices=Connector.values)
        parser.add_argument("--dry-run", action="store_true", help="read the remote, change nothing")

    def handle(self, *args, connector: str, dry_run: bool, **options):
        direction = SyncRun.Direction.PUSH if connector == Connector.SERVICENOW else SyncRun.Direction.PULL
        run = sync_run_execute(
            run_id=sync_run_create(connector=connector, direction=direction, is_dry_run=dry_run).pk
        )
        if run is None:  # a worker took the queued row first: it reports on the connectors page
            raise CommandError("a worker started this run first; see the connectors page")
        for line in run.details.get("planned", []):
            self.stdout.write(f"would {line}")
        for name, counts in run.details.get("entities", {}).items():
            self.stdout.write(
                f"{name}: " + ", ".join(f"{key} {value}" for key, value in sorted(counts.items()))
            )
        for failure in run.failures.all():
            self.stderr.write(f"failed {failure.entity} {failure.reference}: {failure.message}")
        summary = (
            f"run #{run.pk} {run.status}: created {run.created_count}, updated {run.updated_count}, "
            f"skipped {run.skipped_count}, failed {run.failed_count}"
        )
        if run.status == SyncRun.Status.FAILED:
            raise CommandError(f"{summary}. {run.error}")
        self.stdout.write(summary)
