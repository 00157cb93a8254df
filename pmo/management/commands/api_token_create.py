"""`manage.py api_token_create <username>`: a new API token for a script's account, printed once."""

from django.core.management.base import BaseCommand, CommandError

from pmo.api import api_token_create
from pmo.models import User


class Command(BaseCommand):
    help = "Create an API token for a user and print its key (only a hash of it is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        instance, key = api_token_create(user=user)
        expiry = instance.expiry.isoformat() if instance.expiry else "never"
        self.stderr.write(f"Token for {username}, expires {expiry}:")
        self.stdout.write(key)
