"""The project tab bar shown on every page of a project, whichever app serves the page."""

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()

REGISTER_URLS = ("risks", "issues", "change-requests", "decisions", "actions", "lessons")


@dataclass(frozen=True)
class ProjectTab:
    key: str
    label: object
    icon: str
    url_name: str
    permission: str = ""  # a django-rules permission on the project; empty: whoever sees the project
    prefixes: tuple[str, ...] = ()  # other paths (after /projects/<pk>/) that belong to the tab


# URL names of other apps are reversed by name: projects does not import them.
TABS = [
    ProjectTab("overview", _("Overview"), "speedometer", "projects:project-detail", prefixes=("phase",)),
    ProjectTab("plan", _("Plan"), "list-task", "projects:project-plan", prefixes=("plan/milestones",)),
    ProjectTab("gantt", _("Gantt"), "bar-chart-steps", "projects:project-gantt"),
    ProjectTab(
        "money", _("Money"), "cash-coin", "procurement:project-pnl", permission="procurement.view_money"
    ),
    ProjectTab("registers", _("Registers"), "journal-text", "projects:risk-list", prefixes=REGISTER_URLS),
    ProjectTab("quality", _("Quality"), "patch-check", "quality:project-quality"),
    ProjectTab("safety", _("Safety"), "cone-striped", "quality:project-safety"),
    ProjectTab(
        "documents",
        _("Documents"),
        "folder2-open",
        "projects:project-documents",
        permission="projects.view_project_documents",
    ),
    ProjectTab("reports", _("Reports"), "file-earmark-bar-graph", "reporting:project-reporting"),
    ProjectTab("closure", _("Closure"), "flag", "quality:closure"),
]


def _active_key(path: str, urls: dict[str, str], project_url: str) -> str:
    """The tab whose URL (or extra prefix) is the longest start of the path; the overview only when exact."""
    best, best_length = "", 0
    for tab in TABS:
        if tab.key not in urls:
            continue
        candidates = [urls[tab.key]] + [f"{project_url}{prefix}/" for prefix in tab.prefixes]
        for url in candidates:
            matches = path == url if url == project_url else path.startswith(url)
            if matches and len(url) > best_length:
                best, best_length = tab.key, len(url)
    return best


@register.inclusion_tag("components/project_tab_bar.html", takes_context=True)
def project_tabs(context, project):
    """One tab bar for every project page: overview, plan, Gantt, money, registers, ... closure."""
    request = context["request"]
    urls = {
        tab.key: reverse(tab.url_name, args=[project.pk])
        for tab in TABS
        if not tab.permission or request.user.has_perm(tab.permission, project)
    }
    active = _active_key(request.path, urls, project.get_absolute_url())
    tabs = [
        {"label": tab.label, "icon": tab.icon, "url": urls[tab.key], "is_active": tab.key == active}
        for tab in TABS
        if tab.key in urls
    ]
    return {"tabs": tabs, "project": project}
