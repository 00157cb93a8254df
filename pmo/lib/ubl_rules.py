"""Run official UBL schemas (lxml) and Peppol schematron rules compiled to XSLT 2 (saxonche).

The rule files are the official ones, never re-implemented: a finding is what a Peppol access point says.
"""

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

SVRL = "{http://purl.oclc.org/dsdl/svrl}"


@dataclass(frozen=True)
class Finding:
    rule: str
    flag: str  # "fatal" or "warning"
    text: str
    location: str = ""


@dataclass
class RulesReport:
    schema_errors: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def fatal(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.flag == "fatal"]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.flag != "fatal"]

    @property
    def is_valid(self) -> bool:
        return not self.schema_errors and not self.fatal


@cache
def _schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


@cache
def _processor():
    from saxonche import PySaxonProcessor

    return PySaxonProcessor(license=False)


@cache
def _stylesheet(path: Path):
    # Compiling the billing rules takes seconds: once per process.
    return _processor().new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))


def _findings(svrl: str) -> list[Finding]:
    root = etree.fromstring(svrl.encode())
    return [
        Finding(
            rule=element.get("id", ""),
            flag=element.get("flag", "fatal"),
            text=" ".join(element.findtext(f"{SVRL}text", "").split()),
            location=element.get("location", ""),
        )
        for element in root.iter(f"{SVRL}failed-assert")
    ]


def check_ubl(xml: bytes, *, schema: Path, rules: tuple[Path, ...]) -> RulesReport:
    """Schema first; the rules only run on a document that has the right structure."""
    report = RulesReport()
    try:
        document = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        report.schema_errors.append(str(error))
        return report
    xsd = _schema(schema)
    if not xsd.validate(document):
        report.schema_errors = [f"line {error.line}: {error.message}" for error in xsd.error_log]
        return report
    node = _processor().parse_xml(xml_text=xml.decode("utf-8"))
    for path in rules:
        report.findings += _findings(_stylesheet(path).transform_to_string(xdm_node=node))
    return report
