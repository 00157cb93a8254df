"""Highlight report jobs: request, render, download, retry, sweep, and the weekly batch."""

import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from pmo.roles import Role
from reporting import services
from reporting.models import HighlightReport, ProjectSnapshot
from reporting.selectors import last_week_start
from tests.factories import (
    DistributionRecipientFactory,
    ProgressUpdateFactory,
    ProjectFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
Status = HighlightReport.Status


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a service and then its on-commit callbacks (the queued render), as a real commit would."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


@pytest.fixture
def project():
    return ProjectFactory(
        name="Campus refresh", start_date=date(2026, 9, 1), end_date=date(2027, 3, 31), phase="execution"
    )


def pdf_text(report: HighlightReport) -> str:
    with report.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def test_it_renders_a_requested_report_to_a_pdf_with_the_project_code(project, commit):
    ProgressUpdateFactory(
        project=project, period_start=last_week_start(), done_this_period="Racks delivered."
    )

    report = commit(
        services.highlight_report_request,
        project=project,
        actor=project.project_manager,
        audience="internal",
        language="en",
        period_start=last_week_start(),
    )

    report.refresh_from_db()
    assert report.status == Status.READY
    assert report.attempts == 1
    assert report.page_count >= 2
    text = pdf_text(report)
    assert project.code in text
    assert "Racks delivered." in text
    assert "Profit and loss" in text


def test_the_customer_version_leaves_the_margins_out(project, commit):
    report = commit(
        services.highlight_report_request,
        project=project,
        actor=None,
        audience="customer",
        language="en",
        period_start=last_week_start(),
    )

    report.refresh_from_db()
    text = pdf_text(report)
    assert "Profit and loss" not in text
    assert "Margin" not in text
    assert project.customer.name in text


def test_a_second_worker_does_nothing_on_a_report_already_claimed(project, commit):
    report = commit(
        services.highlight_report_request,
        project=project,
        actor=None,
        audience="internal",
        language="en",
        period_start=last_week_start(),
    )
    report.refresh_from_db()
    file_name = report.file.name

    assert services.highlight_report_render(report_id=report.pk) is False

    report.refresh_from_db()
    assert (report.status, report.attempts, report.file.name) == (Status.READY, 1, file_name)


def test_a_failed_report_keeps_its_error_and_can_be_retried(project, commit, monkeypatch):
    monkeypatch.setattr("reporting.rendering.highlight_report_pdf", lambda **kwargs: 1 / 0)
    report = commit(
        services.highlight_report_request,
        project=project,
        actor=None,
        audience="internal",
        language="en",
        period_start=last_week_start(),
    )
    report.refresh_from_db()
    assert report.status == Status.FAILED
    assert "ZeroDivisionError" in report.error
    monkeypatch.undo()

    commit(services.highlight_report_retry, report=report, actor=project.project_manager)

    report.refresh_from_db()
    assert (report.status, report.error, report.attempts) == (Status.READY, "", 2)


def test_a_report_left_rendering_by_a_dead_worker_is_swept_back_and_made(project):
    snapshot = services.snapshot_take(project=project, week_start=last_week_start())
    report = HighlightReport.objects.create(
        project=project,
        period_start=snapshot.week_start,
        period_end=snapshot.week_start + timedelta(days=6),
        audience="internal",
        language="fr",
        snapshot=snapshot,
        status=Status.RENDERING,
        started_at=timezone.now() - timedelta(hours=1),
        attempts=1,
    )

    assert services.highlight_reports_sweep_stale() == 1

    report.refresh_from_db()
    assert (report.status, report.attempts) == (Status.READY, 2)


def test_a_snapshot_is_frozen_once_per_week(project):
    first = services.snapshot_take(project=project, week_start=last_week_start())
    project.budget = project.budget * 2
    project.save()

    second = services.snapshot_take(project=project, week_start=last_week_start() + timedelta(days=3))

    assert second.pk == first.pk
    assert second.budget == first.budget
    assert second.data["tolerance"]["time_days"] == 5


def test_the_weekly_batch_reports_each_active_project_and_mails_once(project):
    ProjectFactory(phase="cancelled")
    DistributionRecipientFactory(
        project=project, language="nl", audience="customer", email="board@stad.example"
    )
    DistributionRecipientFactory(project=project, language="nl", audience="customer", email="it@stad.example")
    DistributionRecipientFactory(project=project, language="fr", audience="internal", email="pmo@pmo.example")

    services.weekly_batch_run()
    services.weekly_batch_run()

    reports = HighlightReport.objects.filter(project=project)
    assert sorted(reports.values_list("audience", "language")) == [
        ("customer", "nl"),
        ("internal", "en"),
        ("internal", "fr"),
    ]
    assert set(reports.values_list("status", flat=True)) == {Status.READY}
    assert HighlightReport.objects.count() == 3
    assert ProjectSnapshot.objects.count() == 1
    assert len(mail.outbox) == 2
    customer_mail = next(message for message in mail.outbox if "board@stad.example" in message.bcc)
    assert sorted(customer_mail.bcc) == ["board@stad.example", "it@stad.example"]
    assert customer_mail.attachments[0].mimetype == "application/pdf"
    assert project.code in customer_mail.subject


def test_the_command_renders_one_report_to_a_file(project, tmp_path):
    from django.core.management import call_command

    output = tmp_path / "out.pdf"

    call_command(
        "highlight_report", project.code, "--audience", "customer", "--lang", "nl", "-o", str(output)
    )

    text = "\n".join(page.extract_text() for page in PdfReader(output).pages)
    assert project.code in text


class TestPages:
    @pytest.fixture
    def report(self, project, commit):
        report = commit(
            services.highlight_report_request,
            project=project,
            actor=None,
            audience="internal",
            language="en",
            period_start=last_week_start(),
        )
        report.refresh_from_db()
        return report

    def test_the_manager_downloads_the_internal_pdf(self, client, project, report):
        client.force_login(project.project_manager)

        response = client.get(f"/reporting/reports/{report.pk}/download/")

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")

    @pytest.mark.parametrize("role", [Role.SALES, Role.ENGINEERING_MANAGER])
    def test_readers_without_margins_cannot_see_the_internal_version(self, client, project, report, role):
        reader = user_with_role(role)
        project.account_manager = reader
        project.save()
        client.force_login(reader)

        assert client.get(f"/reporting/reports/{report.pk}/").status_code == 404
        assert client.get(f"/reporting/reports/{report.pk}/download/").status_code == 404

    def test_another_project_manager_sees_nothing(self, client, report):
        client.force_login(user_with_role(Role.PROJECT_MANAGER))

        assert client.get(f"/reporting/reports/{report.pk}/download/").status_code == 404

    def test_the_status_fragment_polls_until_ready(self, client, project, report):
        HighlightReport.objects.filter(pk=report.pk).update(status=Status.RENDERING)
        client.force_login(project.project_manager)

        rendering = client.get(f"/reporting/reports/{report.pk}/", headers={"HX-Request": "true"})
        HighlightReport.objects.filter(pk=report.pk).update(status=Status.READY)
        ready = client.get(f"/reporting/reports/{report.pk}/", headers={"HX-Request": "true"})

        assert 'hx-trigger="every 2s"' in rendering.text
        assert "<html" not in rendering.text
        assert "hx-trigger" not in ready.text
        assert f"/reporting/reports/{report.pk}/download/" in ready.text

    def test_requesting_a_report_redirects_to_its_job(
        self, client, project, django_capture_on_commit_callbacks
    ):
        client.force_login(project.project_manager)

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/reporting/projects/{project.pk}/reports/create/",
                {"period_start": last_week_start().isoformat(), "audience": "customer", "language": "fr"},
            )

        report = HighlightReport.objects.get()
        assert response.status_code == 302
        assert response["Location"] == report.get_absolute_url()
        assert (report.audience, report.language, report.requested_by) == (
            "customer",
            "fr",
            project.project_manager,
        )
        assert report.status == Status.READY

    def test_a_sales_person_cannot_request_the_internal_version(self, client, project):
        seller = user_with_role(Role.SALES)
        project.account_manager = seller
        project.save()
        client.force_login(seller)

        response = client.post(
            f"/reporting/projects/{project.pk}/reports/create/",
            {"period_start": last_week_start().isoformat(), "audience": "internal", "language": "fr"},
        )

        assert response.status_code == 200
        assert not HighlightReport.objects.exists()

    def test_retry_and_create_refuse_get(self, client, project, report):
        client.force_login(project.project_manager)

        assert client.get(f"/reporting/reports/{report.pk}/retry/").status_code == 405
        assert client.get(f"/reporting/projects/{project.pk}/reports/create/").status_code == 405
