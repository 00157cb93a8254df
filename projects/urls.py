from django.urls import path

from projects.views import core as views
from projects.views import quotations as quotation_views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("create/", views.project_create, name="project-create"),
    path("<int:pk>/", views.project_detail, name="project-detail"),
    path("<int:pk>/update/", views.project_update, name="project-update"),
    path("customers/", views.customer_list, name="customer-list"),
    path("customers/create/", views.customer_create, name="customer-create"),
    path("customers/<int:pk>/", views.customer_detail, name="customer-detail"),
    path("customers/<int:pk>/update/", views.customer_update, name="customer-update"),
]

# Intake, documents, phases and plan (issue 3).
from projects.views import documents as document_views  # noqa: E402
from projects.views import intake as intake_views  # noqa: E402
from projects.views import plan as plan_views  # noqa: E402

urlpatterns += [
    path("intakes/", intake_views.intake_list, name="intake-list"),
    path("intakes/create/", intake_views.intake_create, name="intake-create"),
    path("intakes/<int:pk>/", intake_views.intake_detail, name="intake-detail"),
    path("intakes/<int:pk>/update/", intake_views.intake_update, name="intake-update"),
    path("intakes/<int:pk>/submit/", intake_views.intake_submit, name="intake-submit"),
    path("intakes/<int:pk>/return/", intake_views.intake_return, name="intake-return"),
    path("intakes/<int:pk>/reject/", intake_views.intake_reject, name="intake-reject"),
    path("intakes/<int:pk>/accept/", intake_views.intake_accept, name="intake-accept"),
    path("intakes/<int:pk>/convert/", intake_views.intake_convert, name="intake-convert"),
    path(
        "intakes/<int:pk>/documents/upload/",
        intake_views.intake_document_upload,
        name="intake-document-upload",
    ),
    path("<int:pk>/documents/", document_views.project_documents, name="project-documents"),
    path("<int:pk>/documents/upload/", document_views.document_upload, name="document-upload"),
    path(
        "documents/<int:pk>/versions/upload/",
        document_views.document_version_upload,
        name="document-version-upload",
    ),
    path("documents/<int:pk>/download/", document_views.document_download, name="document-download"),
    path("<int:pk>/phase/", document_views.project_phase_change, name="project-phase-change"),
    path("<int:pk>/plan/", plan_views.project_plan, name="project-plan"),
    path("<int:pk>/plan/gantt/", plan_views.project_gantt, name="project-gantt"),
    path("<int:pk>/plan/milestones/", plan_views.project_milestones, name="project-milestones"),
    path("<int:pk>/plan/tasks/create/", plan_views.task_create, name="task-create"),
    path("<int:pk>/plan/baselines/create/", plan_views.baseline_create, name="baseline-create"),
    path("<int:pk>/plan/import/", plan_views.plan_import, name="plan-import"),
    path("<int:pk>/plan/export/", plan_views.plan_export, name="plan-export"),
    path("tasks/<int:pk>/update/", plan_views.task_update, name="task-update"),
    path("tasks/<int:pk>/reschedule/", plan_views.task_reschedule, name="task-reschedule"),
    path("tasks/<int:pk>/status/", plan_views.task_status, name="task-status"),
    path("tasks/<int:pk>/remaining/", plan_views.task_remaining_set, name="task-remaining-set"),
    path(
        "tasks/<int:pk>/dependencies/create/",
        plan_views.task_dependency_create,
        name="task-dependency-create",
    ),
    path(
        "tasks/<int:pk>/dependencies/<int:dependency_pk>/delete/",
        plan_views.task_dependency_delete,
        name="task-dependency-delete",
    ),
    path("tasks/<int:pk>/assignments/", plan_views.task_assignment_set, name="task-assignment-set"),
    path("capacity/", plan_views.capacity, name="capacity"),
    path("resources/", plan_views.resource_list, name="resource-list"),
    path("resources/create/", plan_views.resource_create, name="resource-create"),
    path("resources/<int:pk>/update/", plan_views.resource_update, name="resource-update"),
    # Quotations (issue 4, helper "money").
    path("quotations/", quotation_views.quotation_list, name="quotation-list"),
    path("quotations/create/", quotation_views.quotation_create, name="quotation-create"),
    path("quotations/<int:pk>/", quotation_views.quotation_detail, name="quotation-detail"),
    path("quotations/<int:pk>/update/", quotation_views.quotation_update, name="quotation-update"),
    path("quotations/<int:pk>/send/", quotation_views.quotation_send, name="quotation-send"),
    path("quotations/<int:pk>/accept/", quotation_views.quotation_accept, name="quotation-accept"),
    path("quotations/<int:pk>/decline/", quotation_views.quotation_decline, name="quotation-decline"),
    path("quotations/<int:pk>/pdf/", quotation_views.quotation_pdf, name="quotation-pdf"),
]
urlpatterns += [
    path("tasks/<int:pk>/delete/", plan_views.task_delete, name="task-delete"),
    path(
        "<int:pk>/documents/required/create/",
        document_views.required_document_add,
        name="required-document-create",
    ),
    path(
        "<int:pk>/documents/required/<int:line_pk>/delete/",
        document_views.required_document_remove,
        name="required-document-delete",
    ),
]

