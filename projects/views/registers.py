"""Register pages of a project: one list, detail, form and export per kind, the actions on entries,
and the portfolio pages (open high risks, overdue actions, lessons learned across projects).

The six registers share their views; `KINDS` says what differs (model, form, filter, services).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pmo.lib.exports import csv_response, xlsx_response
from pmo.lib.http import AuthenticatedHttpRequest
from pmo.lib.listing import paginate, sort_queryset
from pmo.lib.transitions import allowed_actions
from pmo.lib.views import post_action
from pmo.selectors import history_for
from projects.forms import registers as forms
from projects.models import CLOSED_TASK_STATUSES, Action, ChangeRequest, Decision, Issue, Lesson, Risk
from projects.selectors import project_get_for_user
from projects.selectors import registers as selectors
from projects.services import change_requests
from projects.services import registers as services
from projects.views.registers_export import detail_fields, export_rows


@dataclass(frozen=True, kw_only=True)
class Kind:
    """What one register page set needs to know about its register; built by keyword."""

    key: str
    url: str
    label: str | Promise
    model: type
    form: type
    filter: type
    sorts: dict[str, str]
    default_sort: str
    create: Callable
    update: Callable
    instance_arg: str
    icon: str

    @property
    def names(self) -> dict[str, str]:
        """URL names of this register's pages, for `{% url kind.names.list project.pk %}`."""
        prefix = f"projects:{self.key.replace('_', '-')}"
        return {
            page: f"{prefix}-{page}"
            for page in ("list", "export", "create", "detail", "update", "status", "operation")
        }


KINDS = {
    "risk": Kind(
        key="risk",
        url="risks",
        label=gettext_lazy("Risks"),
        model=Risk,
        form=forms.RiskForm,
        filter=forms.RiskFilter,
        sorts={
            "number": "number",
            "title": "title",
            "score": "residual_score",
            "inherent": "inherent_score",
            "emv": "residual_emv",
            "review": "review_date",
            "status": "status",
        },
        default_sort="-score",
        create=services.risk_create,
        update=services.risk_update,
        instance_arg="risk",
        icon="exclamation-triangle",
    ),
    "issue": Kind(
        key="issue",
        url="issues",
        label=gettext_lazy("Issues"),
        model=Issue,
        form=forms.IssueForm,
        filter=forms.IssueFilter,
        sorts={
            "number": "number",
            "title": "title",
            "priority": "priority",
            "status": "status",
            "created": "created_at",
        },
        default_sort="-number",
        create=services.issue_create,
        update=services.issue_update,
        instance_arg="issue",
        icon="bug",
    ),
    "change_request": Kind(
        key="change_request",
        url="change-requests",
        label=gettext_lazy("Change requests"),
        model=ChangeRequest,
        form=forms.ChangeRequestForm,
        filter=forms.ChangeRequestFilter,
        sorts={
            "number": "number",
            "title": "title",
            "cost": "cost_impact",
            "days": "time_impact_days",
            "status": "status",
        },
        default_sort="-number",
        create=change_requests.change_request_create,
        update=change_requests.change_request_update,
        instance_arg="change_request",
        icon="arrow-left-right",
    ),
    "decision": Kind(
        key="decision",
        url="decisions",
        label=gettext_lazy("Decisions"),
        model=Decision,
        form=forms.DecisionForm,
        filter=forms.DecisionFilter,
        sorts={"number": "number", "title": "title", "decided": "decided_on"},
        default_sort="-decided",
        create=services.decision_create,
        update=services.decision_update,
        instance_arg="decision",
        icon="signpost-split",
    ),
    "action": Kind(
        key="action",
        url="actions",
        label=gettext_lazy("Actions"),
        model=Action,
        form=forms.ActionForm,
        filter=forms.ActionFilter,
        sorts={"number": "number", "title": "title", "due": "due_date", "status": "status"},
        default_sort="due",
        create=services.action_create,
        update=services.action_update,
        instance_arg="action",
        icon="check2-square",
    ),
    "lesson": Kind(
        key="lesson",
        url="lessons",
        label=gettext_lazy("Lessons learned"),
        model=Lesson,
        form=forms.LessonForm,
        filter=forms.LessonFilter,
        sorts={"number": "number", "title": "title", "category": "category", "created": "created_at"},
        default_sort="-created",
        create=services.lesson_create,
        update=services.lesson_update,
        instance_arg="lesson",
        icon="lightbulb",
    ),
}


