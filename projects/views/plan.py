from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pmo.lib.exports import csv_response, xlsx_response
from pmo.lib.http import AuthenticatedHttpRequest
from pmo.lib.listing import paginate
from pmo.lib.views import post_action
from projects import selectors, services
from projects.forms.plan import (
    AssignmentForm,
    BaselineForm,
    DependencyForm,
    PlanImportForm,
    ResourceForm,
    TaskForm,
    TaskRemainingForm,
    TaskRescheduleForm,
)
from projects.models import Resource, ResourceKind, Task
from projects.selectors.plan import iso_week_start
from projects.services.plan import MovedTask
from projects.services.plan_import import PLAN_COLUMNS

CAPACITY_WEEKS = 8


def _task_get_for_user(user, pk: int, write: bool = False) -> Task:
    task = Task.objects.select_related("project", "parent").filter(pk=pk).first()
    if task is None:
        raise Http404
    selectors.project_get_for_user(user=user, pk=task.project_id, write=write)
    return task


def _plan_context(request: AuthenticatedHttpRequest, project) -> dict:
    baseline = selectors.baseline_choose(project=project, number=request.GET.get("baseline"))
    return {
        "project": project,
        "baseline": baseline,
        "baselines": selectors.baseline_list_for_project(project=project),
        "can_change": request.user.has_perm("projects.change_project", project),
    }


@login_required
@require_GET
def project_plan(request: AuthenticatedHttpRequest, pk: int):
    project = selectors.project_get_for_user(user=request.user, pk=pk)
    context = _plan_context(request, project)
    context["progress"] = selectors.plan_progress(project=project)
    if request.htmx and request.GET.get("part") == "summary":
        return render(request, "projects/project_plan.html#plan-summary", context)
    context["rows"] = selectors.plan_rows(project=project, baseline=context["baseline"])
    context["baseline_form"] = BaselineForm()
    return render(request, "projects/project_plan.html", context)


