"""The e-invoice inbox of finance: upload Peppol UBL invoices and credit notes, see where each went,
open one, and resolve the ones the app could not match."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pmo.lib.listing import paginate
from pmo.lib.views import post_action
from procurement.filters import EInvoiceFilter
from procurement.forms import EInvoiceMatchForm, EInvoiceRejectForm
from procurement.selectors.einvoices import (
    einvoice_document,
    einvoice_get_for_user,
    einvoice_list_for_user,
    einvoice_order_choices,
    finding_explained,
)
from procurement.services.einvoices import EInvoiceRefused, einvoice_match, einvoice_receive, einvoice_reject

MAX_XML_BYTES = 10 * 1024 * 1024


def _receive_uploads(request) -> None:
    files = request.FILES.getlist("documents")
    if not files:
        messages.error(request, _("Choose one or more UBL XML files."))
    for upload in files:
        if not 0 < upload.size <= MAX_XML_BYTES or not upload.name.lower().endswith(".xml"):
            messages.error(request, _("%(name)s: not a UBL XML file.") % {"name": upload.name})
            continue
        try:
            einvoice = einvoice_receive(xml=upload.read(), actor=request.user, file_name=upload.name)
        except EInvoiceRefused as refusal:  # its twin arrived at the same moment
            messages.error(request, f"{upload.name}: {refusal}")
            continue
        messages.info(
            request,
            f"{upload.name}: {einvoice.get_status_display()} {' '.join(map(str, einvoice.problems))}",
        )


@login_required
@require_http_methods(["GET", "POST"])
def einvoice_inbox(request):
    einvoices = einvoice_list_for_user(user=request.user)
    if request.method == "POST":
        if not request.user.has_perm("procurement.add_supplierinvoice"):
            raise PermissionDenied
        _receive_uploads(request)
        return redirect("procurement:einvoice-inbox")
    inbox_filter = EInvoiceFilter(request.GET, queryset=einvoices)
    return render(
        request,
        "procurement/einvoice_inbox.html",
        {
            "filter": inbox_filter,
            "page": paginate(request, inbox_filter.qs),
            "chosen_filter": inbox_filter.form.data.get("status", ""),
            "statuses": inbox_filter.filters["status"].extra["choices"],
        },
    )


@login_required
@require_GET
def einvoice_detail(request, pk: int):
    einvoice = einvoice_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "procurement/einvoice_detail.html",
        {
            "einvoice": einvoice,
            "document": einvoice_document(einvoice=einvoice),
            "findings": [finding_explained(finding) for finding in einvoice.findings],
            "match_form": EInvoiceMatchForm(orders=einvoice_order_choices(einvoice=einvoice)),
            "reject_form": EInvoiceRejectForm(),
        },
    )


@login_required
@require_POST
def einvoice_match_view(request, pk: int):
    einvoice = einvoice_get_for_user(user=request.user, pk=pk, write=True)
    form = EInvoiceMatchForm(request.POST, orders=einvoice_order_choices(einvoice=einvoice))
    if not form.is_valid():
        messages.error(request, _("Choose one of the supplier's approved orders."))
        return redirect(einvoice)
    return post_action(
        request,
        lambda: einvoice_match(einvoice=einvoice, order=form.cleaned_data["order"], actor=request.user),
        success=_match_message,
        target=einvoice,
    )


def _match_message(einvoice) -> str:
    if not einvoice.problems:
        return _("Matched to order %(order)s.") % {"order": einvoice.order.number}
    return _("%(status)s: %(problems)s") % {
        "status": einvoice.get_status_display(),
        "problems": " ".join(map(str, einvoice.problems)),
    }


@login_required
@require_POST
def einvoice_reject_view(request, pk: int):
    einvoice = einvoice_get_for_user(user=request.user, pk=pk, write=True)
    form = EInvoiceRejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the e-invoice is rejected."))
        return redirect(einvoice)
    return post_action(
        request,
        lambda: einvoice_reject(einvoice=einvoice, actor=request.user, reason=form.cleaned_data["reason"]),
        success=_("E-invoice rejected."),
        target=einvoice,
    )


@login_required
@require_GET
def einvoice_pdf(request, pk: int):
    einvoice = einvoice_get_for_user(user=request.user, pk=pk)
    if not einvoice.pdf.name:
        raise Http404
    name = einvoice.pdf.name.rsplit("/", 1)[-1]
    return FileResponse(einvoice.pdf.open("rb"), content_type="application/pdf", filename=name)
