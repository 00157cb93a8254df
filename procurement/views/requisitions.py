"""Purchase requisition pages: list, request, detail, review actions, ordering or tendering accepted ones."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pmo.lib.listing import paginate, sort_queryset
from pmo.lib.views import post_action
from pmo.selectors import history_for
from procurement.filters import RequisitionFilter
from procurement.models import PurchaseRequisition
from procurement.rules import is_buyer
from procurement.selectors.tenders import (
    requisition_get_for_user,
    requisition_list_for_user,
    requisitions_to_order,
)
from procurement.services import requisitions as services
from procurement.services.tenders import rfq_create
from procurement.tender_forms import ReasonForm, RequisitionForm, RequisitionOrderForm
from projects.selectors import project_get_for_user, project_list_for_user, projects_on_team_of

SORTS = {
    "number": "number",
    "project": "project__code",
    "needed_by": "needed_by",
    "status": "status",
    "requester": "requester__display_name",
}


@login_required
@require_GET
def requisition_list(request):
    requisition_filter = RequisitionFilter(
        request.GET, queryset=requisition_list_for_user(user=request.user), request=request
    )
    requisitions, sort = sort_queryset(requisition_filter.qs, request.GET.get("sort"), SORTS, "-number")
    page = paginate(request, requisitions)
    template = "procurement/requisition_list.html"
    if request.htmx:
        template += "#requisition-table"
    return render(request, template, {"filter": requisition_filter, "page": page, "sort": sort})


def _projects_for(user):
    """Where a user may request: the projects they work on (the PMO: every project they see)."""
    if is_buyer(user):
        return project_list_for_user(user=user).order_by("-code")
    return (
        project_list_for_user(user=user)
        .model.objects.filter(pk__in=projects_on_team_of(user=user).values("pk"))
        .order_by("-code")
    )


@login_required
@require_http_methods(["GET", "POST"])
def requisition_create(request):
    projects = _projects_for(request.user)
    initial = {"project": request.GET.get("project"), "needed_by": timezone.localdate() + timedelta(days=14)}
    form = RequisitionForm(request.POST or None, request.FILES or None, projects=projects, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.FIELDS}
        try:
            requisition = services.requisition_submit(
                actor=request.user,
                project=form.cleaned_data["project"],
                attachment=request.FILES.get("attachment"),
                **values,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Requisition %(number)s sent to the PMO.") % {"number": requisition.number}
            )
            return redirect(requisition)
    return render(request, "procurement/requisition_form.html", {"form": form, "requisition": None})


@login_required
@require_http_methods(["GET", "POST"])
def requisition_update(request, pk: int):
    requisition = requisition_get_for_user(user=request.user, pk=pk, write=True)
    if not requisition.workflow.can_move(requisition, "submitted"):
        raise PermissionDenied
    form = RequisitionForm(
        request.POST or None,
        request.FILES or None,
        instance=requisition,
        projects=_projects_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.FIELDS}
        try:
            services.requisition_update(
                requisition=requisition,
                actor=request.user,
                attachment=request.FILES.get("attachment"),
                **values,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Requisition %(number)s sent again.") % {"number": requisition.number}
            )
            return redirect(requisition)
    return render(request, "procurement/requisition_form.html", {"form": form, "requisition": requisition})


@login_required
@require_GET
def requisition_detail(request, pk: int):
    requisition = requisition_get_for_user(user=request.user, pk=pk)
    order_line = requisition.order_line
    order = order_line.order if order_line else None
    context = {
        "requisition": requisition,
        "order": order,
        "order_line": order_line,
        "can_open_order": order is not None
        and request.user.has_perm("procurement.view_purchaseorder", order),
        "receipts": order_line.receipt_lines.select_related("receipt") if order_line else [],
        "reason_form": ReasonForm(),
        "can_review": request.user.has_perm("procurement.review_purchaserequisition", requisition),
        "can_edit": request.user.has_perm("procurement.change_purchaserequisition", requisition)
        and requisition.workflow.can_move(requisition, "submitted"),
        "history": history_for(obj=requisition),
    }
    return render(request, "procurement/requisition_detail.html", context)


def _review(request, pk: int, call, done: str):
    requisition = requisition_get_for_user(user=request.user, pk=pk)
    return post_action(
        request, lambda: call(requisition), success=done % {"number": requisition.number}, target=requisition
    )


@login_required
@require_POST
def requisition_accept(request, pk: int):
    return _review(
        request,
        pk,
        lambda requisition: services.requisition_accept(requisition=requisition, actor=request.user),
        _("Requisition %(number)s accepted."),
    )


@login_required
@require_POST
def requisition_return(request, pk: int):
    reason = request.POST.get("reason", "")
    return _review(
        request,
        pk,
        lambda requisition: services.requisition_return(
            requisition=requisition, actor=request.user, reason=reason
        ),
        _("Requisition %(number)s returned to its requester."),
    )


@login_required
@require_POST
def requisition_reject(request, pk: int):
    reason = request.POST.get("reason", "")
    return _review(
        request,
        pk,
        lambda requisition: services.requisition_reject(
            requisition=requisition, actor=request.user, reason=reason
        ),
        _("Requisition %(number)s rejected."),
    )


@login_required
@require_POST
def requisition_cancel(request, pk: int):
    return _review(
        request,
        pk,
        lambda requisition: services.requisition_cancel(requisition=requisition, actor=request.user),
        _("Requisition %(number)s withdrawn."),
    )


@login_required
@require_GET
def requisition_attachment(request, pk: int):
    requisition = requisition_get_for_user(user=request.user, pk=pk)
    if not requisition.attachment:
        raise Http404
    try:
        handle = requisition.attachment.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=requisition.attachment_name,
        content_type=requisition.attachment_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def requisition_order(request, pk: int):
    """A project's accepted requisitions: order them (one draft order per supplier) or ask for quotes."""
    project = project_get_for_user(user=request.user, pk=pk)
    if not request.user.has_perm(
        "procurement.review_purchaserequisition", PurchaseRequisition(project=project)
    ):
        raise PermissionDenied
    waiting = requisitions_to_order(user=request.user, project=project)
    form = RequisitionOrderForm(request.POST or None, requisitions=waiting, project=project)
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["requisitions"])
        try:
            if "tender" in request.POST:
                rfq = rfq_create(
                    actor=request.user,
                    project=project,
                    lines=[],
                    requisitions=chosen,
                    budget_line=form.cleaned_data["budget_line"],
                    title=", ".join(requisition.description for requisition in chosen)[:200],
                    deadline=timezone.localdate() + timedelta(days=14),
                )
                messages.success(
                    request, _("Request for quotation %(number)s opened.") % {"number": rfq.number}
                )
                return redirect(rfq)
            orders = services.requisitions_order(
                requisitions=chosen,
                actor=request.user,
                supplier=form.cleaned_data["supplier"],
                budget_line=form.cleaned_data["budget_line"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            numbers = ", ".join(order.number for order in orders)
            messages.success(request, _("Draft orders made: %(numbers)s.") % {"numbers": numbers})
            return redirect(orders[0])
    return render(request, "procurement/requisition_order.html", {"project": project, "form": form})