def _kind(kind: str) -> Kind:
    return KINDS[kind]


def _filtered(request: AuthenticatedHttpRequest, project, kind: Kind, *, export: bool = False):
    read = selectors.register_export_rows_for_project if export else selectors.register_list_for_project
    queryset = read(project=project, model=kind.model)
    entry_filter = kind.filter(request.GET, queryset=queryset, request=request)
    entries, sort = sort_queryset(entry_filter.qs, request.GET.get("sort"), kind.sorts, kind.default_sort)
    return entry_filter, entries, sort


def _register_context(request: AuthenticatedHttpRequest, project, kind: Kind) -> dict:
    return {
        "project": project,
        "kind": kind,
        "kinds": KINDS.values(),
        "can_change": request.user.has_perm("projects.change_project", project),
    }


def _risk_extras(request: AuthenticatedHttpRequest, project, bands, entry_filter) -> dict:
    """Heat map (following the filters, but not the cell chosen on it), top risks, contingency."""
    basis = "inherent" if request.GET.get("basis") == "inherent" else "residual"
    if request.GET.get("p") or request.GET.get("i"):
        params = request.GET.copy()
        for key in ("p", "i", "page"):
            params.pop(key, None)
        mapped = forms.RiskFilter(
            params, queryset=selectors.register_list_for_project(project=project, model=Risk)
        ).qs
    else:  # no cell chosen: the list's own filter is the map's (a second filter cost 5 % of the page)
        mapped = entry_filter.qs
    open_risks = mapped.filter(status__in=Risk.OPEN_STATUSES)
    # Both maps side by side: a risk entered as P4xI5 is in the inherent map whatever its response.
    heat_maps = selectors.risk_heat_maps(risks=open_risks, bands=bands)
    return {
        "basis": basis,
        "heat_map": heat_maps[basis],
        "heat_maps": [
            (
                "inherent",
                _("Inherent (before the response)"),
                _heat_map_rows(request, basis, "inherent", heat_maps),
            ),
            (
                "residual",
                _("Residual (after the response)"),
                _heat_map_rows(request, basis, "residual", heat_maps),
            ),
        ],
        "tops": selectors.risk_tops(project=project),
        "contingency": selectors.project_contingency(project=project),
    }


@dataclass(frozen=True)
class HeatMapCell:
    """A heat map cell as the page draws it: its link (the list filtered on it), title and selection."""

    cell: selectors.HeatCell
    href: str
    title: str
    css: str

    @property
    def html(self) -> SafeString:
        cell = self.cell
        if cell.count:
            content = format_html('<a href="{}" title="{}">{}</a>', self.href, self.title, cell.count)
        else:
            content = mark_safe('<span class="opacity-50">·</span>')
        return format_html(
            '<td class="heat-cell {}" data-p="{}" data-i="{}">{}</td>',
            self.css,
            cell.probability,
            cell.impact,
            content,
        )


@dataclass(frozen=True)
class HeatMapRow:
    """One probability's row of cells, drawn here: fifty cells through the template engine were a tenth
    of the risks register's time."""

    probability: int
    cells: list[HeatMapCell]

    @property
    def html(self) -> SafeString:
        return mark_safe("".join(cell.html for cell in self.cells))  # each cell is escaped by format_html


