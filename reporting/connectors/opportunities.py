"""A won Dynamics 365 opportunity becomes a draft intake, so sales does not type it in twice."""

from decimal import Decimal

from django.db import transaction

from pmo.models import User
from projects.models import Customer, Intake, IntakeTemplate
from projects.services import intake_create
from reporting.models import D365Opportunity


@transaction.atomic
def intake_create_from_opportunity(
    *, opportunity: D365Opportunity, template: IntakeTemplate, actor: User
) -> Intake:
    """Start a draft intake pre-filled from the opportunity; the customer is ours when the name matches."""
    customer = (
        Customer.objects.filter(name__iexact=opportunity.account_name).first()
        if opportunity.account_name
        else None
    )
    values = {
        "customer": customer,
        "new_customer_name": "" if customer else opportunity.account_name[:200],
        "opportunity_reference": opportunity.remote_id[:40],
        "scope_summary": opportunity.description,
        "sold_value": opportunity.estimated_value or Decimal("0.00"),
    }
    return intake_create(actor=actor, template=template, title=opportunity.name[:200], **values)
