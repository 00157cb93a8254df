"""Budget and P&L pages: per project, and the portfolio money view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pmo.lib.db import replica_view
from pmo.lib.http import AuthenticatedHttpRequest
from pmo.lib.listing import paginate, sort_queryset
from procurement import selectors, services
from procurement.forms import BudgetLineForm
from procurement.models import CostCategory
from projects.selectors import project_get_for_user

PORTFOLIO_SORTS = {
    "code": "code",
    "name": "name",
    "budget": "money_budget",
    "committed": "money_committed",
    "actual": "money_actual",
    "available": "money_available",
    "margin": "money_margin",
}


def _project_for_money(user, pk: int, *, write: bool = False):
    project = project_get_for_user(user=user, pk=pk)
    if not user.has_perm("procurement.view_money", project):
        raise PermissionDenied
    if write and not user.has_perm("procurement.change_budgetline", project):
        raise PermissionDenied
    return project


@login_required
@require_GET
def project_pnl(request: AuthenticatedHttpRequest, pk: int):
    project = _project_for_money(request.user, pk)
    pnl = selectors.project_pnl(project=project)
    return render(
        request,
        "procurement/project_pnl.html",
        {
            "project": pnl.project,
            "pnl": pnl,
            "can_change": request.user.has_perm("procurement.change_budgetline", project),
            "categories": CostCategory.objects.filter(is_active=True),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_line_edit(request: AuthenticatedHttpRequest, pk: int, category: str):
    project = _project_for_money(request.user, pk, write=True)
    cost_category = CostCategory.objects.filter(code=category).first()
    if cost_category is None:
        raise PermissionDenied
    line = project.budget_lines.filter(category=cost_category).first()
    initial = {"budget": line.budget, "forecast": line.forecast} if line else {}
    form = BudgetLineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_set(
                project=project, category=cost_category, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Budget line saved."))
            return redirect("procurement:project-pnl", pk=project.pk)
    return render(
        request,
        "procurement/budget_line_form.html",
        {"project": project, "category": cost_category, "form": form},
    )


@login_required
@permission_required("procurement.view_portfolio_money", raise_exception=True)
@require_GET
@replica_view  # a read-only report: a replica may answer it (docs/scaling.md)
def portfolio_money(request: AuthenticatedHttpRequest):
    projects = selectors.portfolio_money_for_user(user=request.user)
    query = request.GET.get("q", "").strip()
    if query:
        projects = projects.filter(code__icontains=query) | projects.filter(name__icontains=query)
    projects, sort = sort_queryset(projects, request.GET.get("sort"), PORTFOLIO_SORTS, "-code")
    page = paginate(request, projects)
    return render(request, "procurement/portfolio_money.html", {"page": page, "sort": sort, "q": query})
