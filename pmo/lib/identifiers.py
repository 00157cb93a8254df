"""Company identifiers a Belgian buyer meets: enterprise numbers, EU VAT numbers, Peppol participant ids.

The checks come from python-stdnum; the Peppol schemes are the ICD/EAS codes of the Peppol code list.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import ean
from stdnum.be import vat as be_vat
from stdnum.dk import cvr as dk_cvr
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret
from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr as se_orgnr

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


def normalize_enterprise_number(value: str) -> str:
    """The KBO/BCE number as 10 digits (e.g. 0403170701), checked with its mod-97 check digits."""
    try:
        return be_vat.validate(value)
    except StdnumError as error:
        raise ValidationError(
            _("“%(value)s” is not a valid Belgian enterprise number (10 digits with a valid check)."),
            code="invalid_enterprise_number",
            params={"value": value},
        ) from error


def validate_enterprise_number(value: str) -> None:
    if value:
        normalize_enterprise_number(value)


def format_enterprise_number(value: str) -> str:
    """0403.170.701, the way the number is printed on letters and orders."""
    return f"{value[:4]}.{value[4:7]}.{value[7:]}" if len(value) == 10 else value


def normalize_eu_vat(value: str, country: str = "") -> str:
    """An EU VAT number with its country prefix (BE0403170701, NL123456782B01, EL… for Greece).

    A number typed without prefix is read as one of `country`; the prefix must match the country.
    """
    compact = re.sub(r"[\s.\-/]", "", value).upper()
    prefix = {"GR": "EL"}.get(country.upper(), country.upper())
    if compact[:2].isdigit() and prefix:
        compact = prefix + compact
    try:
        number = eu_vat.validate(compact)
    except StdnumError as error:
        raise ValidationError(
            _("“%(value)s” is not a valid EU VAT number (country prefix and number with a valid check)."),
            code="invalid_vat",
            params={"value": value},
        ) from error
    if prefix and number[:2] != prefix:
        raise ValidationError(
            _("The VAT number %(value)s is not one of the country %(country)s."),
            code="vat_country_mismatch",
            params={"value": number, "country": country.upper()},
        )
    return number


def vat_country(number: str) -> str:
    """The ISO country of a normalized EU VAT number (EL is Greece, GR)."""
    return {"EL": "GR"}.get(number[:2], number[:2])


# ISO 3166-1 alpha-2 codes (the list of the Peppol rules, without the VAT prefix EL for Greece).
_ISO_CODES = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BR BS BT "
    "BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CX CY CZ DE DJ DK DM DO DZ EC EE EG EH "
    "ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR "
    "HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK "
    "LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE "
    "NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RO RS RU RW SA SB SC "
    "SD SE SG SH SI SJ SK SL SM SN SO SR ST SV SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ "
    "UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW "
)
ISO_COUNTRIES = frozenset(_ISO_CODES.split())


def validate_country_code(value: str) -> None:
    if value.upper() not in ISO_COUNTRIES:
        raise ValidationError(
            _("“%(value)s” is not an ISO country code (two letters, e.g. BE, NL, FR, DE)."),
            code="invalid_country",
            params={"value": value},
        )


def validate_eu_vat(value: str) -> None:
    """Model-level check of a prefixed number; the country is applied where it is known (clean)."""
    if value and not value.strip()[:2].isdigit():
        normalize_eu_vat(value)


def clean_vat_for_country(instance, *, vat_field: str = "vat_number", country_field: str = "country") -> None:
    """Model.clean() helper: store the VAT number normalized, and refuse one of another country."""
    value = getattr(instance, vat_field)
    if value:
        try:
            setattr(instance, vat_field, normalize_eu_vat(value, getattr(instance, country_field)))
        except ValidationError as error:
            raise ValidationError({vat_field: error}) from error


@dataclass(frozen=True)
class PeppolScheme:
    code: str
    label: "StrPromise"  # translated when shown
    check: Callable[[str], str]  # the normalized identifier; raises StdnumError/ValueError


def _digits(length: int):
    def check(value: str) -> str:
        if not (value.isdigit() and len(value) == length):
            raise ValueError(value)
        return value

    return check


def _vat_of(country: str):
    def check(value: str) -> str:
        number = eu_vat.validate(value)
        if number[:2] != country:
            raise ValueError(value)
        return number

    return check


def _gln(value: str) -> str:
    number = ean.validate(value)
    if len(number) != 13:
        raise ValueError(value)
    return number


# The schemes a Belgian buyer meets: Belgian ids first, then the neighbours' and the common global ones.
PEPPOL_SCHEMES = {
    scheme.code: scheme
    for scheme in (
        PeppolScheme("0208", _("Belgian enterprise number (KBO/BCE)"), be_vat.validate),
        PeppolScheme("9925", _("Belgian VAT number"), _vat_of("BE")),
        PeppolScheme("0088", _("GS1 Global Location Number (GLN)"), _gln),
        PeppolScheme("0060", _("DUNS number"), _digits(9)),
        PeppolScheme("0106", _("Dutch Chamber of Commerce number (KvK)"), _digits(8)),
        PeppolScheme("0190", _("Dutch government organisation number (OIN)"), _digits(20)),
        PeppolScheme("9944", _("Dutch VAT number"), _vat_of("NL")),
        PeppolScheme("0002", _("French SIREN number"), fr_siren.validate),
        PeppolScheme("0009", _("French SIRET number"), fr_siret.validate),
        PeppolScheme("9957", _("French VAT number"), _vat_of("FR")),
        PeppolScheme("9930", _("German VAT number"), _vat_of("DE")),
        PeppolScheme("9938", _("Luxembourg VAT number"), _vat_of("LU")),
        PeppolScheme("0184", _("Danish CVR number"), dk_cvr.validate),
        PeppolScheme("0192", _("Norwegian organisation number"), no_orgnr.validate),
        PeppolScheme("0007", _("Swedish organisation number"), se_orgnr.validate),
    )
}
PEPPOL_SCHEME_CHOICES = [(code, f"{code} - {scheme.label}") for code, scheme in PEPPOL_SCHEMES.items()]


def normalize_peppol_identifier(scheme: str, identifier: str) -> str:
    """The identifier checked against the rule of its scheme, in the form Peppol expects."""
    if scheme not in PEPPOL_SCHEMES:
        raise ValidationError(
            _("“%(scheme)s” is not a Peppol identifier scheme this application knows."),
            code="invalid_peppol_scheme",
            params={"scheme": scheme},
        )
    try:
        return PEPPOL_SCHEMES[scheme].check(identifier.strip())
    except (StdnumError, ValueError) as error:
        raise ValidationError(
            _("“%(identifier)s” is not a valid identifier for the Peppol scheme %(scheme)s (%(label)s)."),
            code="invalid_peppol_identifier",
            params={"identifier": identifier, "scheme": scheme, "label": PEPPOL_SCHEMES[scheme].label},
        ) from error


def normalize_peppol_id(value: str) -> str:
    """A participant id typed as `scheme:identifier` (0208:0403170701), checked by scheme."""
    scheme, separator, identifier = value.strip().partition(":")
    if not separator or not identifier:
        raise ValidationError(
            _("A Peppol id is written scheme:identifier, e.g. 0208:0403170701."), code="invalid_peppol_id"
        )
    return f"{scheme}:{normalize_peppol_identifier(scheme, identifier)}"


def validate_peppol_id(value: str) -> None:
    if value:
        normalize_peppol_id(value)
