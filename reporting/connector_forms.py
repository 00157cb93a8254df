"""The form that maps a Dynamics 365 record to ours, and the searchable choices it offers."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pmo.lib.search_select import (
    EMPTY_LABEL,
    OptionSource,
    SearchSelect,
    bind_search_selects,
    register_option_source,
)
from projects.selectors.core import project_queryset_for_user
from projects.selectors.plan import resource_list
from projects.selectors.timesheets import task_queryset_of_projects


def _tasks_of_project(user, project_id: str | int | None) -> QuerySet:
    """Bookable tasks of one project the user sees (none without a project)."""
    if not str(project_id or "").isdigit():
        return task_queryset_of_projects(project_ids=[]).none()
    visible = project_queryset_for_user(user=user).values("pk")
    return (
        task_queryset_of_projects(project_ids=[int(str(project_id))])
        .filter(project_id__in=visible)
        .order_by("wbs_code", "pk")
    )


def _resource_label(resource) -> str:
    """The name, and the department that tells two people of the same name apart."""
    department = getattr(resource, "department", "")
    return f"{resource} · {department}" if department else str(resource)


# Hundreds of resources, projects and tasks at scale: the mapping form searches them.
SOURCES = {
    "resource": register_option_source(
        OptionSource(
            "d365-map-resources",
            lambda user: resource_list().order_by("name", "pk"),
            ("name", "department"),
            label=_resource_label,
        )
    ),
    "project": register_option_source(
        OptionSource(
            "d365-map-projects",
            lambda user: project_queryset_for_user(user=user).order_by("code", "pk"),
            ("code", "name"),
        )
    ),
    "task": register_option_source(
        OptionSource("d365-map-tasks", _tasks_of_project, ("wbs_code", "name"), scope_param="project")
    ),
}
# A row that names no project either takes its task among every project the administrator may see.
ANY_TASK = register_option_source(
    OptionSource(
        "d365-map-any-tasks",
        lambda user: task_queryset_of_projects(
            project_ids=project_queryset_for_user(user=user).values("pk")
        ).order_by("project__code", "wbs_code", "pk"),
        ("project__code", "wbs_code", "name"),
        label=lambda task: f"{task.project.code} {task}",  # type: ignore[attr-defined]
    )
)
TARGET_LABELS = {"resource": _("Our resource"), "project": _("Our project"), "task": _("Our task")}


class RemoteLinkForm(forms.Form):
    """Which of our records a remote record is: searched among what the user may pick."""

    def __init__(self, *args, kind: str, user, project_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        source = SOURCES[kind]
        scope = str(project_id) if project_id else None
        self.fields["target"] = forms.ModelChoiceField(
            queryset=source.rows(user, scope),
            label=TARGET_LABELS[kind],
            widget=SearchSelect(
                source=source.key, scope=scope, attrs={"class": "form-select form-select-sm"}
            ),
        )
        bind_search_selects(self, user=user)


class RowChoiceForm(forms.Form):
    """Our resource and/or task for one pulled row that names none in Dynamics: what it lacks only."""

    def __init__(self, *args, user, needs_resource: bool, needs_task: bool, project_id: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_resource:
            self.fields["resource"] = self._choice(SOURCES["resource"], user, None, TARGET_LABELS["resource"])
        if needs_task:
            scope = str(project_id) if project_id else None
            source = SOURCES["task"] if scope else ANY_TASK
            self.fields["task"] = self._choice(source, user, scope, TARGET_LABELS["task"])
        bind_search_selects(self, user=user)

    @staticmethod
    def _choice(source: OptionSource, user, scope: str | None, label) -> forms.ModelChoiceField:
        return forms.ModelChoiceField(
            queryset=source.rows(user, scope),
            label=label,
            required=False,
            empty_label=EMPTY_LABEL,  # the one the options endpoint swaps in
            widget=SearchSelect(
                source=source.key, scope=scope, attrs={"class": "form-select form-select-sm"}
            ),
        )
