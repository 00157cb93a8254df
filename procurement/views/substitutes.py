"""A user's substitute approvers, under their profile: who approves in their place while they are away."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pmo.lib.http import AuthenticatedHttpRequest
from procurement import services
from procurement.forms import SubstituteForm
from procurement.models import ApproverSubstitute


@login_required
@require_http_methods(["GET", "POST"])
def substitute_list(request: AuthenticatedHttpRequest):
    form = SubstituteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.approver_substitute_create(absent=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your substitute is saved."))
            return redirect("procurement:substitute-list")
    entries = ApproverSubstitute.objects.filter(absent=request.user).select_related("substitute")
    standing_in = ApproverSubstitute.objects.filter(substitute=request.user).select_related("absent")
    context = {"form": form, "entries": entries, "standing_in": standing_in}
    return render(request, "procurement/substitutes.html", context)


@login_required
@require_POST
def substitute_delete(request: AuthenticatedHttpRequest, pk: int):
    entry = get_object_or_404(ApproverSubstitute, pk=pk, absent=request.user)
    services.approver_substitute_delete(entry=entry, actor=request.user)
    messages.success(request, _("Your substitute is withdrawn."))
    return redirect("procurement:substitute-list")
