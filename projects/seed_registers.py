"""Seed step: register entries on every project (S: ~300, M: 4,000, L: 20,000), in the
customer's language, with the links the conversions keep (risk → issue → change request → action).
"""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from projects.models import (
    Action,
    ChangeRequest,
    Customer,
    Decision,
    Issue,
    Lesson,
    Phase,
    Proximity,
    Risk,
    RiskCategory,
)

ENTRIES = {"S": 300, "M": 4000, "L": 20000, "XL": 20000}
# Share of each kind in the registers (sums to 100).
MIX = {"risk": 38, "issue": 14, "change_request": 6, "decision": 12, "action": 20, "lesson": 10}
PROBABILITY_PERCENT = {1: 5, 2: 20, 3: 40, 4: 60, 5: 85}

RISKS = {
    "en": [
        (
            "Switches delivered late",
            "Single supplier for the core switches",
            "Delivery slips past installation start",
        ),
        (
            "Site access not granted in time",
            "The customer's security badges take weeks",
            "Technicians wait on site",
        ),
        ("Firmware incompatibility", "Mixed hardware generations", "Features fail during migration"),
        ("Key engineer unavailable", "One engineer knows the customer's network", "Design decisions stall"),
        ("Asbestos found during cabling", "Old building", "Works stop until removal"),
        ("Scope creep on Wi-Fi coverage", "Coverage requirements are vague", "Extra access points needed"),
        ("Lower licence prices", "Vendor promotion this quarter", "Licences cost less than budgeted"),
    ],
    "fr": [
        (
            "Livraison tardive des switches",
            "Fournisseur unique des switches cœur",
            "Retard du début d'installation",
        ),
        (
            "Accès au site non accordé à temps",
            "Les badges du client prennent des semaines",
            "Techniciens en attente",
        ),
        (
            "Incompatibilité de firmware",
            "Générations de matériel mélangées",
            "Fonctions en échec à la migration",
        ),
        (
            "Ingénieur clé indisponible",
            "Un seul ingénieur connaît le réseau",
            "Décisions de conception bloquées",
        ),
        ("Amiante découvert pendant le câblage", "Bâtiment ancien", "Travaux arrêtés jusqu'au désamiantage"),
        ("Dérive du périmètre Wi-Fi", "Exigences de couverture vagues", "Bornes supplémentaires nécessaires"),
        (
            "Baisse du prix des licences",
            "Promotion du fabricant ce trimestre",
            "Licences moins chères que prévu",
        ),
    ],
    "nl": [
        ("Switches te laat geleverd", "Eén leverancier voor de core switches", "Installatie start later"),
        (
            "Geen tijdige toegang tot de site",
            "Badges van de klant duren weken",
            "Technici wachten ter plaatse",
        ),
        ("Firmware niet compatibel", "Gemengde generaties hardware", "Functies falen bij de migratie"),
        (
            "Sleutelingenieur niet beschikbaar",
            "Eén ingenieur kent het netwerk",
            "Ontwerpbeslissingen liggen stil",
        ),
        ("Asbest gevonden bij bekabeling", "Oud gebouw", "Werken stoppen tot sanering"),
        ("Scope creep op wifi-dekking", "Vage dekkingseisen", "Extra access points nodig"),
        (
            "Lagere licentieprijzen",
            "Promotie van de fabrikant dit kwartaal",
            "Licenties goedkoper dan begroot",
        ),
    ],
}
ISSUES = {
    "en": [
        "Patch panel labels do not match the drawings",
        "Customer changed the go-live date",
        "Firewall rules missing",
    ],
    "fr": [
        "Étiquettes du panneau ne correspondent pas",
        "Le client a changé la date de mise en service",
        "Règles pare-feu manquantes",
    ],
    "nl": ["Labels patchpaneel kloppen niet", "Klant wijzigde de go-live datum", "Firewallregels ontbreken"],
}
CHANGES = {
    "en": ["Extra access points in building B", "Add a redundant uplink", "Remove the guest network"],
    "fr": [
        "Bornes supplémentaires bâtiment B",
        "Ajout d'une liaison redondante",
        "Suppression du réseau invités",
    ],
    "nl": ["Extra access points in gebouw B", "Redundante uplink toevoegen", "Gastnetwerk schrappen"],
}
DECISIONS = {
    "en": ["Go with the second supplier", "Migrate over two weekends", "Accept the concession on labels"],
    "fr": [
        "Passer au second fournisseur",
        "Migrer sur deux week-ends",
        "Accepter la dérogation sur les étiquettes",
    ],
    "nl": [
        "Overstappen naar de tweede leverancier",
        "Migreren over twee weekends",
        "Concessie op labels aanvaarden",
    ],
}
ACTIONS = {
    "en": [
        "Send the as-built drawings",
        "Confirm the maintenance window",
        "Order spare optics",
        "Update the test plan",
    ],
    "fr": [
        "Envoyer les plans as-built",
        "Confirmer la fenêtre de maintenance",
        "Commander des optiques",
        "Mettre à jour le plan de test",
    ],
    "nl": [
        "As-built tekeningen bezorgen",
        "Onderhoudsvenster bevestigen",
        "Reserve-optics bestellen",
        "Testplan bijwerken",
    ],
}
LESSONS = {
    "en": [
        (
            "Order long-lead equipment at kick-off",
            "Switches took twelve weeks",
            "Order at kick-off, not after design",
        ),
        (
            "Site survey with the facility manager",
            "The survey missed a technical room",
            "Walk the site with facilities",
        ),
    ],
    "fr": [
        (
            "Commander tôt le matériel à long délai",
            "Les switches ont pris douze semaines",
            "Commander dès le lancement",
        ),
        (
            "Visite de site avec le facility manager",
            "Un local technique oublié",
            "Visiter le site avec le facility",
        ),
    ],
    "nl": [
        (
            "Materiaal met lange levertijd bij kick-off bestellen",
            "Switches duurden twaalf weken",
            "Bestel bij kick-off",
        ),
        (
            "Sitebezoek met de facility manager",
            "Een technische ruimte werd gemist",
            "Loop de site af met facility",
        ),
    ],
}


