"""`manage.py budget_totals_check [--repair]`: compare the running totals with their order lines' sums."""

from django.core.management.base import BaseCommand, CommandError

from procurement.services.totals import budget_totals_drift, budget_totals_repair


class Command(BaseCommand):
    help = (
        "Compare every budget line's committed, received-not-invoiced and invoiced amounts, and every "
        "order's total excl. VAT, with a sum over their order lines; exit 1 when any differs. "
        "With --repair, recompute the rows that differ (and still exit 1 to say there was drift)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="recompute the rows that differ")

    def handle(self, *args, repair: bool = False, **options):
        drift = budget_totals_repair() if repair else budget_totals_drift()
        verb = "repaired" if repair else "differ"
        self.stdout.write(f"budget lines {verb}: {drift['budget_lines']}, orders {verb}: {drift['orders']}")
        if drift["budget_lines"] or drift["orders"]:
            raise CommandError("running totals drifted from the order lines", returncode=1)
