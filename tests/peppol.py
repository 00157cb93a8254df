"""The official UBL schemas and Peppol rules vendored in tests/standards, ready to run."""

from pathlib import Path

from pmo.lib.ubl_rules import RulesReport, check_ubl

STANDARDS = Path(__file__).resolve().parent / "standards"
XSD = STANDARDS / "ubl-2.1" / "xsd" / "maindoc"
RULES = STANDARDS / "peppol-2026.5" / "rules"
EXAMPLES = STANDARDS / "peppol-2026.5" / "examples"


def check_peppol_order(xml: bytes) -> RulesReport:
    return check_ubl(xml, schema=XSD / "UBL-Order-2.1.xsd", rules=(RULES / "PEPPOLBIS-T01.xslt",))


def summary(report: RulesReport) -> str:
    lines = [*report.schema_errors, *(f"{f.flag} {f.rule}: {f.text}" for f in report.findings)]
    return "\n".join(lines)


BILLING_RULES = (RULES / "CEN-EN16931-UBL.xslt", RULES / "PEPPOL-EN16931-UBL.xslt")


def check_peppol_billing(xml: bytes) -> RulesReport:
    """An inbound Peppol BIS Billing 3.0 invoice or credit note: UBL schema, EN 16931 and Peppol rules."""
    schema = "UBL-CreditNote-2.1.xsd" if b"CreditNote-2" in xml[:600] else "UBL-Invoice-2.1.xsd"
    return check_ubl(xml, schema=XSD / schema, rules=BILLING_RULES)
