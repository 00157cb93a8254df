"""Audit evidence: what a checklist covers of its standard, and each project's statement of applicability."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from pmo.lib.exports import csv_response
from pmo.lib.http import AuthenticatedHttpRequest
from projects.selectors import project_get_for_user
from quality import forms
from quality.models import Standard
from quality.selectors import core as selectors
from quality.selectors.coverage import (
    CoverageState,
    project_applicability_rows,
    template_coverage,
)
from quality.services import applicability as services
from quality.services.review_documents import review_pdf_render
from quality.views.common import require_perm

STATE_LABELS = {
    CoverageState.COVERED: gettext_lazy("covered"),
    CoverageState.COVERED_BY_PARENT: gettext_lazy("covered by its parent clause"),
    CoverageState.NOT_COVERED: gettext_lazy("not covered"),
    CoverageState.OUTSIDE_PROJECTS: gettext_lazy("outside projects"),
}


def _state_label(state: str) -> str:
    return str(STATE_LABELS[state])


@login_required
@require_GET
def template_coverage_page(request: AuthenticatedHttpRequest, pk: int):
    require_perm(request.user, "quality.view_checklisttemplate")
    coverage = template_coverage(template=selectors.checklist_template_detail(pk=pk))
    if coverage is None:
        raise Http404
    rows = [(row, _state_label(row.state)) for row in coverage.rows]
    return render(request, "quality/template_coverage.html", {"coverage": coverage, "rows": rows})


@login_required
@require_GET
def template_coverage_csv(request: AuthenticatedHttpRequest, pk: int):
    require_perm(request.user, "quality.view_checklisttemplate")
    template = selectors.checklist_template_detail(pk=pk)
    coverage = template_coverage(template=template)
    if coverage is None:
        raise Http404
    header = [_("Reference"), _("Title"), _("Coverage"), _("Checklist items"), _("Why outside projects")]
    rows = (
        [
            row.reference.id,
            row.reference.title,
            _state_label(row.state),
            " | ".join(row.items),
            row.reference.reason_outside_projects,
        ]
        for row in coverage.rows
    )
    return csv_response([header, *rows], filename=f"coverage-{template.code}-v{template.version}")


def _standard(value: str) -> str:
    if value not in Standard.values:
        raise Http404
    return value


@login_required
def project_applicability(request: AuthenticatedHttpRequest, project_pk: int, standard: str):
    project = project_get_for_user(user=request.user, pk=project_pk)
    standard = _standard(standard)
    context = {
        "project": project,
        "standard": standard,
        "standard_label": Standard(standard).label,
        "rows": project_applicability_rows(project=project, standard=standard),
        "can_change": request.user.has_perm("quality.run_review", project),
        "form": forms.NotApplicableForm(),
    }
    return render(request, "quality/project_applicability.html", context)


@login_required
@require_POST
def project_applicability_change(request: AuthenticatedHttpRequest, project_pk: int, standard: str):
    project = project_get_for_user(user=request.user, pk=project_pk)
    standard = _standard(standard)
    require_perm(request.user, "quality.run_review", project)
    form = forms.NotApplicableForm(request.POST)
    target = redirect("quality:project-applicability", project_pk=project.pk, standard=standard)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return target
    reference = form.cleaned_data["reference"]
    try:
        if form.cleaned_data["applicable"]:
            services.control_mark_applicable(
                project=project, standard=standard, reference=reference, actor=request.user
            )
            messages.success(
                request, _("%(reference)s applies to this project again.") % {"reference": reference}
            )
        else:
            services.control_mark_not_applicable(
                project=project,
                standard=standard,
                reference=reference,
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
            messages.success(
                request,
                _("%(reference)s is marked not applicable to this project.") % {"reference": reference},
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return target


@login_required
@require_GET
def review_pdf(request: AuthenticatedHttpRequest, pk: int):
    review = selectors.review_get_for_user(user=request.user, pk=pk)
    pdf = review_pdf_render(review=review)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="review-{review.project.code}-{review.pk}.pdf"'
    return response