def _heat_map_rows(
    request: AuthenticatedHttpRequest, basis: str, map_basis: str, heat_maps
) -> list[HeatMapRow]:
    """The cells' links and titles built here: as template tags, the fifty cells' querystrings, titles and
    selection tests were a tenth of the risks register's time."""
    chosen = (request.GET.get("p"), request.GET.get("i")) if basis == map_basis else None
    params = request.GET.copy()
    params.pop("page", None)
    params["basis"] = map_basis
    rows = []
    for row in heat_maps[map_basis]:
        cells = []
        for cell in row:
            params["p"], params["i"] = str(cell.probability), str(cell.impact)
            title = _("Probability %(p)s, impact %(i)s: %(band)s") % {
                "p": cell.probability,
                "i": cell.impact,
                "band": cell.band.name if cell.band else "",
            }
            selected = chosen == (str(cell.probability), str(cell.impact))
            css = f"{cell.css} heat-selected" if selected else cell.css
            cells.append(HeatMapCell(cell=cell, href=f"?{params.urlencode()}", title=title, css=css))
        rows.append(HeatMapRow(probability=row[0].probability, cells=cells))
    return rows


@login_required
@require_GET
def register_list(request: AuthenticatedHttpRequest, project_pk: int, kind: str):
    project = project_get_for_user(user=request.user, pk=project_pk, header_only=True)
    register = _kind(kind)
    entry_filter, entries, sort = _filtered(request, project, register)
    context = _register_context(request, project, register) | {
        "filter": entry_filter,
        "page": paginate(request, entries),
        "sort": sort,
    }
    template = f"projects/registers/{kind}_list.html"
    if kind == "risk":
        context["bands"] = selectors.risk_bands()
    if request.htmx:
        return render(request, f"{template}#register-table", context)
    if kind == "risk":
        context |= _risk_extras(request, project, context["bands"], entry_filter)
    return render(request, template, context)


@login_required
@require_GET
def register_export(request: AuthenticatedHttpRequest, project_pk: int, kind: str):
    project = project_get_for_user(user=request.user, pk=project_pk)
    register = _kind(kind)
    _filter, entries, _sort = _filtered(request, project, register, export=True)
    filename = f"{project.code}-{register.url}"
    rows = export_rows(entries.iterator(chunk_size=2000), register.model)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(rows, filename=filename, title=str(register.label))
    return csv_response(rows, filename=filename)


@login_required
@require_GET
def register_detail(request: AuthenticatedHttpRequest, project_pk: int, pk: int, kind: str):
    register = _kind(kind)
    entry = selectors.register_entry_get_for_user(
        user=request.user, project_pk=project_pk, model=register.model, pk=pk
    )
    context = _register_context(request, entry.project, register) | {
        "entry": entry,
        "fields": detail_fields(entry, overrides=_detail_overrides(entry)),
        "links": {group: items for group, items in selectors.entry_links(entry=entry).items() if items},
        "bands": selectors.risk_bands() if kind == "risk" else [],
        "history": history_for(obj=entry),
    }
    context |= _detail_operations(request, entry, kind)
    return render(request, "projects/registers/entry_detail.html", context)


def _detail_overrides(entry) -> dict:
    """Values shown by name rather than by code."""
    if isinstance(entry, ChangeRequest) and entry.cost_category:
        return {"cost_category": selectors.cost_category_name(code=entry.cost_category)}
    return {}


def _detail_operations(request: AuthenticatedHttpRequest, entry, kind: str) -> dict:
    """The reason-taking operations the page offers for this entry, from its workflow."""
    if not hasattr(entry, "workflow"):
        return {}
    actions = allowed_actions(entry, request.user)
    if kind == "risk" and "close" in actions:
        return {"reason_operation": "close", "reason_label": _("Close the risk")}
    if kind == "change_request":
        awaits_decision = entry.workflow.can_move(entry, ChangeRequest.Status.APPROVED)
        context = {"above_limit": awaits_decision and "approve" not in actions}
        if "reject" in actions:
            context |= {"reason_operation": "reject", "reason_label": _("Reject")}
        if "approve" in actions and entry.time_impact_days:
            context["impact_tasks"] = (
                entry.project.tasks.exclude(status__in=CLOSED_TASK_STATUSES)
                .only("pk", "wbs_code", "name", "planned_start", "planned_end")
                .order_by("sort_order")
            )
        return context
    return {}


