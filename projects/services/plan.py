"""Changes to a project's plan: tasks, dependencies, assignments, resources and baselines."""

from django.db import transaction
from django.db.models import Max

from pmo.models import User
from projects.models import PlanBaseline, PlanBaselineTask, Project, Task


@transaction.atomic
def plan_baseline_create(*, project: Project, name: str, actor: User, reason: str = "") -> PlanBaseline:
    """Snapshot the dates of every task of the project as the next numbered baseline."""
    # Lock the project row so two baselines taken at once do not get the same number.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    number = (project.baselines.aggregate(last=Max("number"))["last"] or 0) + 1
    baseline = PlanBaseline(project=project, number=number, name=name, reason=reason, created_by=actor)
    baseline.full_clean()
    baseline.save()
    rows = [
        PlanBaselineTask(
            baseline=baseline,
            task_id=task["pk"],
            wbs_code=task["wbs_code"],
            name=task["name"],
            kind=task["kind"],
            planned_start=task["planned_start"],
            planned_end=task["planned_end"],
        )
        for task in Task.objects.filter(project=project).values(
            "pk", "wbs_code", "name", "kind", "planned_start", "planned_end"
        )
    ]
    PlanBaselineTask.objects.bulk_create(rows, batch_size=2000)
    return baseline
