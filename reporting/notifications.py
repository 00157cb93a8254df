"""The email that carries a highlight report to its distribution list, in the report's language."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from reporting.models import HighlightReport


def highlight_report_send(*, report: HighlightReport, recipients: list[str]) -> None:
    """Mail the PDF to the recipients (blind copies: they may belong to different companies)."""
    if not recipients:
        return
    with translation.override(report.language):
        context = {"report": report, "project": report.project}
        subject = render_to_string("reporting/email/highlight_report_subject.txt", context).strip()
        body = render_to_string("reporting/email/highlight_report_body.txt", context)
    message = EmailMessage(subject=subject, body=body, bcc=recipients)
    with report.file.open("rb") as pdf:
        message.attach(report.filename, pdf.read(), "application/pdf")
    message.send()
