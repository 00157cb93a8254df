"""The official Peppol BIS Billing 3.0 rules (EN 16931 + Peppol) run on inbound invoices and credit notes.

Groundwork for the e-invoice inbox of issue 11: the official examples pass, a crafted wrong total fails.
"""

import pytest

from tests.peppol import EXAMPLES, check_peppol_billing, summary

BILLING = sorted((EXAMPLES / "billing").glob("*.xml"))


@pytest.mark.parametrize("path", BILLING, ids=[path.name for path in BILLING])
def test_the_official_billing_examples_pass_the_official_rules(path, capsys):
    report = check_peppol_billing(path.read_bytes())
    with capsys.disabled():
        print(f"\nPeppol billing {path.name}: {len(report.fatal)} fatal, {len(report.warnings)} warnings")
    assert report.is_valid, summary(report)


def test_a_wrong_total_is_a_fatal_finding_with_its_rule_id():
    xml = (EXAMPLES / "billing" / "base-example.xml").read_bytes()
    start = xml.index(b"<cbc:PayableAmount")
    end = xml.index(b"</cbc:PayableAmount>", start)
    tag_end = xml.index(b">", start) + 1
    wrong = xml[:tag_end] + b"99999.99" + xml[end:]
    report = check_peppol_billing(wrong)
    assert not report.is_valid
    assert any(finding.rule.startswith("BR-CO-") for finding in report.fatal), summary(report)