def _form_page(request: AuthenticatedHttpRequest, *, project, register: Kind, entry=None):
    form = register.form(request.POST or None, instance=entry, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            if entry is None:
                entry = register.create(project=project, actor=request.user, **form.cleaned_data)
            else:
                register.update(**{register.instance_arg: entry}, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(reference)s saved.") % {"reference": entry.reference})
            return redirect(entry)
    context = _register_context(request, project, register) | {"form": form, "entry": entry}
    if register.key == "risk":
        context["scales"] = selectors.risk_scale_levels()
    return render(request, "projects/registers/entry_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def register_create(request: AuthenticatedHttpRequest, project_pk: int, kind: str):
    project = project_get_for_user(user=request.user, pk=project_pk, write=True)
    return _form_page(request, project=project, register=_kind(kind))


@login_required
@require_http_methods(["GET", "POST"])
def register_update(request: AuthenticatedHttpRequest, project_pk: int, pk: int, kind: str):
    register = _kind(kind)
    entry = selectors.register_entry_get_for_user(
        user=request.user, project_pk=project_pk, model=register.model, pk=pk, write=True
    )
    return _form_page(request, project=entry.project, register=register, entry=entry)


# Actions on one entry (POST only) -------------------------------------------------------------


def _entry_for_write(request: AuthenticatedHttpRequest, project_pk: int, pk: int, kind: str):
    return selectors.register_entry_get_for_user(
        user=request.user, project_pk=project_pk, model=_kind(kind).model, pk=pk, write=True
    )


def _run(request: AuthenticatedHttpRequest, entry, call: Callable, success: str):
    """Call a service; on refusal, show why on the entry's page; on success, go to what it made."""
    return post_action(
        request,
        call,
        success=lambda result: success % {"reference": getattr(result, "reference", entry.reference)},
        target=entry,
        then=lambda result: result if result is not None else entry,
    )


# What each POST operation does: (kind, operation) → service call with (entry, actor, reason).
OPERATIONS: dict[tuple[str, str], tuple[Callable, str | Promise]] = {
    ("risk", "close"): (
        lambda e, a, r: services.risk_close(risk=e, actor=a, reason=r),
        gettext_lazy("%(reference)s closed."),
    ),
    ("risk", "reopen"): (
        lambda e, a, r: services.risk_reopen(risk=e, actor=a),
        gettext_lazy("%(reference)s reopened."),
    ),
    ("risk", "hand-over"): (
        lambda e, a, r: services.risk_hand_over(risk=e, actor=a, reason=r),
        gettext_lazy("%(reference)s transferred to the SMO hand-over list."),
    ),
    ("risk", "convert-to-issue"): (
        lambda e, a, r: services.risk_convert_to_issue(risk=e, actor=a),
        gettext_lazy("Issue %(reference)s raised from the risk."),
    ),
    ("issue", "hand-over"): (
        lambda e, a, r: services.issue_hand_over(issue=e, actor=a, reason=r),
        gettext_lazy("%(reference)s transferred to the SMO hand-over list."),
    ),
    ("issue", "convert-to-change-request"): (
        lambda e, a, r: services.issue_convert_to_change_request(issue=e, actor=a),
        gettext_lazy("Change request %(reference)s raised from the issue."),
    ),
    ("change_request", "submit"): (
        lambda e, a, r: change_requests.change_request_submit(change_request=e, actor=a),
        gettext_lazy("%(reference)s submitted."),
    ),
    ("change_request", "assess"): (
        lambda e, a, r: change_requests.change_request_assess(change_request=e, actor=a),
        gettext_lazy("%(reference)s assessed."),
    ),
    ("change_request", "approve"): (
        lambda e, a, r: change_requests.change_request_approve(change_request=e, actor=a, note=r),
        gettext_lazy("%(reference)s approved: budget, contract value and plan baseline updated."),
    ),
    ("change_request", "reject"): (
        lambda e, a, r: change_requests.change_request_reject(change_request=e, actor=a, reason=r),
        gettext_lazy("%(reference)s rejected."),
    ),
    ("change_request", "implement"): (
        lambda e, a, r: change_requests.change_request_implement(change_request=e, actor=a),
        gettext_lazy("%(reference)s implemented."),
    ),
}
for _source in ("risk", "issue", "change_request", "decision"):
    OPERATIONS[(_source, "create-action")] = (
        lambda e, a, r: services.action_create_from(source=e, actor=a),
        gettext_lazy("Action %(reference)s created; set its owner and due date."),
    )
for _source in ("risk", "issue", "change_request"):
    OPERATIONS[(_source, "create-decision")] = (
        lambda e, a, r: services.decision_create_from(source=e, actor=a),
        gettext_lazy("Decision %(reference)s recorded; complete what was decided."),
    )


def _change_request_approve(request: AuthenticatedHttpRequest, entry, *, note: str):
    """Approve with the tasks the time impact falls on; the message says what moved."""
    task_ids = [int(value) for value in request.POST.getlist("tasks") if value.isdigit()]
    try:
        approved = change_requests.change_request_approve(
            change_request=entry, actor=request.user, note=note, task_ids=task_ids
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(entry)
    messages.success(
        request,
        _("%(reference)s approved: budget, contract value and plan baseline updated.")
        % {"reference": approved.reference},
    )
    if approved.moved_tasks:
        moves = "; ".join(
            f"{moved.task.wbs_code} {moved.task.name}: {date_format(moved.old_start, 'SHORT_DATE_FORMAT')}"
            f" → {date_format(moved.new_start, 'SHORT_DATE_FORMAT')}"
            for moved in approved.moved_tasks
        )
        messages.info(request, _("Tasks moved before the new baseline: %(moves)s.") % {"moves": moves})
    return redirect(approved)


@login_required
@require_POST
def register_operation(
    request: AuthenticatedHttpRequest, project_pk: int, pk: int, kind: str, operation: str
):
    if (kind, operation) not in OPERATIONS:
        raise Http404
    entry = _entry_for_write(request, project_pk, pk, kind)
    call, success = OPERATIONS[(kind, operation)]
    reason = request.POST.get("reason", "")[:2000]
    if (kind, operation) == ("change_request", "approve"):
        return _change_request_approve(request, entry, note=reason)
    response = _run(request, entry, lambda: call(entry, request.user, reason), str(success))
    if operation.startswith("create-") and response.url != entry.get_absolute_url():
        return redirect(f"{response.url}update/")
    return response


@login_required
@require_POST
def register_status(request: AuthenticatedHttpRequest, project_pk: int, pk: int, kind: str):
    entry = _entry_for_write(request, project_pk, pk, kind)
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    status, reason = form.cleaned_data["status"], form.cleaned_data["reason"]
    if kind not in ("issue", "action"):
        raise Http404

    def call():
        if kind == "issue":
            return services.issue_status_change(issue=entry, actor=request.user, status=status, reason=reason)
        return services.action_status_change(action=entry, actor=request.user, status=status)

    return _run(request, entry, call, _("%(reference)s updated."))


# Portfolio ------------------------------------------------------------------------------------


@login_required
@require_GET
def register_portfolio(request: AuthenticatedHttpRequest):
    high_risks = selectors.portfolio_high_risks(user=request.user, with_customer=True)
    overdue = selectors.portfolio_overdue_actions(user=request.user)
    return render(
        request,
        "projects/registers/portfolio.html",
        {
            "risks_page": paginate(request, high_risks),
            "overdue_actions": overdue[:50],
            "overdue_count": overdue.count(),
        },
    )


@login_required
@require_GET
def lesson_search(request: AuthenticatedHttpRequest):
    lesson_filter = forms.LessonFilter(
        request.GET, queryset=selectors.lesson_search_for_user(user=request.user)
    )
    lessons, sort = sort_queryset(
        lesson_filter.qs, request.GET.get("sort"), KINDS["lesson"].sorts, KINDS["lesson"].default_sort
    )
    context = {"filter": lesson_filter, "page": paginate(request, lessons), "sort": sort}
    template = "projects/registers/lesson_search.html"
    return render(request, f"{template}#lesson-table" if request.htmx else template, context)
