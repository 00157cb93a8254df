"""VAT treatments of order lines: Peppol tax category and the legal mention printed on documents."""

from django.utils.translation import gettext_lazy as _

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
