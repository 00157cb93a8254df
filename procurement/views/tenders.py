"""Request for quotation pages: list, create, detail (lines, suppliers, pack), quotes, comparison, award,
and the supplier's own quote page behind a tokenised link (no login)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pmo.lib.listing import paginate, sort_queryset
from pmo.lib.views import post_action
from pmo.selectors import history_for
from procurement.filters import RfqFilter
from procurement.models import BudgetLine, RfqDocument, RfqInvitation, SupplierQuote
from procurement.selectors.tenders import (
    invitation_get_by_token,
    rfq_comparison,
    rfq_get_for_user,
    rfq_invitations,
    rfq_list_for_user,
)
from procurement.services import tenders as services
from procurement.tender_forms import AwardForm, DocumentForm, InviteForm, QuoteForm, RfqForm, RfqLineForm
from projects.selectors import project_list_for_user

SORTS = {"number": "number", "project": "project__code", "deadline": "deadline", "status": "status"}
LINE_FIELDS = ("description", "quantity", "unit", "budget_line")
RfqLineFormSet = forms.formset_factory(RfqLineForm, extra=3)


@login_required
@require_GET
def rfq_list(request):
    if not request.user.has_perm("procurement.add_requestforquotation") and not request.user.has_perm(
        "procurement.view_money"
    ):
        raise PermissionDenied
    rfq_filter = RfqFilter(request.GET, queryset=rfq_list_for_user(user=request.user))
    rfqs, sort = sort_queryset(rfq_filter.qs, request.GET.get("sort"), SORTS, "-number")
    template = "procurement/rfq_list.html#rfq-table" if request.htmx else "procurement/rfq_list.html"
    return render(request, template, {"filter": rfq_filter, "page": paginate(request, rfqs), "sort": sort})


def _rfq_projects(user):
    projects = project_list_for_user(user=user).order_by("-code")
    if not user.has_perm("procurement.add_purchaseorder_anywhere"):
        projects = projects.filter(project_manager=user)
    return projects


@login_required
@require_http_methods(["GET", "POST"])
def rfq_create(request):
    if not request.user.has_perm("procurement.add_requestforquotation"):
        raise PermissionDenied
    projects = _rfq_projects(request.user)
    form = RfqForm(request.POST or None, projects=projects, initial={"project": request.GET.get("project")})
    budget_lines = BudgetLine.objects.filter(project__in=projects).select_related("project", "category")
    formset = RfqLineFormSet(request.POST or None, prefix="lines", form_kwargs={"budget_lines": budget_lines})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        lines = [
            {name: line.cleaned_data[name] for name in LINE_FIELDS}
            for line in formset
            if line.cleaned_data.get("description")
        ]
        values = {name: form.cleaned_data[name] for name in services.RFQ_FIELDS}
        try:
            rfq = services.rfq_create(
                actor=request.user, project=form.cleaned_data["project"], lines=lines, **values
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Request for quotation %(number)s opened.") % {"number": rfq.number})
            return redirect(rfq)
    return render(request, "procurement/rfq_form.html", {"form": form, "formset": formset})


@login_required
@require_GET
def rfq_detail(request, pk: int):
    rfq = rfq_get_for_user(user=request.user, pk=pk)
    can_change = request.user.has_perm("procurement.change_requestforquotation", rfq)
    budget_lines = BudgetLine.objects.filter(project=rfq.project).select_related("project", "category")
    context = {
        "rfq": rfq,
        "lines": rfq.lines.select_related("budget_line__category", "requisition").order_by("position", "pk"),
        "invitations": rfq_invitations(rfq=rfq),
        "documents": rfq.documents.all(),
        "can_change": can_change,
        "line_form": RfqLineForm(budget_lines=budget_lines, prefix="line") if can_change else None,
        "invite_form": InviteForm(rfq=rfq) if can_change else None,
        "document_form": DocumentForm() if can_change else None,
        "history": history_for(obj=rfq),
    }
    return render(request, "procurement/rfq_detail.html", context)


def _draft_change(request, pk: int, call, done: str):
    rfq = rfq_get_for_user(user=request.user, pk=pk, write=True)
    return post_action(request, lambda: call(rfq), success=done, target=rfq)


@login_required
@require_POST
def rfq_line_add(request, pk: int):
    rfq = rfq_get_for_user(user=request.user, pk=pk, write=True)
    budget_lines = BudgetLine.objects.filter(project=rfq.project)
    form = RfqLineForm(request.POST, budget_lines=budget_lines, prefix="line")
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(str(message) for message in error))
        return redirect(rfq)
    values = {name: form.cleaned_data[name] for name in LINE_FIELDS}
    return post_action(
        request,
        lambda: services.rfq_line_add(rfq=rfq, actor=request.user, **values),
        success=_("Line added."),
        target=rfq,
    )


@login_required
@require_POST
def rfq_invite(request, pk: int):
    rfq = rfq_get_for_user(user=request.user, pk=pk, write=True)
    form = InviteForm(request.POST, rfq=rfq)
    if not form.is_valid():
        messages.error(request, _("Choose a supplier to invite."))
        return redirect(rfq)
    supplier = form.cleaned_data["supplier"]
    return post_action(
        request,
        lambda: services.rfq_supplier_invite(rfq=rfq, supplier=supplier, actor=request.user),
        success=_("%(supplier)s invited.") % {"supplier": supplier},
        target=rfq,
    )


@login_required
@require_POST
def rfq_uninvite(request, pk: int, invitation_pk: int):
    rfq = rfq_get_for_user(user=request.user, pk=pk, write=True)
    invitation = get_object_or_404(RfqInvitation, pk=invitation_pk, rfq=rfq)
    return post_action(
        request,
        lambda: services.rfq_supplier_remove(invitation=invitation, actor=request.user),
        success=_("Supplier removed from the request."),
        target=rfq,
    )


@login_required
@require_POST
def rfq_document_add(request, pk: int):
    rfq = rfq_get_for_user(user=request.user, pk=pk, write=True)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
        return redirect(rfq)
    return post_action(
        request,
        lambda: services.rfq_document_add(rfq=rfq, upload=form.cleaned_data["file"], actor=request.user),
        success=_("Document added to the pack."),
        target=rfq,
    )


def _file_response(field, name: str, content_type: str):
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def rfq_document_download(request, pk: int, document_pk: int):
    rfq = rfq_get_for_user(user=request.user, pk=pk)
    document = get_object_or_404(RfqDocument, pk=document_pk, rfq=rfq)
    return _file_response(document.file, document.original_name, document.content_type)


@login_required
@require_GET
def quote_offer_download(request, pk: int, invitation_pk: int):
    rfq = rfq_get_for_user(user=request.user, pk=pk)
    quote = get_object_or_404(SupplierQuote, invitation__pk=invitation_pk, invitation__rfq=rfq)
    return _file_response(quote.offer, quote.offer_name, quote.offer_type)


@login_required
@require_POST
def rfq_send(request, pk: int):
    return _draft_change(
        request,
        pk,
        lambda rfq: services.rfq_send(rfq=rfq, actor=request.user),
        _("Request for quotation sent to the invited suppliers."),
    )


@login_required
@require_POST
def rfq_cancel(request, pk: int):
    return _draft_change(
        request, pk, lambda rfq: services.rfq_cancel(rfq=rfq, actor=request.user), _("Request cancelled.")
    )


@login_required
@require_GET
def rfq_pdf(request, pk: int):
    from procurement.services.tender_documents import rfq_pdf as render_pdf

    rfq = rfq_get_for_user(user=request.user, pk=pk)
    invitation = None
    if request.GET.get("supplier", "").isdigit():
        invitation = get_object_or_404(RfqInvitation, rfq=rfq, supplier_id=int(request.GET["supplier"]))
    response = HttpResponse(render_pdf(rfq=rfq, invitation=invitation), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{rfq.number}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def quote_record(request, pk: int, invitation_pk: int):
    """The PMO records one supplier's quote from the offer received."""
    rfq = rfq_get_for_user(user=request.user, pk=pk, write=True)
    invitation = get_object_or_404(
        RfqInvitation.objects.select_related("supplier"), pk=invitation_pk, rfq=rfq
    )
    lines = rfq.lines.order_by("position", "pk")
    form = QuoteForm(request.POST or None, request.FILES or None, lines=lines, rate=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.quote_record(
                invitation=invitation,
                actor=request.user,
                prices=form.prices(),
                offer=form.cleaned_data["offer"],
                **form.values(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Quote of %(supplier)s recorded.") % {"supplier": invitation.supplier}
            )
            return redirect(rfq)
    context = {"rfq": rfq, "invitation": invitation, "form": form}
    return render(request, "procurement/quote_form.html", context)


@login_required
@require_GET
def rfq_compare(request, pk: int):
    rfq = rfq_get_for_user(user=request.user, pk=pk)
    comparison = rfq_comparison(rfq=rfq)
    quotes = SupplierQuote.objects.filter(invitation__rfq=rfq).select_related("invitation__supplier")
    can_award = rfq.workflow.can_move(rfq, "awarded") and request.user.has_perm(
        "procurement.change_requestforquotation", rfq
    )
    initial = {"quote": comparison.best.quote.pk} if comparison.best else {}
    context = {
        "rfq": rfq,
        "comparison": comparison,
        "award_form": AwardForm(quotes=quotes, initial=initial) if can_award and comparison.quotes else None,
    }
    return render(request, "procurement/rfq_compare.html", context)


@login_required
@require_POST
def rfq_award(request, pk: int):
    rfq = rfq_get_for_user(user=request.user, pk=pk, write=True)
    quotes = SupplierQuote.objects.filter(invitation__rfq=rfq).select_related("invitation__supplier")
    form = AwardForm(request.POST, quotes=quotes)
    if not form.is_valid():
        messages.error(request, _("Choose the quote to award."))
        return redirect("procurement:rfq-compare", pk=rfq.pk)
    try:
        order = services.rfq_award(
            rfq=rfq,
            quote=form.cleaned_data["quote"],
            actor=request.user,
            justification=form.cleaned_data["justification"],
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("procurement:rfq-compare", pk=rfq.pk)
    messages.success(
        request,
        _("Awarded: draft order %(number)s made; submit it for approval.") % {"number": order.number},
    )
    return redirect(order)


@require_http_methods(["GET", "POST"])
def quote_by_link(request, token: str):
    """The supplier's own page: no login, in the supplier's language, answered once before it expires."""
    invitation = invitation_get_by_token(token=token)
    if invitation is None:
        raise Http404
    with translation.override(invitation.supplier.language):
        return _quote_by_link_page(request, invitation)


def _quote_by_link_page(request, invitation):
    rfq = invitation.rfq
    closed = ""
    if hasattr(invitation, "quote"):
        closed = _("Your quote is recorded. Thank you.")
    elif invitation.is_expired or not rfq.takes_quotes:
        closed = _("This request no longer takes quotes.")
    lines = rfq.lines.order_by("position", "pk")
    form = QuoteForm(request.POST or None, request.FILES or None, lines=lines, rate=False)
    if request.method == "POST" and not closed and form.is_valid():
        try:
            services.quote_submit_by_link(
                invitation=invitation, prices=form.prices(), offer=form.cleaned_data["offer"], **form.values()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("procurement:rfq-quote-by-link", token=invitation.token)
    context = {
        "rfq": rfq,
        "invitation": invitation,
        "form": form,
        "closed": closed,
        "LANGUAGE_CODE": translation.get_language(),
    }
    return render(
        request,
        "procurement/quote_by_link.html",
        context,
        status=410 if closed and request.method == "POST" else 200,
    )
