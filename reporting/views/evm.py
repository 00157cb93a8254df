"""Earned value pages: the card of a project (loaded into the project page) and the portfolio table."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pmo.lib.listing import paginate_capped, sort_queryset
from projects.selectors import project_get_for_user
from reporting import selectors
from reporting.selectors.evm import EVM_SORTS, portfolio_evm, project_evm_card


@login_required
@require_GET
def project_evm(request, pk: int):
    project = project_get_for_user(user=request.user, pk=pk)
    if not request.user.has_perm("reporting.view_internal_report", project):
        raise PermissionDenied
    card = project_evm_card(project=project, today=timezone.localdate())
    return render(request, "reporting/evm_card.html", {"project": project, "card": card})


@login_required
@permission_required("reporting.view_portfolio_dashboard", raise_exception=True)
@require_GET
def portfolio_evm_list(request):
    projects = portfolio_evm(projects=selectors.portfolio_projects(user=request.user))
    rows, sort = sort_queryset(projects, request.GET.get("sort"), EVM_SORTS, "spi")
    # Every project of the portfolio (20,000 at scale XL): counted a few pages ahead, not all of them, and
    # sorted by key before the page's rows are read with their joins.
    page = paginate_capped(request, rows.select_related("project_manager"), keys_first=True)
    context = {"page": page, "sort": sort}
    return render(request, "reporting/evm_portfolio.html", context)
