"""Belgian VAT treatments of document lines (orders and quotations alike): Peppol tax category, the legal
mention printed on documents, the rates a supplier's country allows. Shared by sales and purchasing."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

# UNCL5305 categories of Peppol BIS: S standard, Z zero rated, AE reverse charge, K intra-community.
PEPPOL_TAX_CATEGORY = {"21": "S", "12": "S", "6": "S", "0": "Z", "rc": "AE", "is": "AE", "ig": "K"}

# Printed under the totals of every document with such a line (the supplier invoices without VAT).
VAT_MENTIONS = {
    "rc": _(
        "Reverse charge: VAT to be paid by the co-contractor (art. 20 Royal Decree no. 1, "
        "art. 51 §2, 5° Belgian VAT Code)."
    ),
    "is": _(
        "Reverse charge: services taxable where the customer is established, VAT due by the customer "
        "(art. 196 Directive 2006/112/EC; art. 21 §2 Belgian VAT Code)."
    ),
    "ig": _(
        "Intra-Community supply of goods, exempt in the supplier's Member State "
        "(art. 138 Directive 2006/112/EC); VAT accounted for by the buyer in Belgium."
    ),
}

EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)

BELGIAN_RATES = ("21", "12", "6", "0", "rc")
INTRA_EU_RATES = ("is", "ig")


def vat_rate_refusal(*, supplier_country: str, vat_rate: str) -> "StrPromise | None":
    """Why a line's VAT treatment cannot apply to a supplier of this country, or None when it can.

    A supplier in another Member State charges no Belgian VAT: the Belgian buyer reverse-charges it.
    """
    foreign_eu = supplier_country in EU_COUNTRIES and supplier_country != "BE"
    if foreign_eu and vat_rate in BELGIAN_RATES:
        return _(
            "A supplier in another EU country charges no Belgian VAT: choose “Reverse charge (intra-EU "
            "services)” or “Intra-EU acquisition of goods”."
        )
    if not foreign_eu and vat_rate in INTRA_EU_RATES:
        return _("The intra-EU VAT treatments only apply to a supplier established in another EU country.")
    return None
