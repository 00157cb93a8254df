"""Purchase order pages: list, form, detail, and one POST path per action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pmo.lib.http import AuthenticatedHttpRequest
from pmo.lib.listing import paginate, paginate_capped, sort_queryset
from pmo.lib.views import post_action
from pmo.roles import Role
from pmo.selectors import history_for
from procurement import selectors, services
from procurement.filters import PurchaseOrderFilter
from procurement.forms import (
    ApproveForm,
    PurchaseOrderForm,
    PurchaseOrderLineFormSet,
    ReceiptForm,
    RejectForm,
    TakeOverForm,
    chosen_project,
    edited_lines,
    lines_from_formset,
    order_form_figures,
)
from procurement.models import BudgetLine, PurchaseOrder, PurchaseOrderStatus
from procurement.services.peppol import peppol_order_missing
from projects.selectors import project_list_for_user

ORDER_SORTS = {
    "number": "number",
    "title": "title",
    "supplier": "supplier__name",
    "project": "project__code",
    "status": "status",
    "total": "total_excl",
    "created": "created_at",
}


@login_required
@permission_required("procurement.view_purchaseorder_list", raise_exception=True)
@require_GET
def purchase_order_list(request: AuthenticatedHttpRequest):
    order_filter = PurchaseOrderFilter(
        request.GET, queryset=selectors.purchase_order_list_for_user(user=request.user), request=request
    )
    orders, sort = sort_queryset(order_filter.qs, request.GET.get("sort"), ORDER_SORTS, "-number")
    page = paginate_capped(request, orders)  # every order of the company: counted a few pages ahead only
    template = "procurement/order_list.html#order-table" if request.htmx else "procurement/order_list.html"
    return render(request, template, {"filter": order_filter, "page": page, "sort": sort})


@login_required
@require_GET
def purchase_order_awaiting(request: AuthenticatedHttpRequest):
    orders = selectors.purchase_orders_awaiting(user=request.user)
    return render(request, "procurement/order_awaiting.html", {"page": paginate(request, orders)})


def _order_form_parts(request: AuthenticatedHttpRequest, order: PurchaseOrder | None, data):
    """The order form and its line formset; the budget lines offered follow the project chosen in `data`."""
    projects = project_list_for_user(user=request.user).order_by("-code")
    if not request.user.has_perm("procurement.add_purchaseorder_anywhere"):
        projects = projects.filter(project_manager=request.user)
    initial = {"project": request.GET.get("project")} if order is None and data is None else None
    form = PurchaseOrderForm(data, instance=order, projects=projects, initial=initial)
    project = chosen_project(form)
    formset = PurchaseOrderLineFormSet(
        edited_lines(data),
        instance=order or PurchaseOrder(),
        prefix="lines",
        form_kwargs={"budget_lines": _budget_lines_for(project)},
    )
    return form, formset, project


def _budget_lines_for(project):
    if project is None:
        return BudgetLine.objects.none()
    return BudgetLine.objects.filter(project=project).select_related("category")


def _order_form_page(request: AuthenticatedHttpRequest, order: PurchaseOrder | None):
    form, formset, project = _order_form_parts(request, order, request.POST or None)
    editing_rows = {"add_line", "remove_line"} & set(request.POST)  # without JavaScript: rows, no save
    if request.method == "POST" and not editing_rows and form.is_valid() and formset.is_valid():
        values = {field: form.cleaned_data[field] for field in PurchaseOrderForm.Meta.fields}
        try:
            if order is None:
                order = services.purchase_order_create(
                    actor=request.user, lines=lines_from_formset(formset), **values
                )
            else:
                services.purchase_order_update(
                    order=order, actor=request.user, lines=lines_from_formset(formset), **values
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Order %(number)s saved.") % {"number": order.number})
            return redirect(order)
    context = {"form": form, "formset": formset, "order": order, **order_form_figures(formset, project)}
    return render(request, "procurement/order_form.html", context)


@login_required
@require_POST
def purchase_order_lines_partial(request: AuthenticatedHttpRequest):
    """htmx: the line rows again (project chosen, row added or removed), or only the running totals."""
    order = None
    if request.GET.get("order", "").isdigit():
        pk = int(request.GET["order"])
        order = selectors.purchase_order_get_for_user(user=request.user, pk=pk, write=True)
    elif not request.user.has_perm("procurement.add_purchaseorder"):
        raise PermissionDenied
    form, formset, project = _order_form_parts(request, order, request.POST)
    context = {"form": form, "formset": formset, "order": order, "partial": True}
    context.update(order_form_figures(formset, project))
    part = "order-totals" if request.GET.get("part") == "totals" else "order-lines"
    return render(request, f"procurement/order_form.html#{part}", context)


@login_required
@permission_required("procurement.add_purchaseorder", raise_exception=True)
@require_http_methods(["GET", "POST"])
def purchase_order_create(request: AuthenticatedHttpRequest):
    return _order_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def purchase_order_update(request: AuthenticatedHttpRequest, pk: int):
    order = selectors.purchase_order_get_for_user(user=request.user, pk=pk, write=True)
    if not order.is_editable:
        raise PermissionDenied
    return _order_form_page(request, order)


@login_required
@require_GET
def purchase_order_detail(request: AuthenticatedHttpRequest, pk: int):
    order = selectors.purchase_order_get_for_user(user=request.user, pk=pk)
    requirements = selectors.approval_requirements(order=order)
    pending = selectors.pending_roles_for(user=request.user, order=order, requirements=requirements)
    context = {
        "order": order,
        "lines": selectors.purchase_order_lines(order=order),
        "requirements": requirements,
        "can_approve": order.can_move_to(PurchaseOrderStatus.APPROVED) and bool(pending),
        "needs_justification": any(requirement.requires_justification for requirement in pending),
        "approvals": selectors.purchase_order_approvals(order=order),
        "receipts": order.receipts.select_related("received_by").prefetch_related("lines__order_line"),
        "invoices": order.invoices.all(),
        "can_change": request.user.has_perm("procurement.change_purchaseorder", order),
        "is_requester": order.requester_id == request.user.pk,
        "approve_form": ApproveForm(),
        "blocker": selectors.approval_blocker(user=request.user, order=order, requirements=requirements)
        if order.can_move_to(PurchaseOrderStatus.APPROVED)
        else "",
        "take_over_form": _take_over_form(request.user, order, requirements),
        "reject_form": RejectForm(),
        "history": history_for(obj=order),
        "peppol_missing": peppol_order_missing(order=order),
    }
    return render(request, "procurement/order_detail.html", context)


def _take_over_form(user, order, requirements):
    """The head of PM's form to approve a pending step in others' place (not on their own order)."""
    if not order.can_move_to(PurchaseOrderStatus.APPROVED) or order.requester_id == user.pk:
        return None
    if not user.has_role(Role.HEAD_OF_PM):
        return None
    steps = [requirement for requirement in requirements if requirement.approval is None]
    steps = [requirement for requirement in steps if not requirement.can_be_filled_by(user)]
    return TakeOverForm(steps=steps) if steps else None


def _action(request: AuthenticatedHttpRequest, pk: int, call, done: str, *, write: bool = True):
    """Run one order action for a user who may change the order; errors come back as messages."""
    order = selectors.purchase_order_get_for_user(user=request.user, pk=pk, write=write)
    return post_action(request, lambda: call(order), success=done % {"number": order.number}, target=order)


@login_required
@require_POST
def purchase_order_submit(request: AuthenticatedHttpRequest, pk: int):
    return _action(
        request,
        pk,
        lambda order: services.purchase_order_submit(order=order, actor=request.user),
        _("Order %(number)s submitted for approval."),
    )


@login_required
@require_POST
def purchase_order_approve(request: AuthenticatedHttpRequest, pk: int):
    form = ApproveForm(request.POST)
    justification = form.data.get("justification", "")
    return _action(
        request,
        pk,
        lambda order: services.purchase_order_approve(
            order=order, approver=request.user, justification=justification
        ),
        _("Your approval of %(number)s is recorded."),
        write=False,
    )


@login_required
@require_POST
def purchase_order_take_over(request: AuthenticatedHttpRequest, pk: int):
    role, justification = request.POST.get("role", ""), request.POST.get("justification", "")
    return _action(
        request,
        pk,
        lambda order: services.purchase_order_take_over(
            order=order, approver=request.user, role=role, justification=justification
        ),
        _("You took the step over; your approval of %(number)s is recorded."),
        write=False,
    )


@login_required
@require_POST
def purchase_order_reject(request: AuthenticatedHttpRequest, pk: int):
    reason = request.POST.get("reason", "")
    return _action(
        request,
        pk,
        lambda order: services.purchase_order_reject(order=order, approver=request.user, reason=reason),
        _("Order %(number)s rejected."),
        write=False,
    )


@login_required
@require_POST
def purchase_order_reopen(request: AuthenticatedHttpRequest, pk: int):
    return _action(
        request,
        pk,
        lambda order: services.purchase_order_reopen(order=order, actor=request.user),
        _("Order %(number)s is a draft again."),
    )


@login_required
@require_POST
def purchase_order_send(request: AuthenticatedHttpRequest, pk: int):
    return _action(
        request,
        pk,
        lambda order: services.purchase_order_send(order=order, actor=request.user),
        _("Order %(number)s emailed to the supplier."),
    )


@login_required
@require_POST
def purchase_order_cancel(request: AuthenticatedHttpRequest, pk: int):
    return _action(
        request,
        pk,
        lambda order: services.purchase_order_cancel(order=order, actor=request.user),
        _("Order %(number)s cancelled."),
    )


@login_required
@require_POST
def purchase_order_close(request: AuthenticatedHttpRequest, pk: int):
    return _action(
        request,
        pk,
        lambda order: services.purchase_order_close(order=order, actor=request.user),
        _("Order %(number)s closed."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def purchase_order_receive(request: AuthenticatedHttpRequest, pk: int):
    order = selectors.purchase_order_get_for_user(user=request.user, pk=pk, write=True)
    lines = selectors.purchase_order_lines(order=order)
    form = ReceiptForm(request.POST or None, lines=lines, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.goods_receipt_record(
                order=order,
                quantities=form.quantities(),
                received_on=form.cleaned_data["received_on"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Receipt recorded."))
            return redirect(order)
    return render(request, "procurement/order_receive.html", {"order": order, "form": form, "lines": lines})


@login_required
@require_GET
def purchase_order_pdf(request: AuthenticatedHttpRequest, pk: int):
    from procurement.services.documents import purchase_order_pdf as render_pdf

    order = selectors.purchase_order_get_for_user(user=request.user, pk=pk)
    response = HttpResponse(render_pdf(order=order), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
    return response


@login_required
@require_GET
def purchase_order_ubl(request: AuthenticatedHttpRequest, pk: int):
    from procurement.services.documents import purchase_order_ubl as render_ubl

    order = selectors.purchase_order_get_for_user(user=request.user, pk=pk)
    try:
        document = render_ubl(order=order)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(order)
    response = HttpResponse(document, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{order.number}.xml"'
    return response
