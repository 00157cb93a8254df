"""Changes to suppliers."""

from django.db import transaction

from pmo.lib.audit import history_stamp
from pmo.lib.identifiers import normalize_eu_vat, normalize_peppol_id
from pmo.lib.validators import normalize_iban
from pmo.models import User
from procurement.models import Supplier

SUPPLIER_FIELDS = (
    "name",
    "kind",
    "vat_number",
    "iban",
    "email",
    "street",
    "postal_code",
    "city",
    "country",
    "language",
    "payment_terms_days",
    "is_vca_certified",
    "vca_expires_on",
    "peppol_id",
    "is_blocked",
    "blocked_reason",
)


def _normalize(values: dict, *, country: str = "BE") -> dict:
    country = (values.get("country") or country).upper()
    if values.get("country"):
        values["country"] = country
    if values.get("vat_number"):
        values["vat_number"] = normalize_eu_vat(values["vat_number"], country)
    if values.get("peppol_id"):
        values["peppol_id"] = normalize_peppol_id(values["peppol_id"])
    if values.get("iban"):
        values["iban"] = normalize_iban(values["iban"])
    return values


@transaction.atomic
def supplier_create(*, actor: User | None, **values) -> Supplier:
    """Create a supplier; VAT number and IBAN are stored in their compact form."""
    values = _normalize(values)
    supplier = Supplier(**{field: value for field, value in values.items() if field in SUPPLIER_FIELDS})
    history_stamp(supplier, actor=actor)
    supplier.full_clean()
    supplier.save()
    return supplier


@transaction.atomic
def supplier_update(*, supplier: Supplier, actor: User | None, **values) -> Supplier:
    """Change a supplier's details; only changed fields are written."""
    values = _normalize(values, country=supplier.country)
    changed = [
        field for field in SUPPLIER_FIELDS if field in values and getattr(supplier, field) != values[field]
    ]
    for field in changed:
        setattr(supplier, field, values[field])
    if changed:
        history_stamp(supplier, actor=actor)
        supplier.full_clean()
        supplier.save(update_fields=changed)
    return supplier
