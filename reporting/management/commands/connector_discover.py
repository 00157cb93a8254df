"""Check the ServiceNow mapping against the instance before the first push: `manage.py connector_discover`."""

import json

from django.core.management.base import BaseCommand, CommandError

from reporting.connectors.http import RemoteError
from reporting.connectors.servicenow import servicenow_client, servicenow_discover


class Command(BaseCommand):
    help = "Read sys_dictionary and sys_choice: which mapped columns are missing, which choice values exist."

    def handle(self, *args, **options):
        try:
            report = servicenow_discover(client=servicenow_client())
        except RemoteError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        missing = {table: found["missing"] for table, found in report.items() if found["missing"]}
        if missing:
            raise CommandError(f"mapped columns missing on the instance: {missing}")
