"""The e-invoice inbox of finance: upload Peppol UBL invoices and credit notes, see where each went."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pmo.lib.http import AuthenticatedHttpRequest
from pmo.lib.listing import paginate
from procurement.models import EInvoice, EInvoiceStatus
from procurement.services.einvoices import einvoice_receive

MAX_XML_BYTES = 10 * 1024 * 1024


@login_required
@permission_required("procurement.add_supplierinvoice", raise_exception=True)
@require_http_methods(["GET", "POST"])
def einvoice_inbox(request: AuthenticatedHttpRequest):
    if request.method == "POST":
        files = request.FILES.getlist("documents")
        if not files:
            messages.error(request, _("Choose one or more UBL XML files."))
        for upload in files:
            name = upload.name or ""
            if upload.size is None or upload.size > MAX_XML_BYTES or not name.lower().endswith(".xml"):
                messages.error(request, _("%(name)s: not a UBL XML file.") % {"name": name})
                continue
            einvoice = einvoice_receive(xml=upload.read(), actor=request.user, file_name=name)
            messages.info(
                request,
                f"{name}: {einvoice.get_status_display()} {' '.join(map(str, einvoice.problems))}",
            )
        return redirect("procurement:einvoice-inbox")
    status = request.GET.get("status", "")
    einvoices = EInvoice.objects.select_related("supplier", "order").order_by("-received_at", "-pk")
    if status in EInvoiceStatus.values:
        einvoices = einvoices.filter(status=status)
    return render(
        request,
        "procurement/einvoice_inbox.html",
        {"page": paginate(request, einvoices), "chosen_filter": status, "statuses": EInvoiceStatus.choices},
    )
