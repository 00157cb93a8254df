"""A won Dynamics 365 opportunity becomes a draft intake, so sales does not type it in twice."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from pmo.models import User
from projects.selectors.portfolio import customer_find_by_name
from projects.services import intake_create
from reporting.models import D365Opportunity

if TYPE_CHECKING:
    from projects.models import Intake, IntakeTemplate


@transaction.atomic
def intake_create_from_opportunity(
    *, opportunity: D365Opportunity, template: IntakeTemplate, actor: User
) -> Intake:
    """Start a draft intake pre-filled from the opportunity; the customer is ours when the name matches."""
    customer = customer_find_by_name(name=opportunity.account_name) if opportunity.account_name else None
    values = {
        "customer": customer,
        "new_customer_name": "" if customer else opportunity.account_name[:200],
        "opportunity_reference": opportunity.remote_id[:40],
        "scope_summary": opportunity.description,
        "sold_value": opportunity.estimated_value or Decimal("0.00"),
    }
    return intake_create(actor=actor, template=template, title=opportunity.name[:200], **values)
