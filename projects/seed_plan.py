"""Seed step: intakes in every state, documents with versions, plans with baselines and assignments.

Scale L makes 40,000 tasks (20 per project) and 5,000 documents; everything is bulk inserted.
At scale S the document files are written (tiny PDFs) so the demo can download them; at M/L
only the metadata exists, as the design's scale section asks.
"""

import hashlib
import itertools
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from pmo.models import NumberSequence
from pmo.roles import Role
from projects.models import (
    Assignment,
    Document,
    DocumentVersion,
    Intake,
    IntakeStatus,
    IntakeStatusChange,
    Phase,
    PlanBaseline,
    PlanBaselineTask,
    RequiredDocument,
    Resource,
    ResourceKind,
    Task,
    TaskDependency,
    TaskKind,
    TaskStatus,
)
from projects.models.intake import translated
from projects.services.intake import intake_templates_install

TASKS_PER_PROJECT = 20
RESOURCES = {"S": 16, "M": 80, "L": 250, "XL": 250}
OPEN_INTAKES = {"S": 12, "M": 60, "L": 300, "XL": 300}
DOCUMENTS = {"S": 100, "M": 1000, "L": 5000, "XL": 5000}
DEPARTMENTS = ["Networks", "Datacenter", "Security", "Installation"]
ENGINEER_NAMES = [
    "Jan",
    "Marie",
    "Luc",
    "Sophie",
    "Koen",
    "Isabelle",
    "Bart",
    "Julie",
    "Wim",
    "Camille",
    "Emma",
]
CREWS = ["Kabelwerken Vlaanderen", "Câblage Wallon SRL", "NetInstall Crew", "Fiber Team Brabant"]
WORK = {
    "en": [
        "Site survey",
        "Low-level design",
        "Configuration",
        "Installation on site",
        "Tests",
        "Documentation",
    ],
    "fr": [
        "Visite de site",
        "Design détaillé",
        "Configuration",
        "Installation sur site",
        "Tests",
        "Documentation",
    ],
    "nl": [
        "Site survey",
        "Detailontwerp",
        "Configuratie",
        "Installatie ter plaatse",
        "Testen",
        "Documentatie",
    ],
}
OPEN_STATES = [
    IntakeStatus.DRAFT,
    IntakeStatus.SUBMITTED,
    IntakeStatus.RETURNED,
    IntakeStatus.ACCEPTED,
    IntakeStatus.REJECTED,
]
DONE_PHASES = (Phase.CLOSING, Phase.HANDED_OVER)
BASELINED_PHASES = (Phase.EXECUTION, Phase.CLOSING, Phase.HANDED_OVER, Phase.ON_HOLD)
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed_intakes_documents_plans(context) -> None:
    templates = intake_templates_install()
    resources = _seed_resources(context)
    projects = context.detailed_projects
    _seed_intakes(context, templates, projects)
    _seed_required_documents(templates, projects)
    tasks_by_project = _seed_tasks(context, projects)
    _seed_assignments(context, tasks_by_project, resources)
    _seed_baselines(context, projects, tasks_by_project)
    _seed_documents(context, projects)
    context.log(
        f"  plan: {Task.objects.count()} tasks, {Assignment.objects.count()} assignments, "
        f"{Document.objects.count()} documents, {Intake.objects.count()} intakes"
    )


def _seed_resources(context) -> list[Resource]:
    rng = context.rng
    resources = []
    for number in range(RESOURCES[context.scale]):
        is_crew = number % 5 == 4
        name = (
            f"{CREWS[number % len(CREWS)]} {number // len(CREWS) + 1}"
            if is_crew
            else f"{rng.choice(ENGINEER_NAMES)} {chr(65 + number % 26)}. ({number + 1})"
        )
        resources.append(
            Resource(
                name=name,
                kind=ResourceKind.SUBCONTRACTOR if is_crew else ResourceKind.PERSON,
                department="Installation" if is_crew else DEPARTMENTS[number % 3],
                skills=rng.choice(
                    ["Cisco, Aruba", "Fortinet, Palo Alto", "VMware, Nutanix", "Fibre splicing"]
                ),
                weekly_capacity_hours=Decimal("76" if is_crew else rng.choice(["38", "38", "32", "30.4"])),
            )
        )
    bulk_create_with_history(resources, Resource, batch_size=1000)
    return list(Resource.objects.order_by("pk"))