_LANGUAGES: dict[int, str] = {}


def _language(project) -> str:
    return _LANGUAGES.get(project.customer_id, "en")


class _Numbers:
    def __init__(self):
        self.last = defaultdict(int)

    def next(self, kind: str, project) -> int:
        self.last[(kind, project.pk)] += 1
        return self.last[(kind, project.pk)]


def _risk(rng, project, number, categories, now):
    title, cause, event = rng.choice(RISKS[_language(project)])
    probability, impact = rng.randint(1, 5), rng.randint(1, 5)
    residual_probability, residual_impact = (
        max(1, probability - rng.randint(0, 2)),
        max(1, impact - rng.randint(0, 1)),
    )
    cost = Decimal(rng.choice([2, 5, 12, 30, 60, 120, 300]) * 1000)
    is_opportunity = title.startswith(("Lower", "Baisse", "Lagere"))
    status = rng.choices(["active", "closed", "occurred"], weights=[70, 20, 10])[0]
    return Risk(
        project=project,
        number=number,
        title=title,
        kind="opportunity" if is_opportunity else "threat",
        category=rng.choice(categories) if categories else None,
        cause=cause,
        event=event,
        effect=event,
        probability=probability,
        impact=impact,
        residual_probability=residual_probability,
        residual_impact=residual_impact,
        cost_impact=cost,
        inherent_emv=cost * PROBABILITY_PERCENT[probability] / 100,
        residual_emv=cost * PROBABILITY_PERCENT[residual_probability] / 100,
        time_impact_days=rng.randint(0, 20),
        proximity=rng.choice(Proximity.values),
        response_category=rng.choice(
            ["exploit", "enhance"] if is_opportunity else ["reduce", "avoid", "transfer", "accept"]
        ),
        response=event,
        owner_id=project.project_manager_id,
        review_date=(now + timedelta(days=rng.randint(-20, 60))).date(),
        status=status,
        closure_reason="Response worked" if status == "closed" else "",
        created_by_id=project.project_manager_id,
        created_at=now - timedelta(days=rng.randint(1, 300)),
    )


