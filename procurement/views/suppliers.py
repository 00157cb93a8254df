"""Supplier pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pmo.lib.http import AuthenticatedHttpRequest
from pmo.lib.listing import paginate, sort_queryset
from pmo.selectors import history_for
from procurement import selectors, services
from procurement.forms import SupplierForm
from procurement.models import Supplier

SUPPLIER_SORTS = {"name": "name", "kind": "kind", "city": "city", "orders": "order_count"}


@login_required
@permission_required("procurement.view_supplier", raise_exception=True)
@require_GET
def supplier_list(request: AuthenticatedHttpRequest):
    query = request.GET.get("q", "").strip()
    suppliers, sort = sort_queryset(
        selectors.supplier_list(search=query), request.GET.get("sort"), SUPPLIER_SORTS, "name"
    )
    page = paginate(request, suppliers)
    return render(request, "procurement/supplier_list.html", {"page": page, "sort": sort, "q": query})


@login_required
@require_GET
def supplier_detail(request: AuthenticatedHttpRequest, pk: int):
    supplier = selectors.supplier_get_for_user(user=request.user, pk=pk)
    orders = selectors.purchase_order_list_for_user(user=request.user).filter(supplier=supplier)[:20]
    return render(
        request,
        "procurement/supplier_detail.html",
        {
            "supplier": supplier,
            "orders": orders,
            "can_change": request.user.has_perm("procurement.change_supplier", supplier),
            "history": history_for(obj=supplier),
        },
    )


def _supplier_form_page(request: AuthenticatedHttpRequest, supplier: Supplier | None):
    form = SupplierForm(request.POST or None, instance=supplier)
    if request.method == "POST" and form.is_valid():
        try:
            if supplier is None:
                supplier = services.supplier_create(actor=request.user, **form.cleaned_data)
            else:
                supplier.refresh_from_db()
                services.supplier_update(supplier=supplier, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Supplier %(name)s saved.") % {"name": supplier.name})
            return redirect(supplier)
    return render(request, "procurement/supplier_form.html", {"form": form, "supplier": supplier})


@login_required
@permission_required("procurement.add_supplier", raise_exception=True)
@require_http_methods(["GET", "POST"])
def supplier_create(request: AuthenticatedHttpRequest):
    return _supplier_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def supplier_update(request: AuthenticatedHttpRequest, pk: int):
    return _supplier_form_page(request, selectors.supplier_get_for_user(user=request.user, pk=pk, write=True))
