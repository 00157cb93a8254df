"""Fill the running totals added by 0012 from the order lines as they are.

The sums are written out here (not imported from procurement.selectors.budget) so that this migration
keeps doing what it did when the selectors change; the statuses are the ones COMMITTED_STATUSES held."""

from decimal import Decimal

from django.db import migrations
from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

MONEY = DecimalField(max_digits=16, decimal_places=2)
COMMITTED = ("approved", "sent", "partially_received")


def _sum(lines, column: str, key: str, condition=Q()):
    total = lines.filter(condition).order_by().values(key).annotate(total=Sum(column)).values("total")
    return Coalesce(Subquery(total, output_field=MONEY), Value(Decimal("0.00"), output_field=MONEY))


def fill(apps, schema_editor):
    budget_line = apps.get_model("procurement", "BudgetLine")
    order = apps.get_model("procurement", "PurchaseOrder")
    line = apps.get_model("procurement", "PurchaseOrderLine")
    of_line = line.objects.filter(budget_line=OuterRef("pk"))
    live = ~Q(order__status="cancelled")
    budget_line.objects.update(
        committed_amount=_sum(of_line, "open_amount", "budget_line", Q(order__status__in=COMMITTED)),
        received_not_invoiced_amount=_sum(of_line, "uninvoiced_amount", "budget_line", live),
        invoiced_amount=_sum(of_line, "invoiced_amount", "budget_line", live),
    )
    order.objects.update(amount_excl_vat=_sum(line.objects.filter(order=OuterRef("pk")), "amount", "order"))


class Migration(migrations.Migration):
    dependencies = [("procurement", "0012_budget_line_and_order_running_totals")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
