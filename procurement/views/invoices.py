"""Supplier invoices: recorded by finance against an order, matched, mismatches resolved."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pmo.lib.http import AuthenticatedHttpRequest
from pmo.lib.listing import paginate
from pmo.lib.transitions import allowed_actions
from procurement import selectors, services
from procurement.forms import InvoiceForm, ResolveForm
from procurement.models import InvoiceStatus


@login_required
@permission_required("procurement.view_supplierinvoice", raise_exception=True)
@require_GET
def invoice_list(request: AuthenticatedHttpRequest):
    status = request.GET.get("status", "")
    if status not in InvoiceStatus.values:
        status = ""
    invoices = selectors.supplier_invoice_list(status=status)
    return render(
        request,
        "procurement/invoice_list.html",
        {
            "page": paginate(request, invoices),
            "status": status,
            "status_tabs": [(value, label, value == status) for value, label in InvoiceStatus.choices],
        },
    )


@login_required
@permission_required("procurement.add_supplierinvoice", raise_exception=True)
@require_http_methods(["GET", "POST"])
def invoice_create(request: AuthenticatedHttpRequest, pk: int):
    order = selectors.purchase_order_get_for_user(user=request.user, pk=pk)
    lines = selectors.purchase_order_lines(order=order)
    form = InvoiceForm(request.POST or None, lines=lines)
    if request.method == "POST" and form.is_valid():
        try:
            invoice = services.supplier_invoice_record(
                order=order,
                lines=form.line_inputs(),
                actor=request.user,
                **{field: form.cleaned_data[field] for field in ("number", "invoice_date", "due_date")},
                structured_communication=form.cleaned_data["structured_communication"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Invoice recorded: %(status)s.") % {"status": invoice.get_status_display()}
            )
            return redirect(invoice)
    rows = [(line, form[f"quantity_{line.pk}"], form[f"price_{line.pk}"]) for line in form.lines]
    return render(request, "procurement/invoice_form.html", {"order": order, "form": form, "rows": rows})


@login_required
@require_GET
def invoice_detail(request: AuthenticatedHttpRequest, pk: int):
    invoice = selectors.supplier_invoice_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "procurement/invoice_detail.html",
        {
            "invoice": invoice,
            "resolve_form": ResolveForm(),
            "can_resolve": "resolve" in allowed_actions(invoice, request.user),
        },
    )


@login_required
@require_POST
def invoice_resolve(request: AuthenticatedHttpRequest, pk: int):
    invoice = selectors.supplier_invoice_get_for_user(user=request.user, pk=pk, write=True)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and say how the mismatch was resolved."))
        return redirect(invoice)
    try:
        services.supplier_invoice_resolve(invoice=invoice, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Invoice resolved."))
    return redirect(invoice)