@login_required
@require_POST
def task_remaining_set(request: AuthenticatedHttpRequest, pk: int):
    """Remaining work typed in a plan row; htmx gets the row back, a plain post the plan page."""
    task = _task_get_for_user(request.user, pk, write=True)
    form = TaskRemainingForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.task_remaining_set(task=task, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = " ".join(str(message) for field_errors in form.errors.values() for message in field_errors)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("projects:project-plan", pk=task.project_id)
    context = _plan_context(request, task.project)
    context["row"] = selectors.plan_row(task_pk=task.pk, baseline=context["baseline"])
    context["error"] = error
    # 200 with the error in the row: htmx swaps no 4xx answer (as the review rows of quality)
    response = render(request, "projects/project_plan.html#plan-row", context)
    if not error:
        response["HX-Trigger"] = "plan-changed"  # the summary above the table redraws its progress
    return response


def _gantt_context(request, project, *, params) -> dict:
    context = _plan_context(request, project)
    if params is not request.GET:
        context["baseline"] = selectors.baseline_choose(project=project, number=params.get("baseline"))
    rows = selectors.plan_rows(project=project, baseline=context["baseline"])
    context["chart"] = selectors.gantt_chart(rows=rows, scale=params.get("mode"), today=timezone.localdate())
    return context


@login_required
@require_GET
def project_gantt(request: AuthenticatedHttpRequest, pk: int):
    project = selectors.project_get_for_user(user=request.user, pk=pk)
    context = _gantt_context(request, project, params=request.GET)
    return render(request, "projects/project_gantt.html", context)


@login_required
@require_POST
def task_reschedule(request, pk: int):
    """A bar dragged on the Gantt: the task form's service moves it; the answer is the redrawn chart."""
    task = _task_get_for_user(request.user, pk, write=True)
    form = TaskRescheduleForm(request.POST)
    notice = error = ""
    if form.is_valid():
        try:
            task, moved = services.task_update(task=task, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            notice = _gantt_notice(task, moved)
    else:
        error = " ".join(str(message) for messages_ in form.errors.values() for message in messages_)
    context = _gantt_context(request, task.project, params=request.POST)
    context.update(notice=notice, error=error)
    return render(request, "projects/project_gantt.html#gantt-chart", context, status=400 if error else 200)


def _gantt_notice(task: Task, moved) -> str:
    notice = _("%(task)s now runs from %(start)s to %(end)s.") % {
        "task": task,
        "start": date_format(task.planned_start, "SHORT_DATE_FORMAT"),
        "end": date_format(task.planned_end, "SHORT_DATE_FORMAT"),
    }
    if moved:
        notice += " " + ngettext(
            "%(count)s successor re-scheduled: %(tasks)s.",
            "%(count)s successors re-scheduled: %(tasks)s.",
            len(moved),
        ) % {"count": len(moved), "tasks": ", ".join(str(entry.task) for entry in moved)}
    return notice


@login_required
@require_GET
def project_milestones(request: AuthenticatedHttpRequest, pk: int):
    project = selectors.project_get_for_user(user=request.user, pk=pk)
    context = _plan_context(request, project)
    context["milestones"] = selectors.milestone_list_for_project(
        project=project, baseline=context["baseline"]
    )
    return render(request, "projects/project_milestones.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: AuthenticatedHttpRequest, pk: int):
    project = selectors.project_get_for_user(user=request.user, pk=pk, write=True)
    form = TaskForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Task %(task)s added.") % {"task": task})
            return redirect("projects:project-plan", pk=project.pk)
    return render(request, "projects/task_form.html", {"form": form, "project": project})


def _task_page(request: AuthenticatedHttpRequest, task, form, status=200, **extra):
    context = {
        "form": form,
        "task": task,
        "project": task.project,
        "dependency_form": extra.get("dependency_form") or DependencyForm(task=task),
        "assignment_form": extra.get("assignment_form") or AssignmentForm(),
        "predecessors": task.predecessor_links.select_related("predecessor"),
        "assignments": task.assignments.select_related("resource"),
        "moved": extra.get("moved", []),
    }
    return render(request, "projects/task_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def task_update(request: AuthenticatedHttpRequest, pk: int):
    task = _task_get_for_user(request.user, pk, write=True)
    form = TaskForm(request.POST or None, instance=task, project=task.project)
    if request.method == "POST" and form.is_valid():
        try:
            task, moved = services.task_update(task=task, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Task %(task)s saved.") % {"task": task})
            return _task_page(request, task, TaskForm(instance=task, project=task.project), moved=moved)
    return _task_page(request, task, form, status=400 if form.errors else 200)


@login_required
@require_POST
def task_dependency_create(request: AuthenticatedHttpRequest, pk: int):
    task = _task_get_for_user(request.user, pk, write=True)
    form = DependencyForm(request.POST, task=task)
    moved: list[MovedTask] = []
    if form.is_valid():
        try:
            _dependency, moved = services.task_dependency_create(
                predecessor=form.cleaned_data["predecessor"],
                successor=task,
                actor=request.user,
                lag_days=form.cleaned_data["lag_days"],
            )
        except ValidationError as error:
            form.add_error(None, error)
    task.refresh_from_db()
    if form.errors:
        return _task_page(
            request, task, TaskForm(instance=task, project=task.project), status=400, dependency_form=form
        )
    messages.success(request, _("Dependency added."))
    return _task_page(request, task, TaskForm(instance=task, project=task.project), moved=moved)


@login_required
@require_POST
def task_dependency_delete(request: AuthenticatedHttpRequest, pk: int, dependency_pk: int):
    task = _task_get_for_user(request.user, pk, write=True)
    dependency = task.predecessor_links.filter(pk=dependency_pk).first()
    if dependency is None:
        raise Http404
    services.task_dependency_delete(dependency=dependency, actor=request.user)
    messages.success(request, _("Dependency removed."))
    return redirect("projects:task-update", pk=task.pk)


@login_required
@require_POST
def task_assignment_set(request: AuthenticatedHttpRequest, pk: int):
    task = _task_get_for_user(request.user, pk, write=True)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_set(task=task, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return _task_page(
            request, task, TaskForm(instance=task, project=task.project), status=400, assignment_form=form
        )
    messages.success(request, _("Assignment saved."))
    return redirect("projects:task-update", pk=task.pk)


@login_required
@require_POST
def baseline_create(request: AuthenticatedHttpRequest, pk: int):
    project = selectors.project_get_for_user(user=request.user, pk=pk, write=True)
    form = BaselineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the baseline a name."))
        return redirect("projects:project-plan", pk=project.pk)
    baseline = services.plan_baseline_create(project=project, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Baseline %(baseline)s saved.") % {"baseline": baseline})
    return redirect("projects:project-plan", pk=project.pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request: AuthenticatedHttpRequest, pk: int):
    project = selectors.project_get_for_user(user=request.user, pk=pk, write=True)
    form = PlanImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > 5 * 1024 * 1024:
                raise ValidationError(_("The file is too large: at most %(size)s MB.") % {"size": 5})
            result = services.plan_import(
                project=project, actor=request.user, filename=upload.name, content=upload.read()
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if not result.errors:
                messages.success(request, _("%(count)d tasks imported.") % {"count": result.created})
                return redirect("projects:project-plan", pk=project.pk)
    status = 400 if form.errors or (result and result.errors) else 200
    context = {"project": project, "form": form, "result": result, "columns": PLAN_COLUMNS}
    return render(request, "projects/plan_import.html", context, status=status)


class _Echo:
    def write(self, value):
        return value


@login_required
@require_GET
def plan_export(request: AuthenticatedHttpRequest, pk: int):
    project = selectors.project_get_for_user(user=request.user, pk=pk)
    rows = services.plan_export_rows(project=project)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(rows, filename=f"{project.code}-plan", title=project.code)
    return csv_response(rows, filename=f"{project.code}-plan")


def _year_and_week(value: str) -> tuple[int, int]:
    year, week = value.split("-W")  # a ValueError when it is not YYYY-Www
    return int(year), int(week)


def _week_start(value: str | None) -> date:
    """The Monday of an ISO week like 2027-W09; this week when it is missing, malformed or far off."""
    this_week = iso_week_start(date.today())
    try:
        start = date.fromisocalendar(*_year_and_week(value), 1) if value else this_week
    except (ValueError, TypeError):
        return this_week
    # The page shows weeks on either side: near the calendar's ends they do not exist.
    return start if 2000 <= start.year <= 2100 else this_week


@login_required
@require_GET
def capacity(request: AuthenticatedHttpRequest):
    if not request.user.has_perm("projects.view_capacity"):
        raise PermissionDenied
    focus_project, focus_resource_id = _capacity_focus(request)
    start = _week_start(request.GET.get("week"))
    if not request.GET.get("week") and (focus_project or focus_resource_id):
        start = (
            selectors.capacity_first_week_with_work(
                project=focus_project, resource_id=focus_resource_id, today=date.today()
            )
            or start
        )
    department = request.GET.get("department", "")
    resources = selectors.resource_list(
        department=department,
        kind=request.GET.get("kind", ""),
        project=focus_project,
        resource_id=focus_resource_id,
    )
    page = paginate(request, resources)
    rows = selectors.capacity_rows(resources=list(page.object_list), start=start, weeks=CAPACITY_WEEKS)
    context = {
        "page": page,
        "rows": rows,
        "weeks": [start + timedelta(weeks=number) for number in range(CAPACITY_WEEKS)],
        "department": department,
        "departments": selectors.resource_departments(),
        "kinds": ResourceKind.choices,
        "previous_week": _iso(start - timedelta(weeks=CAPACITY_WEEKS)),
        "next_week": _iso(start + timedelta(weeks=CAPACITY_WEEKS)),
        "this_week": _iso(iso_week_start(date.today())),
        "focus_project": focus_project,
    }
    template = "projects/capacity.html#capacity-table" if request.htmx else "projects/capacity.html"
    return render(request, template, context)


def _capacity_focus(request) -> tuple:
    """The project (one the user may see) or resource the capacity view was opened for, if any."""
    project = resource_id = None
    if (value := request.GET.get("project", "")).isdigit():
        project = selectors.project_get_for_user(user=request.user, pk=int(value))
    if (value := request.GET.get("resource", "")).isdigit():
        resource_id = int(value)
    return project, resource_id


def _iso(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@login_required
@require_GET
def resource_list(request: AuthenticatedHttpRequest):
    if not request.user.has_perm("projects.view_capacity"):
        raise PermissionDenied
    page = paginate(request, Resource.objects.select_related("user", "role").order_by("department", "name"))
    can_change = request.user.has_perm("projects.change_resource")
    return render(request, "projects/resource_list.html", {"page": page, "can_change": can_change})


def _resource_form_page(request: AuthenticatedHttpRequest, resource=None):
    if not request.user.has_perm("projects.change_resource"):
        raise PermissionDenied
    form = ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        try:
            if resource is None:
                services.resource_create(actor=request.user, **form.cleaned_data)
            else:
                services.resource_update(resource=resource, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Resource saved."))
            return redirect("projects:resource-list")
    return render(request, "projects/resource_form.html", {"form": form, "resource": resource})


@login_required
@require_http_methods(["GET", "POST"])
def resource_create(request: AuthenticatedHttpRequest):
    return _resource_form_page(request)


@login_required
@require_http_methods(["GET", "POST"])
def resource_update(request: AuthenticatedHttpRequest, pk: int):
    resource = Resource.objects.filter(pk=pk).first()
    if resource is None:
        raise Http404
    return _resource_form_page(request, resource)


@login_required
@require_POST
def task_delete(request: AuthenticatedHttpRequest, pk: int):
    task = _task_get_for_user(request.user, pk, write=True)
    try:
        removed = services.task_delete(task=task, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("projects:task-update", pk=task.pk)
    messages.success(request, _("%(count)d task(s) removed.") % {"count": removed})
    return redirect("projects:project-plan", pk=task.project_id)


@login_required
@require_POST
def task_status(request: AuthenticatedHttpRequest, pk: int):
    """A task's status button (Task.workflow): start, finish, reopen or cancel it."""
    task = _task_get_for_user(request.user, pk, write=True)
    status = request.POST.get("status", "")
    return post_action(
        request,
        lambda: services.task_status_set(task=task, status=status, actor=request.user),
        success=lambda moved: (
            _("Task %(task)s is now %(status)s.")
            % {"task": moved, "status": moved.get_status_display().lower()}
        ),
        target=reverse("projects:task-update", args=[task.pk]),
    )