def _intake_for(project, template, number, year, status) -> Intake:
    sold = project.contract_value
    return Intake(
        number=f"INT-{year}-{number:05d}",
        template=template,
        status=status,
        created_by=project.account_manager,
        title=project.name,
        customer=project.customer,
        opportunity_reference=f"OPP-{200000 + number}",
        scope_summary=project.description,
        in_scope=project.description,
        sold_value=sold,
        cost_estimate=project.budget,
        requested_start=project.start_date,
        requested_end=project.end_date,
        site_addresses=project.customer.address,
        customer_contacts=f"contact{project.customer_id}@example.com",
        project=project if status == IntakeStatus.CONVERTED else None,
        submitted_at=timezone.now() if status != IntakeStatus.DRAFT else None,
    )


def _seed_intakes(context, templates, projects) -> None:
    rng, year = context.rng, date.today().year
    intakes = [
        _intake_for(project, templates[index % len(templates)], index + 1, year, IntakeStatus.CONVERTED)
        for index, project in enumerate(projects)
    ]
    for extra in range(OPEN_INTAKES[context.scale]):
        source = projects[rng.randrange(len(projects))]
        status = OPEN_STATES[extra % len(OPEN_STATES)]
        intake = _intake_for(source, templates[extra % len(templates)], len(intakes) + 1, year, status)
        intake.title = f"{source.name} — {rng.choice(['phase 2', 'extension', 'renewal', 'site B'])}"
        if status in (IntakeStatus.RETURNED, IntakeStatus.REJECTED):
            intake.status_reason = rng.choice(
                ["The signed offer is missing.", "L'offre signée manque.", "De getekende offerte ontbreekt."]
            )
        intakes.append(intake)
    bulk_create_with_history(intakes, Intake, batch_size=1000)
    NumberSequence.objects.update_or_create(series="intake", year=year, defaults={"last_value": len(intakes)})
    _seed_status_changes(context)


def _seed_status_changes(context) -> None:
    officers = context.data["users_by_role"][Role.PM_SUPPORT]
    paths = {
        IntakeStatus.SUBMITTED: ["submitted"],
        IntakeStatus.RETURNED: ["submitted", "returned"],
        IntakeStatus.ACCEPTED: ["submitted", "accepted"],
        IntakeStatus.REJECTED: ["submitted", "rejected"],
        IntakeStatus.CONVERTED: ["submitted", "accepted", "converted"],
    }
    changes = []
    now = timezone.now()
    for intake in Intake.objects.only("pk", "status", "created_by_id", "status_reason").iterator():
        previous: str = IntakeStatus.DRAFT
        for step in paths.get(IntakeStatus(intake.status), []):
            actor = intake.created_by_id if step == "submitted" else officers[intake.pk % len(officers)].pk
            reason = intake.status_reason if step in ("returned", "rejected") else ""
            changes.append(
                IntakeStatusChange(
                    intake_id=intake.pk,
                    from_status=previous,
                    to_status=step,
                    actor_id=actor,
                    reason=reason,
                    notified_at=now,
                )
            )
            previous = step
    IntakeStatusChange.objects.bulk_create(changes, batch_size=5000)


def _seed_required_documents(templates, projects) -> None:
    rows = []
    for index, project in enumerate(projects):
        template = templates[index % len(templates)]
        for line in template.required_documents:
            rows.append(
                RequiredDocument(
                    project=project,
                    category=line["category"],
                    phase=line["phase"],
                    title=translated(line["title"], project.customer.language),
                )
            )
    RequiredDocument.objects.bulk_create(rows, batch_size=5000)


