"""`manage.py einvoice_delivery_account <username>`: the Peppol access point's account and a token for it."""

from django.core.management.base import BaseCommand

from pmo.api import api_token_create
from procurement.services.einvoices import einvoice_delivery_account_create


class Command(BaseCommand):
    help = (
        "Create (or keep) the account the Peppol access point posts e-invoices with: no role, no password, "
        "only the permission procurement.deliver_einvoice; print a new API token for it (shown once)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", nargs="?", default="peppol-access-point")

    def handle(self, *args, username: str, **options):
        account = einvoice_delivery_account_create(username=username)
        instance, key = api_token_create(user=account)
        expiry = instance.expiry.isoformat() if instance.expiry else "never"
        self.stderr.write(f"Token for {username}, expires {expiry}; POST UBL to /api/v1/einvoices/:")
        self.stdout.write(key)
