"""Timesheet pages: a person's week grid (htmx cells), their sheets, and the approvers' queue."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pmo.lib.exports import csv_response, xlsx_response
from pmo.lib.views import post_action
from projects.forms.timesheets import (
    CostRateForm,
    CostRateResourceForm,
    RoleCostRateForm,
    TimeEntryExportForm,
    TimeEntryForm,
    TimesheetReturnForm,
    TimesheetTaskAddForm,
)
from projects.models import Task
from projects.selectors import timesheets as selectors
from projects.selectors.plan import iso_week_start
from projects.services import timesheets as services


def _parsed_week(value: str | None) -> date | None:
    """The Monday of an ISO week like 2026-W49; None when missing, malformed or far off."""
    year, _separator, week = (value or "").partition("-W")
    try:
        start = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        return None
    return start if 2000 <= start.year <= 2100 else None


def _week(value: str | None) -> date:
    """The week a page shows: the one asked for, or this week."""
    return _parsed_week(value) or iso_week_start(date.today())


def _posted_week(request) -> date:
    """The week an action changes: never a fallback, which would change a week nobody chose."""
    week_start = _parsed_week(request.POST.get("week"))
    if week_start is None:
        raise BadRequest("week: an ISO week like 2027-W09 is required")
    return week_start


def _iso(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _own_resource(request):
    resource = selectors.resource_for_user(user=request.user)
    if resource is None:
        raise PermissionDenied(_("You are not a resource of the plan: you have no timesheet."))
    return resource


def _week_url(week_start: date) -> str:
    return f"{reverse('projects:timesheet-week')}?week={_iso(week_start)}"


def _grid_context(request, resource, week_start: date) -> dict:
    extra = [int(pk) for pk in request.GET.getlist("task") if pk.isdigit()]
    return {
        "grid": selectors.week_grid(resource=resource, week_start=week_start, extra_task_ids=extra),
        "added_task_ids": extra,
        "add_form": TimesheetTaskAddForm(term=request.GET.get("task_search", ""), user=request.user),
        "week": _iso(week_start),
        "previous_week": _iso(week_start - timedelta(days=7)),
        "next_week": _iso(week_start + timedelta(days=7)),
        "this_week": _iso(iso_week_start(date.today())),
    }


@login_required
@require_GET
def timesheet_week(request):
    try:
        resource = _own_resource(request)
    except PermissionDenied as refusal:
        # Someone the top bar offers the page to but who books no hours (no resource): say why, no 403 page.
        return render(request, "projects/timesheet_none.html", {"reason": str(refusal)})
    context = _grid_context(request, resource, _week(request.GET.get("week")))
    return render(request, "projects/timesheet_week.html", context)


@login_required
@require_POST
def time_entry_save(request):
    """One cell typed in the grid: save it and send back the totals (htmx) or the whole week."""
    resource = _own_resource(request)
    form = TimeEntryForm(request.POST)
    error = ""
    week_start = iso_week_start(date.today())
    if form.is_valid():
        week_start = iso_week_start(form.cleaned_data["day"])
        task = Task.objects.filter(pk=form.cleaned_data["task"]).first()
        if task is None:
            raise Http404
        try:
            services.time_entry_set(
                resource=resource,
                task=task,
                day=form.cleaned_data["day"],
                hours=form.cleaned_data["hours"],
                actor=request.user,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(str(message) for messages in form.errors.values() for message in messages)
    if not request.htmx:
        return redirect(_week_url(week_start))
    context = _grid_context(request, resource, week_start) | {"error": error, "cell": request.POST}
    return render(request, "projects/timesheet_week.html#totals", context)


@login_required
@require_POST
def timesheet_week_submit(request):
    resource = _own_resource(request)
    week_start = _posted_week(request)
    return post_action(
        request,
        lambda: services.timesheet_week_submit(resource=resource, week_start=week_start, actor=request.user),
        success=_("Week submitted for approval."),
        target=_week_url(week_start),
    )


@login_required
@require_POST
def timesheet_week_copy(request):
    resource = _own_resource(request)
    week_start = _posted_week(request)
    return post_action(
        request,
        lambda: services.timesheet_week_copy_previous(
            resource=resource, week_start=week_start, actor=request.user
        ),
        success=lambda count: _("%(count)s days copied from last week.") % {"count": count},
        target=_week_url(week_start),
    )


@login_required
@require_POST
def timesheet_correct(request, pk: int):
    sheet = selectors.timesheet_get_for_user(user=request.user, pk=pk)
    return post_action(
        request,
        lambda: services.timesheet_correction_open(timesheet=sheet, actor=request.user),
        success=_("Correction opened: change the hours and submit the week again."),
        target=_week_url(sheet.week_start),
    )


@login_required
@require_GET
def timesheet_list(request):
    resource = _own_resource(request)
    sheets = selectors.timesheet_list_for_resource(resource=resource)[:200]
    return render(request, "projects/timesheet_list.html", {"sheets": sheets})


@login_required
@require_GET
def timesheet_approval_list(request):
    if not request.user.has_perm("projects.view_timesheet_approvals"):
        raise PermissionDenied
    sheets = selectors.timesheet_approval_list_for_user(user=request.user)
    return render(
        request,
        "projects/timesheet_approval_list.html",
        {"sheets": sheets, "return_form": TimesheetReturnForm()},
    )


@login_required
@require_POST
def timesheet_approve(request, pk: int):
    sheet = selectors.timesheet_get_for_user(user=request.user, pk=pk, write=True)
    return post_action(
        request,
        lambda: services.timesheet_approve(timesheet=sheet, actor=request.user),
        success=_("Timesheet approved."),
        target="projects:timesheet-approval-list",
    )


@login_required
@require_POST
def timesheet_return(request, pk: int):
    sheet = selectors.timesheet_get_for_user(user=request.user, pk=pk, write=True)
    form = TimesheetReturnForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return post_action(
        request,
        lambda: services.timesheet_return(timesheet=sheet, actor=request.user, reason=reason),
        success=_("Timesheet returned."),
        target="projects:timesheet-approval-list",
    )


@login_required
@require_http_methods(["GET", "POST"])
def cost_rate_list(request):
    """Hourly cost rates of every person resource, and a form to add one (finance, head of PM)."""
    if not request.user.has_perm("projects.view_cost_rate"):
        raise PermissionDenied
    form = CostRateForm(request.POST or None)
    resource_form = CostRateResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and resource_form.is_valid():
        try:
            services.cost_rate_create(
                resource=resource_form.cleaned_data["resource"], actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Cost rate saved."))
            return redirect("projects:cost-rate-list")
    return _cost_rate_page(request, form=form, resource_form=resource_form)


def _cost_rate_page(request, *, form=None, resource_form=None, role_form=None, status=200):
    context = {
        "rows": selectors.cost_rate_rows(),
        "role_rows": selectors.role_cost_rate_rows(),
        "form": form or CostRateForm(),
        "resource_form": resource_form or CostRateResourceForm(),
        "role_form": role_form or RoleCostRateForm(),
    }
    return render(request, "projects/cost_rate_list.html", context, status=status)


@login_required
@require_POST
def role_cost_rate_create(request):
    """Add a rate per role: it costs the hours of the role's people who have no rate of their own."""
    if not request.user.has_perm("projects.change_cost_rate"):
        raise PermissionDenied
    role_form = RoleCostRateForm(request.POST)
    if role_form.is_valid():
        try:
            services.role_cost_rate_create(actor=request.user, **role_form.cleaned_data)
        except ValidationError as error:
            role_form.add_error(None, error)
        else:
            messages.success(request, _("Cost rate saved."))
            return redirect("projects:cost-rate-list")
    return _cost_rate_page(request, role_form=role_form, status=400)


@login_required
@require_GET
def time_entry_export(request):
    """Approved hours of a period as Dynamics 365 msdyn_timeentry rows (CSV or XLSX)."""
    if not request.user.has_perm("projects.export_time_entries"):
        raise PermissionDenied
    form = TimeEntryExportForm(request.GET or None)
    if not form.is_valid():
        return render(request, "projects/time_entry_export.html", {"form": form})
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows = selectors.approved_time_entry_rows(start=start, end=end)
    filename = f"msdyn_timeentry-{start.isoformat()}-{end.isoformat()}"
    if form.cleaned_data["format"] == "xlsx":
        return xlsx_response(rows, filename=filename, title="msdyn_timeentry")
    return csv_response(rows, filename=filename)