def seed_registers(context) -> None:
    rng = context.rng
    projects = [p for p in context.detailed_projects if p.phase != Phase.INITIATION] or context.data[
        "projects"
    ]
    _LANGUAGES.update(
        (pk, language if language in RISKS else "en")
        for pk, language in Customer.objects.values_list("pk", "language")
    )
    categories = list(RiskCategory.objects.all())
    now = timezone.now()
    numbers = _Numbers()
    total = ENTRIES[context.scale]
    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=total)
    targets = [rng.choice(projects) for _ in range(total)]
    planned = defaultdict(list)
    for kind, project in zip(kinds, targets, strict=True):
        planned[kind].append(project)

    risks = bulk_create_with_history(
        [_risk(rng, p, numbers.next("risk", p), categories, now) for p in planned["risk"]],
        Risk,
        batch_size=2000,
    )
    occurred = defaultdict(list)
    for risk in risks:
        if risk.status == "occurred":
            occurred[risk.project_id].append(risk)
    issues = []
    for project in planned["issue"]:
        source = occurred[project.pk].pop() if occurred[project.pk] and rng.random() < 0.5 else None
        issues.append(
            Issue(
                project=project,
                number=numbers.next("issue", project),
                title=source.title if source else rng.choice(ISSUES[_language(project)]),
                issue_type=rng.choice(Issue.Type.values),
                priority=rng.choice(Issue.Priority.values),
                severity=rng.choices(Issue.Severity.values, weights=[70, 25, 5])[0],
                status=rng.choices(Issue.Status.values, weights=[35, 25, 15, 25])[0],
                owner_id=project.project_manager_id,
                raised_by_id=project.support_officer_id,
                source_risk=source,
                created_by_id=project.project_manager_id,
                created_at=now - timedelta(days=rng.randint(1, 200)),
            )
        )
    for issue in issues:
        if issue.status == Issue.Status.CLOSED:
            issue.closure_reason, issue.closed_at = "Solved on site", now
    issues = bulk_create_with_history(issues, Issue, batch_size=2000)
    issues_by_project = defaultdict(list)
    for issue in issues:
        issues_by_project[issue.project_id].append(issue)

    changes = []
    for project in planned["change_request"]:
        cost = Decimal(rng.choice([1500, 4000, 8000, 12000, 25000]))
        billable = rng.random() < 0.6
        status = rng.choices(ChangeRequest.Status.values, weights=[15, 15, 15, 30, 10, 15])[0]
        changes.append(
            ChangeRequest(
                project=project,
                number=numbers.next("change_request", project),
                title=rng.choice(CHANGES[_language(project)]),
                description="",
                requested_by_id=project.account_manager_id or project.project_manager_id,
                cost_impact=cost,
                cost_category=rng.choice(["equipment", "subcontracting", "internal_labour"]),
                is_billable=billable,
                price_impact=(cost * Decimal("1.25")).quantize(Decimal("1.00"))
                if billable
                else Decimal("0.00"),
                time_impact_days=rng.randint(0, 15),
                status=status,
                source_issue=rng.choice(issues_by_project[project.pk])
                if issues_by_project[project.pk]
                else None,
                created_by_id=project.project_manager_id,
                created_at=now - timedelta(days=rng.randint(1, 200)),
            )
        )
    bulk_create_with_history(changes, ChangeRequest, batch_size=2000)

    decisions = [
        Decision(
            project=project,
            number=numbers.next("decision", project),
            title=rng.choice(DECISIONS[_language(project)]),
            decided_by_id=project.project_manager_id,
            decision_body=rng.choice(["", "Project board", "Comité de pilotage", "Stuurgroep"]),
            decided_on=(now - timedelta(days=rng.randint(1, 200))).date(),
            issue=rng.choice(issues_by_project[project.pk]) if issues_by_project[project.pk] else None,
            created_by_id=project.project_manager_id,
        )
        for project in planned["decision"]
    ]
    bulk_create_with_history(decisions, Decision, batch_size=2000)

    risks_by_project = defaultdict(list)
    for risk in risks:
        risks_by_project[risk.project_id].append(risk)
    actions = []
    today = now.date()
    for project in planned["action"]:
        due = today + timedelta(days=rng.randint(-45, 45))
        status = "done" if due < today and rng.random() < 0.75 else rng.choice(["open", "in_progress"])
        linked_risk = rng.choice(risks_by_project[project.pk]) if risks_by_project[project.pk] else None
        actions.append(
            Action(
                project=project,
                number=numbers.next("action", project),
                title=rng.choice(ACTIONS[_language(project)]),
                owner_id=rng.choice([project.project_manager_id, project.support_officer_id])
                or project.project_manager_id,
                due_date=due,
                status=status,
                completed_at=now if status == "done" else None,
                risk=linked_risk if rng.random() < 0.4 else None,
                raised_in=rng.choice(["", "Weekly site meeting", "Réunion de chantier", "Werfvergadering"]),
                created_by_id=project.project_manager_id,
                created_at=now - timedelta(days=rng.randint(1, 120)),
            )
        )
    bulk_create_with_history(actions, Action, batch_size=2000)

    lessons = []
    for project in planned["lesson"]:
        title, happened, recommendation = rng.choice(LESSONS[_language(project)])
        lessons.append(
            Lesson(
                project=project,
                number=numbers.next("lesson", project),
                title=title,
                kind=rng.choice(Lesson.Kind.values),
                category=rng.choice(Lesson.Category.values),
                what_happened=happened,
                recommendation=recommendation,
                created_by_id=project.project_manager_id,
                created_at=now - timedelta(days=rng.randint(1, 400)),
            )
        )
    bulk_create_with_history(lessons, Lesson, batch_size=2000)
    context.log(
        "  registers: "
        + ", ".join(f"{kind} {len(planned[kind])}" for kind in MIX)
        + f" ({sum(len(entries) for entries in planned.values())} entries)"
    )
