from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import inlineformset_factory
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pmo.lib.http import AuthenticatedHttpRequest
from pmo.lib.listing import paginate, sort_queryset
from pmo.selectors import history_for
from projects import selectors, services
from projects.filters import CustomerFilter, ProjectFilter
from projects.forms.core import CustomerContactForm, CustomerForm, ProjectForm
from projects.models import Customer, CustomerContact
from projects.selectors.cockpit import project_cockpit

PROJECT_SORTS = {
    "code": "code",
    "name": "name",
    "customer": "customer__name",
    "phase": "phase",
    "level": "level",
    "budget": "budget",
    "start": "start_date",
    "end": "end_date",
}
CUSTOMER_SORTS = {"name": "name", "city": "city", "projects": "project_count"}

ContactFormSet = inlineformset_factory(
    Customer, CustomerContact, form=CustomerContactForm, extra=1, can_delete=True
)


@login_required
def project_list(request: AuthenticatedHttpRequest):
    project_filter = ProjectFilter(
        request.GET, queryset=selectors.project_list_for_user(user=request.user), request=request
    )
    projects, sort = sort_queryset(project_filter.qs, request.GET.get("sort"), PROJECT_SORTS, "-code")
    page = paginate(request, projects)
    template = "projects/project_list.html#project-table" if request.htmx else "projects/project_list.html"
    return render(request, template, {"filter": project_filter, "page": page, "sort": sort})


@login_required
def project_detail(request: AuthenticatedHttpRequest, pk: int):
    project = selectors.project_get_for_user(user=request.user, pk=pk)
    with_money = request.user.has_perm("procurement.view_money", project)
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "cockpit": project_cockpit(project=project, with_money=with_money),
            "with_money": with_money,
            "today": timezone.localdate(),
            "can_change": request.user.has_perm("projects.change_project", project),
            "can_view_documents": request.user.has_perm("projects.view_project_documents", project),
            "history": history_for(obj=project),
        },
    )


@login_required
@permission_required("projects.add_project", raise_exception=True)
@require_http_methods(["GET", "POST"])
def project_create(request: AuthenticatedHttpRequest):
    form = ProjectForm(request.POST or None, initial={"customer": request.GET.get("customer")})
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Project %(code)s created.") % {"code": project.code})
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def project_update(request: AuthenticatedHttpRequest, pk: int):
    project = selectors.project_get_for_user(user=request.user, pk=pk, write=True)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Project %(code)s saved.") % {"code": project.code})
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@login_required
def customer_list(request: AuthenticatedHttpRequest):
    customer_filter = CustomerFilter(
        request.GET, queryset=selectors.customer_list_for_user(user=request.user)
    )
    customers, sort = sort_queryset(customer_filter.qs, request.GET.get("sort"), CUSTOMER_SORTS, "name")
    page = paginate(request, customers)
    template = "projects/customer_list.html#customer-table" if request.htmx else "projects/customer_list.html"
    return render(request, template, {"filter": customer_filter, "page": page, "sort": sort})


@login_required
def customer_detail(request: AuthenticatedHttpRequest, pk: int):
    customer = selectors.customer_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "projects/customer_detail.html",
        {
            "customer": customer,
            "contacts": customer.contacts.all(),
            "projects": selectors.customer_projects_for_user(user=request.user, customer=customer),
            "can_change": request.user.has_perm("projects.change_customer", customer),
            "history": history_for(obj=customer),
        },
    )


def _customer_form_page(request: AuthenticatedHttpRequest, customer: Customer | None):
    form = CustomerForm(request.POST or None, instance=customer)
    contacts = ContactFormSet(request.POST or None, instance=customer or Customer(), prefix="contacts")
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        try:
            with transaction.atomic():
                if customer is None:
                    customer = services.customer_create(actor=request.user, **form.cleaned_data)
                else:
                    services.customer_update(customer=customer, actor=request.user, **form.cleaned_data)
                services.customer_contacts_save(customer=customer, formset=contacts, actor=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Customer %(name)s saved.") % {"name": customer.name})
            return redirect(customer)
    return render(
        request, "projects/customer_form.html", {"form": form, "contacts": contacts, "customer": customer}
    )


@login_required
@permission_required("projects.add_customer", raise_exception=True)
@require_http_methods(["GET", "POST"])
def customer_create(request: AuthenticatedHttpRequest):
    return _customer_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def customer_update(request: AuthenticatedHttpRequest, pk: int):
    return _customer_form_page(request, selectors.customer_get_for_user(user=request.user, pk=pk, write=True))
