"""The form that maps a Dynamics 365 record to ours, and the searchable choices it offers."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from pmo.lib.search_select import OptionSource, SearchSelect, bind_search_selects, register_option_source
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