# Registers (issue 5): one set of routes per kind, e.g. <project>/risks/, <project>/risks/<pk>/update/.
from projects.views import registers as register_views  # noqa: E402

for _kind in register_views.KINDS.values():
    _name, _kw = _kind.key.replace("_", "-"), {"kind": _kind.key}
    urlpatterns += [
        path(f"<int:project_pk>/{_kind.url}/", register_views.register_list, _kw, name=f"{_name}-list"),
        path(
            f"<int:project_pk>/{_kind.url}/export/",
            register_views.register_export,
            _kw,
            name=f"{_name}-export",
        ),
        path(
            f"<int:project_pk>/{_kind.url}/create/",
            register_views.register_create,
            _kw,
            name=f"{_name}-create",
        ),
        path(
            f"<int:project_pk>/{_kind.url}/<int:pk>/",
            register_views.register_detail,
            _kw,
            name=f"{_name}-detail",
        ),
        path(
            f"<int:project_pk>/{_kind.url}/<int:pk>/update/",
            register_views.register_update,
            _kw,
            name=f"{_name}-update",
        ),
        path(
            f"<int:project_pk>/{_kind.url}/<int:pk>/status/",
            register_views.register_status,
            _kw,
            name=f"{_name}-status",
        ),
        path(
            f"<int:project_pk>/{_kind.url}/<int:pk>/<slug:operation>/",
            register_views.register_operation,
            _kw,
            name=f"{_name}-operation",
        ),
    ]
urlpatterns += [
    path("registers/", register_views.register_portfolio, name="register-portfolio"),
    path("lessons/", register_views.lesson_search, name="lesson-search"),
]

# Timesheets (issue 15, helper "timesheets").
from projects.views import timesheets as timesheet_views  # noqa: E402

urlpatterns += [
    path("timesheets/", timesheet_views.timesheet_week, name="timesheet-week"),
    path("timesheets/mine/", timesheet_views.timesheet_list, name="timesheet-list"),
    path("timesheets/entries/", timesheet_views.time_entry_save, name="time-entry-save"),
    path("timesheets/submit/", timesheet_views.timesheet_week_submit, name="timesheet-week-submit"),
    path("timesheets/copy/", timesheet_views.timesheet_week_copy, name="timesheet-week-copy"),
    path("timesheets/approvals/", timesheet_views.timesheet_approval_list, name="timesheet-approval-list"),
    path("timesheets/<int:pk>/approve/", timesheet_views.timesheet_approve, name="timesheet-approve"),
    path("timesheets/<int:pk>/return/", timesheet_views.timesheet_return, name="timesheet-return"),
    path("timesheets/<int:pk>/correct/", timesheet_views.timesheet_correct, name="timesheet-correct"),
    path("cost-rates/", timesheet_views.cost_rate_list, name="cost-rate-list"),
    path("cost-rates/roles/create/", timesheet_views.role_cost_rate_create, name="role-cost-rate-create"),
    path("timesheets/export/", timesheet_views.time_entry_export, name="time-entry-export"),
]
# Meetings and minutes (issue 16, branch feature/meetings).
from projects.views import meetings as meeting_views  # noqa: E402

urlpatterns += [
    path("<int:project_pk>/meetings/", meeting_views.meeting_list, name="meeting-list"),
    path("<int:project_pk>/meetings/create/", meeting_views.meeting_create, name="meeting-create"),
    path("<int:project_pk>/meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting-detail"),
    path("<int:project_pk>/meetings/<int:pk>/update/", meeting_views.meeting_update, name="meeting-update"),
    path("<int:project_pk>/meetings/<int:pk>/invite/", meeting_views.meeting_invite, name="meeting-invite"),
    path("<int:project_pk>/meetings/<int:pk>/calendar.ics", meeting_views.meeting_ics, name="meeting-ics"),
    path("<int:project_pk>/meetings/<int:pk>/minutes.pdf", meeting_views.meeting_pdf, name="meeting-pdf"),
    path(
        "<int:project_pk>/meetings/<int:pk>/items/create/",
        meeting_views.agenda_item_create,
        name="agenda-item-create",
    ),
    path(
        "<int:project_pk>/meetings/<int:pk>/items/proposed/",
        meeting_views.agenda_proposals_add,
        name="agenda-proposals-add",
    ),
    path(
        "<int:project_pk>/meetings/<int:pk>/items/<int:item_pk>/minutes/",
        meeting_views.agenda_item_minutes,
        name="agenda-item-minutes",
    ),
    path(
        "<int:project_pk>/meetings/<int:pk>/items/<int:item_pk>/<slug:what>/",
        meeting_views.agenda_item_raise,
        name="agenda-item-raise",
    ),
    path(
        "<int:project_pk>/meetings/<int:pk>/distribution/retry/",
        meeting_views.meeting_distribution_retry,
        name="meeting-distribution-retry",
    ),
    path(
        "<int:project_pk>/meetings/<int:pk>/<slug:name>/",
        meeting_views.meeting_transition,
        name="meeting-transition",
    ),
]