def _task_status(project, start: date, end: date, today: date, pace: Decimal) -> tuple[str, int]:
    """Where a task stands today; `pace` is the project's speed (0.8: it did 80% of what it planned).

    A running task has done its elapsed share times the pace, so the project's SPI is near its pace; a
    slow project finishes its tasks late (the slower, the later), and nothing has started before its date.
    """
    if project.phase in DONE_PHASES:
        return TaskStatus.DONE, 100
    if project.phase == Phase.CANCELLED:
        return TaskStatus.CANCELLED, 0
    if start > today:
        return TaskStatus.NOT_STARTED, 0
    late_by = timedelta(days=3 + max(0, int((1 - pace) * 100)))
    if end < today - late_by:
        return TaskStatus.DONE, 100
    if start == end:  # a milestone not reached yet
        return TaskStatus.NOT_STARTED, 0
    elapsed = min(Decimal((today - start).days + 1) / ((end - start).days + 1), Decimal(1))
    return TaskStatus.IN_PROGRESS, min(95, max(5, int(elapsed * pace * 100)))


def _project_tasks(context, project, today: date) -> list[Task]:
    rng = context.rng
    language = project.customer.language if project.customer.language in WORK else "en"
    start = project.start_date or today
    profile = context.data.get("evm_profiles", {}).get(project.pk)
    pace = profile.pace if profile else Decimal(1)
    tasks: list[Task] = []
    cursor = start
    for group in range(1, 5):
        for step in range(TASKS_PER_PROJECT // 4):
            is_milestone = step == TASKS_PER_PROJECT // 4 - 1
            duration = 0 if is_milestone else rng.randint(2, 12)
            begin = cursor
            end = begin + timedelta(days=duration)
            kind = (
                TaskKind.MILESTONE
                if is_milestone
                else (
                    [
                        TaskKind.ENGINEERING,
                        TaskKind.PROCUREMENT,
                        TaskKind.INSTALLATION,
                        TaskKind.ADMINISTRATION,
                    ][(group + step) % 4]
                )
            )
            status, progress = _task_status(project, begin, end, today, pace)
            name = f"{WORK[language][4]} {group}" if is_milestone else rng.choice(WORK[language])
            tasks.append(
                Task(
                    project=project,
                    wbs_code=f"{group}" if step == 0 else f"{group}.{step}",
                    name=name,
                    kind=kind,
                    status=status,
                    planned_start=begin,
                    planned_end=end,
                    actual_start=begin if status != TaskStatus.NOT_STARTED else None,
                    actual_end=end if status == TaskStatus.DONE else None,
                    progress=progress,
                    sort_order=len(tasks) + 1,
                )
            )
            cursor = end + timedelta(days=0 if is_milestone else 1)
    return tasks


def _seed_tasks(context, projects) -> dict[int, list[Task]]:
    today = date.today()
    all_tasks = [task for project in projects for task in _project_tasks(context, project, today)]
    bulk_create_with_history(all_tasks, Task, batch_size=2000)
    by_project: dict[int, list[Task]] = {}
    for task in Task.objects.order_by("project_id", "sort_order").only(
        "pk", "project_id", "wbs_code", "name", "kind", "planned_start", "planned_end", "sort_order"
    ):
        by_project.setdefault(task.project_id, []).append(task)
    parents, links = [], []
    for tasks in by_project.values():
        heads = {task.wbs_code: task for task in tasks if "." not in task.wbs_code}
        for task in tasks:
            if "." in task.wbs_code:
                task.parent_id = heads[task.wbs_code.split(".")[0]].pk
                parents.append(task)
        links += [
            TaskDependency(predecessor=before, successor=after) for before, after in itertools.pairwise(tasks)
        ]
    Task.objects.bulk_update(parents, ["parent"], batch_size=5000)
    TaskDependency.objects.bulk_create(links, batch_size=5000)
    return by_project


def _seed_assignments(context, tasks_by_project, resources) -> None:
    rng = context.rng
    people = [r for r in resources if r.kind == ResourceKind.PERSON]
    crews = [r for r in resources if r.kind == ResourceKind.SUBCONTRACTOR] or people
    rows = []
    for tasks in tasks_by_project.values():
        for task in tasks:
            if task.kind in (TaskKind.ENGINEERING, TaskKind.INSTALLATION):
                pool = crews if task.kind == TaskKind.INSTALLATION and rng.random() < 0.5 else people
                days = max((task.planned_end - task.planned_start).days, 1)
                hours = Decimal(rng.choice([2, 4, 6])) * days
                rows.append(Assignment(task=task, resource=rng.choice(pool), hours=hours))
    Assignment.objects.bulk_create(rows, batch_size=5000)


def _seed_baselines(context, projects, tasks_by_project) -> None:
    owners = context.data["users_by_role"][Role.PM_SUPPORT]
    baselined = [project for project in projects if project.phase in BASELINED_PHASES]
    baselines = PlanBaseline.objects.bulk_create(
        [
            PlanBaseline(
                project=project, number=1, name="Baseline 1", created_by=owners[project.pk % len(owners)]
            )
            for project in baselined
        ],
        batch_size=2000,
    )
    rows = []
    for baseline in baselines:
        for task in tasks_by_project.get(baseline.project_id, []):
            # The baseline was taken before the plan slipped: some tasks now end later than planned.
            slip = timedelta(days=context.rng.choice([0, 0, 0, 2, 5]))
            rows.append(
                PlanBaselineTask(
                    baseline=baseline,
                    task=task,
                    wbs_code=task.wbs_code,
                    name=task.name,
                    kind=task.kind,
                    planned_start=task.planned_start - slip,
                    planned_end=task.planned_end - slip,
                )
            )
    PlanBaselineTask.objects.bulk_create(rows, batch_size=5000)


def _seed_documents(context, projects) -> None:
    officers = context.data["users_by_role"][Role.PM_SUPPORT]
    kinds = [
        ("offer", "Signed offer"),
        ("minutes", "Kick-off minutes"),
        ("design", "Technical design"),
        ("safety_plan", "Safety plan"),
        ("test_report", "Test report"),
    ]
    documents = []
    for number in range(DOCUMENTS[context.scale]):
        project = projects[number % len(projects)]
        category, title = kinds[(number // len(projects)) % len(kinds)]
        documents.append(
            Document(
                project=project,
                category=category,
                title=title,
                phase=project.phase,
                current_version=1 + (number % 7 == 0),
                uploaded_by=officers[number % len(officers)],
            )
        )
    documents += _intake_attachments()
    bulk_create_with_history(documents, Document, batch_size=2000)
    write_files = context.scale == "S"
    digest = hashlib.sha256(DEMO_PDF).hexdigest()
    versions = []
    for document in Document.objects.only("pk", "current_version", "uploaded_by_id", "category"):
        for version in range(1, document.current_version + 1):
            name = f"documents/{document.pk}/seed-v{version}.pdf"
            if write_files and not default_storage.exists(name):
                default_storage.save(name, ContentFile(DEMO_PDF))
            versions.append(
                DocumentVersion(
                    document_id=document.pk,
                    number=version,
                    file=name,
                    original_name=f"{document.category}-v{version}.pdf",
                    content_type="application/pdf",
                    size=len(DEMO_PDF),
                    sha256=digest,
                    uploaded_by_id=document.uploaded_by_id,
                )
            )
    DocumentVersion.objects.bulk_create(versions, batch_size=5000)


def _intake_attachments() -> list[Document]:
    """The attachments sales gave with the intakes that reached the PMO and are not projects yet."""
    waiting = Intake.objects.filter(
        status__in=(IntakeStatus.SUBMITTED, IntakeStatus.RETURNED, IntakeStatus.ACCEPTED)
    ).select_related("template")
    return [
        Document(
            intake=intake,
            category=category,
            title=category.replace("_", " ").capitalize(),
            current_version=1,
            uploaded_by_id=intake.created_by_id,
        )
        for intake in waiting
        for category in intake.template.required_attachments
    ]
