"""Quotation pages: list, form, detail, PDF, and one POST path per action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pmo.lib.http import AuthenticatedHttpRequest
from pmo.lib.listing import paginate, sort_queryset
from pmo.lib.views import post_action
from pmo.selectors import history_for
from projects import selectors, services
from projects.forms.quotations import (
    QuotationDecisionForm,
    QuotationForm,
    QuotationLineFormSet,
    quotation_lines_from,
)
from projects.models import Quotation, QuotationStatus

QUOTATION_SORTS = {
    "number": "number",
    "customer": "customer__name",
    "status": "status",
    "price": "total_price",
    "valid": "valid_until",
}


@login_required
@permission_required("projects.view_quotation_list", raise_exception=True)
@require_GET
def quotation_list(request: AuthenticatedHttpRequest):
    quotations = selectors.quotation_list_for_user(user=request.user)
    status = request.GET.get("status", "")
    if status in QuotationStatus.values:
        quotations = quotations.filter(status=status)
    quotations, sort = sort_queryset(quotations, request.GET.get("sort"), QUOTATION_SORTS, "-number")
    return render(
        request,
        "projects/quotation_list.html",
        {
            "page": paginate(request, quotations),
            "sort": sort,
            "status": status,
            "status_tabs": [(value, label, value == status) for value, label in QuotationStatus.choices],
        },
    )


def _form_page(request: AuthenticatedHttpRequest, quotation: Quotation | None):
    form = QuotationForm(request.POST or None, instance=quotation)
    formset = QuotationLineFormSet(request.POST or None, instance=quotation or Quotation(), prefix="lines")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        values = {field: form.cleaned_data[field] for field in QuotationForm.Meta.fields}
        try:
            if quotation is None:
                quotation = services.quotation_create(
                    actor=request.user, lines=quotation_lines_from(formset), **values
                )
            else:
                services.quotation_update(
                    quotation=quotation, actor=request.user, lines=quotation_lines_from(formset), **values
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Quotation %(number)s saved.") % {"number": quotation.number})
            return redirect(quotation)
    return render(
        request, "projects/quotation_form.html", {"form": form, "formset": formset, "quotation": quotation}
    )


@login_required
@permission_required("projects.add_quotation", raise_exception=True)
@require_http_methods(["GET", "POST"])
def quotation_create(request: AuthenticatedHttpRequest):
    return _form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def quotation_update(request: AuthenticatedHttpRequest, pk: int):
    quotation = selectors.quotation_get_for_user(user=request.user, pk=pk, write=True)
    if not quotation.is_editable:
        raise PermissionDenied
    return _form_page(request, quotation)


@login_required
@require_GET
def quotation_detail(request: AuthenticatedHttpRequest, pk: int):
    quotation = selectors.quotation_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "projects/quotation_detail.html",
        {
            "quotation": quotation,
            "lines": quotation.lines.order_by("position", "pk"),
            "can_change": request.user.has_perm("projects.change_quotation", quotation),
            "decision_form": QuotationDecisionForm(),
            "history": history_for(obj=quotation),
        },
    )


def _action(request: AuthenticatedHttpRequest, pk: int, call, done: str):
    quotation = selectors.quotation_get_for_user(user=request.user, pk=pk, write=True)
    return post_action(
        request, lambda: call(quotation), success=done % {"number": quotation.number}, target=quotation
    )


@login_required
@require_POST
def quotation_send(request: AuthenticatedHttpRequest, pk: int):
    return _action(
        request,
        pk,
        lambda q: services.quotation_send(quotation=q, actor=request.user),
        _("Quotation %(number)s marked as sent."),
    )


@login_required
@require_POST
def quotation_accept(request: AuthenticatedHttpRequest, pk: int):
    as_project = request.POST.get("as_project") == "1"
    return _action(
        request,
        pk,
        lambda q: services.quotation_accept(quotation=q, actor=request.user, as_project=as_project),
        _("Quotation %(number)s accepted; its values were carried over."),
    )


@login_required
@require_POST
def quotation_decline(request: AuthenticatedHttpRequest, pk: int):
    reason = request.POST.get("reason", "")
    return _action(
        request,
        pk,
        lambda q: services.quotation_decline(quotation=q, actor=request.user, reason=reason),
        _("Quotation %(number)s declined."),
    )


@login_required
@require_GET
def quotation_pdf(request: AuthenticatedHttpRequest, pk: int):
    from projects.documents import quotation_pdf as render_pdf

    quotation = selectors.quotation_get_for_user(user=request.user, pk=pk)
    response = HttpResponse(render_pdf(quotation=quotation), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quotation.number}.pdf"'
    return response
