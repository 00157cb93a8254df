"""Seed step: reviews with answers and findings, corrective actions, VCA safety records, closure
validations, hand-overs to the SMO and satisfaction surveys, in the customer's language.

Sizes follow the projects: S (25 projects) gets a review or two per project, L (2,000 projects)
about 2,500 reviews with 70,000 answers, bulk-inserted.
"""

import secrets
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TypedDict

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from pmo.models import NumberSequence
from pmo.roles import Role
from projects.choices import Phase
from projects.selectors.portfolio import customer_contacts_by_pk, customer_languages
from quality.closure_checks import closure_checks_run
from quality.models import (
    NONCONFORM_RATINGS,
    ActionStatus,
    ChecklistItem,
    ChecklistKind,
    ChecklistTemplate,
    ClosureStatus,
    ClosureValidation,
    ConfigurationItem,
    CorrectiveAction,
    Finding,
    FindingSeverity,
    FindingStatus,
    Handover,
    HandoverEvent,
    HandoverStatus,
    Hazard,
    IncidentKind,
    IncidentStatus,
    LastMinuteRiskAnalysis,
    QualificationKind,
    Rating,
    Review,
    ReviewAnswer,
    ReviewStatus,
    SafetyIncident,
    SatisfactionSurvey,
    SiteQualification,
    SupportContract,
    ToolboxMeeting,
    TransferredItem,
    WorkedHours,
)
from quality.services.checklists import checklist_defaults_install
from quality.services.reviews import review_score

REVIEWED_PHASES = (Phase.PLANNING, Phase.EXECUTION, Phase.CLOSING, Phase.HANDED_OVER, Phase.ON_HOLD)
ON_SITE_PHASES = (Phase.EXECUTION, Phase.CLOSING, Phase.HANDED_OVER)


class _Texts(TypedDict):
    """The demo's sentences in one language."""

    nc: list[str]
    action: list[str]
    root: str
    site: str
    tasks: list[str]
    topics: list[str]
    incident: str
    service: str
    els: str
    comment: str


TEXT: dict[str, _Texts] = {
    "en": {
        "nc": [
            "Test reports for the core switches are not signed by the customer.",
            "The risk register was not reviewed at the last stage end.",
            "Two technicians on site have no valid VCA diploma on file.",
            "The change log misses the approved extra access points.",
            "Configuration backups are not stored in the customer's vault.",
        ],
        "action": [
            "Have the customer sign the FAT/SAT reports and file them.",
            "Review the risk register in the next progress meeting.",
            "Collect the VCA diplomas before the next site visit.",
            "Update the change log and inform the customer.",
            "Move the configuration backups to the vault and test a restore.",
        ],
        "root": "No step in the release checklist required it.",
        "site": "Technical room, building B",
        "tasks": [
            "Mount access points",
            "Replace core switch",
            "Pull fibre between buildings",
            "Patch racks",
        ],
        "topics": ["Working at height", "Electrical isolation (LOTO)", "Manual handling", "Dust and noise"],
        "incident": "A cable drum rolled off the pallet in the loading area.",
        "service": "Managed campus network",
        "els": "Two weeks without priority 1 incidents; knowledge articles published.",
        "comment": "Good team, clear communication. Planning could have been tighter.",
    },
    "fr": {
        "nc": [
            "Les rapports d'essai des switches cœur ne sont pas signés par le client.",
            "Le registre des risques n'a pas été revu à la dernière fin de phase.",
            "Deux techniciens sur site n'ont pas de diplôme VCA valable au dossier.",
            "Le journal des changements ne reprend pas les points d'accès supplémentaires.",
            "Les sauvegardes de configuration ne sont pas dans le coffre-fort du client.",
        ],
        "action": [
            "Faire signer les rapports FAT/SAT par le client et les classer.",
            "Revoir le registre des risques à la prochaine réunion d'avancement.",
            "Récupérer les diplômes VCA avant la prochaine visite.",
            "Mettre à jour le journal des changements et informer le client.",
            "Déplacer les sauvegardes dans le coffre-fort et tester une restauration.",
        ],
        "root": "Aucune étape de la check-list de libération ne l'exigeait.",
        "site": "Local technique, bâtiment B",
        "tasks": [
            "Monter les points d'accès",
            "Remplacer le switch cœur",
            "Tirer la fibre",
            "Brasser les baies",
        ],
        "topics": ["Travail en hauteur", "Consignation électrique", "Manutention", "Poussière et bruit"],
        "incident": "Un touret de câble a roulé de la palette dans la zone de chargement.",
        "service": "Réseau de campus géré",
        "els": "Deux semaines sans incident de priorité 1 ; articles de connaissance publiés.",
        "comment": "Bonne équipe, communication claire. Le planning aurait pu être plus serré.",
    },
    "nl": {
        "nc": [
            "De testrapporten van de coreswitches zijn niet ondertekend door de klant.",
            "Het risicoregister werd niet herzien bij het laatste fase-einde.",
            "Twee technici op de werf hebben geen geldig VCA-diploma in het dossier.",
            "Het wijzigingslog vermeldt de extra access points niet.",
            "Configuratieback-ups staan niet in de kluis van de klant.",
        ],
        "action": [
            "De FAT/SAT-rapporten laten ondertekenen door de klant en opslaan.",
            "Het risicoregister herzien op de volgende voortgangsvergadering.",
            "De VCA-diploma's verzamelen voor het volgende werfbezoek.",
            "Het wijzigingslog bijwerken en de klant informeren.",
            "De back-ups naar de kluis verplaatsen en een herstel testen.",
        ],
        "root": "Geen stap in de vrijgavechecklist vroeg erom.",
        "site": "Technische ruimte, gebouw B",
        "tasks": ["Access points monteren", "Coreswitch vervangen", "Glasvezel trekken", "Racks patchen"],
        "topics": ["Werken op hoogte", "Elektrisch vrijschakelen", "Manueel heffen", "Stof en lawaai"],
        "incident": "Een kabelhaspel rolde van het pallet in de laadzone.",
        "service": "Beheerd campusnetwerk",
        "els": "Twee weken zonder prioriteit 1-incidenten; kennisartikels gepubliceerd.",
        "comment": "Goed team, duidelijke communicatie. De planning kon strakker.",
    },
}
OVERRIDE_REASON = "Open items transferred to the SMO hand-over list; customer acceptance signed on site."
SERVICE_LEVELS = "P1: response 30 min, resolution 4 h; P2: 2 h / 1 business day; 8x5 support."
SUPPORT_MODEL = "L1 Service desk · L2 Network operations · L3 Project engineer (hypercare)"
TEAM = ["Tom Maes", "Sara Claes", "Koen Jacobs", "Yasmine El Idrissi", "Lucas Dupont", "Lien Wouters"]


class _Counter:
    def __init__(self) -> None:
        self.values: dict[str, int] = defaultdict(int)

    def next(self, series: str) -> int:
        self.values[series] += 1
        return self.values[series]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def seed_quality(context) -> None:
    checklist_defaults_install()
    rng = context.rng
    today = timezone.localdate()
    year = today.year
    people = context.data["users_by_role"]
    officers = people[Role.PM_SUPPORT]
    languages = customer_languages()
    contacts = {contact.customer_id: contact for contact in customer_contacts_by_pk()}
    templates = {
        kind: ChecklistTemplate.objects.filter(kind=kind, is_active=True).order_by("-version").first()
        for kind in ChecklistKind.values
    }
    items = defaultdict(list)
    for item in ChecklistItem.objects.select_related("section").order_by("section__position", "position"):
        items[item.section.template_id].append(item)
    projects = [p for p in context.detailed_projects if p.phase in REVIEWED_PHASES]
    counter = _Counter()

    reviews = _seed_reviews(rng, projects, templates, officers, today)
    answers = _seed_answers(rng, reviews, items, languages)
    findings, actions = _seed_findings(rng, reviews, answers, languages, counter, year, today, people)
    _seed_safety(rng, projects, languages, counter, year, today, people, findings, actions)
    _seed_closure(rng, projects, templates, items, languages, contacts, people, today)
    for series, last in counter.values.items():
        NumberSequence.objects.update_or_create(series=series, year=year, defaults={"last_value": last})
    context.log(
        f"  quality: {len(reviews)} reviews, {len(answers)} answers, {len(findings)} findings, "
        f"{CorrectiveAction.objects.count()} actions, {SafetyIncident.objects.count()} incidents, "
        f"{Handover.objects.count()} hand-overs"
    )


def _review_status(rng, phase: str) -> str:
    if phase in (Phase.CLOSING, Phase.HANDED_OVER):
        return ReviewStatus.COMPLETED
    if phase == Phase.PLANNING:
        return ReviewStatus.SCHEDULED
    return rng.choice([ReviewStatus.COMPLETED, ReviewStatus.COMPLETED, ReviewStatus.IN_PROGRESS])


def _seed_reviews(rng, projects, templates, officers, today) -> list[Review]:
    reviews = []
    for number, project in enumerate(projects):
        reviewer = officers[number % len(officers)]
        status = _review_status(rng, project.phase)
        day = today - timedelta(days=rng.randint(5, 120)) if status != ReviewStatus.SCHEDULED else today
        gate = Phase.EXECUTION if project.phase == Phase.PLANNING else ""
        reviews.append(
            Review(
                project=project,
                template=templates[ChecklistKind.QUALITY_REVIEW],
                reviewer=reviewer,
                scheduled_for=day + timedelta(days=21) if gate else day,
                status=status,
                gate_phase=gate,
                completed_at=_at(day) if status == ReviewStatus.COMPLETED else None,
            )
        )
        if number % 4 == 0 and project.phase in ON_SITE_PHASES:
            reviews.append(
                Review(
                    project=project,
                    template=templates[ChecklistKind.SECURITY_REVIEW],
                    reviewer=reviewer,
                    scheduled_for=day,
                    status=ReviewStatus.COMPLETED,
                    completed_at=_at(day),
                )
            )
        if number % 3 == 0 and project.phase == Phase.EXECUTION:
            reviews.append(
                Review(
                    project=project,
                    template=templates[ChecklistKind.WORKPLACE_INSPECTION],
                    reviewer=reviewer,
                    scheduled_for=today + timedelta(days=7),
                    gate_phase=Phase.CLOSING,
                )
            )
    return bulk_create_with_history(reviews, Review, batch_size=2000)


def _seed_answers(rng, reviews, items, languages) -> list[ReviewAnswer]:
    answers = []
    weights = [80, 10, 6, 2, 2]
    ratings = [Rating.CONFORM, Rating.OBSERVATION, Rating.MINOR_NC, Rating.MAJOR_NC, Rating.NOT_APPLICABLE]
    for review in reviews:
        texts = TEXT[languages.get(review.project.customer_id, "en")]
        answered = review.status != ReviewStatus.SCHEDULED
        for position, item in enumerate(items[review.template_id]):
            rating = ""
            if answered and (review.status == ReviewStatus.COMPLETED or position % 2 == 0):
                rating = rng.choices(ratings, weights=weights)[0]
            answers.append(
                ReviewAnswer(
                    review=review,
                    item=item,
                    rating=rating,
                    comment=rng.choice(texts["nc"]) if rating in NONCONFORM_RATINGS else "",
                    evidence_reference=f"DOC-{review.project.code}-{item.position:02d}" if rating else "",
                    answered_at=review.completed_at if rating else None,
                )
            )
    answers = ReviewAnswer.objects.bulk_create(answers, batch_size=5000)
    by_review = defaultdict(list)
    for answer in answers:
        by_review[answer.review_id].append(answer)
    scored = []
    for review in reviews:
        if review.status == ReviewStatus.COMPLETED:
            review.score = review_score(answers=by_review[review.pk])
            scored.append(review)
    Review.objects.bulk_update(scored, ["score"], batch_size=2000)
    return answers


def _seed_findings(rng, reviews, answers, languages, counter, year, today, people):
    completed = {review.pk: review for review in reviews if review.status == ReviewStatus.COMPLETED}
    findings = []
    for answer in answers:
        review = completed.get(answer.review_id)
        if review is None or answer.rating not in NONCONFORM_RATINGS:
            continue
        closed = review.project.phase == Phase.HANDED_OVER or rng.random() < 0.3
        findings.append(
            Finding(
                number=f"NC-{year}-{counter.next('finding'):05d}",
                project=review.project,
                review=review,
                answer=answer,
                reference=answer.item.reference,
                description=answer.comment,
                severity=FindingSeverity.MAJOR if answer.rating == Rating.MAJOR_NC else FindingSeverity.MINOR,
                root_cause=TEXT[languages.get(review.project.customer_id, "en")]["root"] if closed else "",
                status=FindingStatus.CLOSED
                if closed
                else rng.choice([FindingStatus.OPEN, FindingStatus.ACTION_PLANNED]),
                found_on=review.completed_at.date(),
                raised_by=review.reviewer,
                closed_at=review.completed_at + timedelta(days=20) if closed else None,
                closed_by=review.reviewer if closed else None,
            )
        )
    findings = bulk_create_with_history(findings, Finding, batch_size=2000)
    owners = people[Role.PROJECT_MANAGER]
    actions = []
    for number, finding in enumerate(findings):
        if finding.status == FindingStatus.OPEN:
            continue
        texts = TEXT[languages.get(finding.project.customer_id, "en")]
        verified = finding.status == FindingStatus.CLOSED
        actions.append(
            CorrectiveAction(
                project=finding.project,
                finding=finding,
                description=rng.choice(texts["action"]),
                owner=finding.project.project_manager or owners[number % len(owners)],
                due_date=finding.found_on + timedelta(days=rng.choice([14, 30, 45])),
                status=ActionStatus.VERIFIED
                if verified
                else rng.choice([ActionStatus.OPEN, ActionStatus.DONE]),
                verification="Checked on the next site visit." if verified else "",
                verified_at=finding.closed_at if verified else None,
                verified_by=finding.raised_by if verified else None,
            )
        )
    actions = bulk_create_with_history(actions, CorrectiveAction, batch_size=2000)
    return findings, actions


# On an installation site: the VCA diplomas of the crew and the electricians' BA4/BA5.
QUALIFICATION_MIX = (QualificationKind.BASIC_VCA, QualificationKind.BA4, QualificationKind.VOL_VCA)


def _seed_safety(rng, projects, languages, counter, year, today, people, findings, actions) -> None:
    recorders = people[Role.PROJECT_MANAGER]
    dense = len(projects) < 100
    lmras, meetings, incidents, hours, qualifications = [], [], [], [], []
    for number, project in enumerate(p for p in projects if p.phase in ON_SITE_PHASES):
        texts = TEXT[languages.get(project.customer_id, "en")]
        recorder = project.project_manager or recorders[number % len(recorders)]
        for count in range(rng.randint(1, 4)):
            is_go = rng.random() > 0.08
            lmras.append(
                LastMinuteRiskAnalysis(
                    project=project,
                    performed_on=today - timedelta(days=7 * count + rng.randint(0, 6)),
                    site=texts["site"],
                    task=rng.choice(texts["tasks"]),
                    team=", ".join(rng.sample(TEAM, 2)),
                    hazards=rng.sample(Hazard.values, rng.randint(1, 3)),
                    permit_number=f"WP-{rng.randint(100, 999)}" if rng.random() < 0.4 else "",
                    is_ppe_ok=is_go,
                    is_emergency_known=True,
                    is_go=is_go,
                    recorded_by=recorder,
                )
            )
        meetings.append(
            ToolboxMeeting(
                project=project,
                held_on=today - timedelta(days=rng.randint(3, 40)),
                topic=rng.choice(texts["topics"]),
                presenter=rng.choice(TEAM),
                attendees="\n".join(rng.sample(TEAM, 4)),
                recorded_by=recorder,
            )
        )
        for person, kind in zip(rng.sample(TEAM, 3), QUALIFICATION_MIX, strict=False):
            qualifications.append(
                SiteQualification(
                    project=project,
                    person=person,
                    kind=kind,
                    certificate_number=f"{kind.upper()}-{rng.randint(10000, 99999)}",
                    # One in six expired or about to: what the workplace inspection is there to catch.
                    valid_until=today + timedelta(days=rng.choice([-20, 15, 200, 400, 700, 900])),
                    recorded_by=recorder,
                )
            )
        for month_back in range(3):
            first = (today.replace(day=1) - timedelta(days=31 * month_back)).replace(day=1)
            hours.append(WorkedHours(project=project, month=first, hours=Decimal(rng.randint(300, 2400))))
        # The demo (small) shows every kind; at scale most projects have none.
        if dense or rng.random() < 0.45:
            incident_kind = (
                IncidentKind.values[number % 5]
                if dense
                else rng.choices(IncidentKind.values, weights=[4, 8, 50, 18, 20])[0]
            )
            closed = project.phase == Phase.HANDED_OVER
            investigated = closed or rng.random() < 0.5
            status = IncidentStatus.INVESTIGATED if investigated else IncidentStatus.OPEN
            incidents.append(
                SafetyIncident(
                    number=f"SI-{year}-{counter.next('safety_incident'):04d}",
                    project=project,
                    kind=incident_kind,
                    occurred_at=_at(today - timedelta(days=rng.randint(2, 90)), rng.randint(7, 16)),
                    place=texts["site"],
                    description=texts["incident"],
                    lost_days=rng.randint(1, 10) if incident_kind == IncidentKind.LOST_TIME_ACCIDENT else 0,
                    root_cause=texts["root"] if investigated else "",
                    is_reported_to_client=True,
                    status=IncidentStatus.CLOSED if closed else status,
                    reported_by=recorder,
                )
            )
    LastMinuteRiskAnalysis.objects.bulk_create(lmras, batch_size=5000)
    ToolboxMeeting.objects.bulk_create(meetings, batch_size=5000)
    SiteQualification.objects.bulk_create(qualifications, batch_size=5000)
    WorkedHours.objects.bulk_create(hours, batch_size=5000, ignore_conflicts=True)
    incidents = bulk_create_with_history(incidents, SafetyIncident, batch_size=2000)
    follow_ups = [
        CorrectiveAction(
            project=incident.project,
            incident=incident,
            description=TEXT[languages.get(incident.project.customer_id, "en")]["action"][0],
            owner=incident.reported_by,
            due_date=incident.occurred_at.date() + timedelta(days=14),
            status=ActionStatus.VERIFIED if incident.status == IncidentStatus.CLOSED else ActionStatus.OPEN,
        )
        for incident in incidents
        if incident.kind != IncidentKind.NEAR_MISS or incident.status == IncidentStatus.CLOSED
    ]
    bulk_create_with_history(follow_ups, CorrectiveAction, batch_size=2000)


def _seed_closure(rng, projects, templates, items, languages, contacts, people, today) -> None:
    officers, smos, heads = people[Role.PM_SUPPORT], people[Role.SMO], people[Role.HEAD_OF_PM]
    closing = [p for p in projects if p.phase in (Phase.CLOSING, Phase.HANDED_OVER)]
    checklists = bulk_create_with_history(
        [
            Review(
                project=project,
                template=templates[ChecklistKind.CLOSURE],
                reviewer=officers[number % len(officers)],
                scheduled_for=today - timedelta(days=10),
                gate_phase=Phase.HANDED_OVER,
                status=ReviewStatus.COMPLETED
                if project.phase == Phase.HANDED_OVER or number % 2
                else ReviewStatus.IN_PROGRESS,
                completed_at=_at(today - timedelta(days=10)),
                score=Decimal("100.0"),
            )
            for number, project in enumerate(closing)
        ],
        Review,
        batch_size=2000,
    )
    ReviewAnswer.objects.bulk_create(
        [
            ReviewAnswer(
                review=review,
                item=item,
                rating=Rating.CONFORM if review.status == ReviewStatus.COMPLETED else "",
                evidence_reference="PV" if review.status == ReviewStatus.COMPLETED else "",
            )
            for review in checklists
            for item in items[review.template_id]
        ],
        batch_size=5000,
    )
    validations, handovers, surveys = [], [], []
    closing_states = [HandoverStatus.SUBMITTED, HandoverStatus.RETURNED, HandoverStatus.DRAFT]
    in_closing = 0
    for number, (project, checklist) in enumerate(zip(closing, checklists, strict=True)):
        status = HandoverStatus.ACCEPTED
        if project.phase == Phase.CLOSING:
            status, in_closing = closing_states[in_closing % 3], in_closing + 1
        passed = status != HandoverStatus.DRAFT
        overridden = status == HandoverStatus.RETURNED
        validations.append(
            ClosureValidation(
                project=project,
                checklist=checklist,
                status=ClosureStatus.OVERRIDDEN
                if overridden
                else ClosureStatus.PASSED
                if passed
                else ClosureStatus.OPEN,
                evaluated_at=_at(today - timedelta(days=5)),
                evaluated_by=checklist.reviewer,
                override_reason="The customer declined the survey; acceptance signed on site."
                if overridden
                else "",
                overridden_by=heads[0] if overridden else None,
            )
        )
        language = languages.get(project.customer_id, "en")
        smo = smos[number % len(smos)]
        handovers.append(_handover(rng, project, status, smo, language, checklist.reviewer, today))
        contact = contacts.get(project.customer_id)
        if contact is not None and (passed or number % 2):
            answered = project.phase == Phase.HANDED_OVER
            surveys.append(
                SatisfactionSurvey(
                    project=project,
                    contact=contact,
                    token=secrets.token_urlsafe(32),
                    language=contact.language,
                    sent_at=_at(today - timedelta(days=12)),
                    sent_by=checklist.reviewer,
                    expires_at=_at(today + timedelta(days=18)),
                    emailed_at=_at(today - timedelta(days=12)),
                    answered_at=_at(today - timedelta(days=9)) if answered else None,
                    overall=rng.randint(3, 5) if answered else None,
                    quality=rng.randint(3, 5) if answered else None,
                    communication=rng.randint(2, 5) if answered else None,
                    timeliness=rng.randint(2, 5) if answered else None,
                    recommend=rng.randint(6, 10) if answered else None,
                    comment=TEXT[contact.language if contact.language in TEXT else "en"]["comment"]
                    if answered
                    else "",
                )
            )
    # A few projects still in execution already prepare their package (drafts).
    for number, project in enumerate(p for p in projects if p.phase == Phase.EXECUTION):
        if number % 4 == 0:
            language = languages.get(project.customer_id, "en")
            handovers.append(
                _handover(rng, project, HandoverStatus.DRAFT, smos[0], language, officers[0], today)
            )
            validations.append(ClosureValidation(project=project, status=ClosureStatus.OPEN))
    validations = bulk_create_with_history(validations, ClosureValidation, batch_size=2000)
    handovers = bulk_create_with_history(handovers, Handover, batch_size=2000)
    _seed_handover_parts(rng, handovers)
    SatisfactionSurvey.objects.bulk_create(surveys, batch_size=2000)
    _evaluate_validations(validations, heads)


def _evaluate_validations(validations, heads) -> None:
    """Keep the validations true to the data the other seed steps made: a passed one whose checks
    now fail becomes a recorded override by the head of project management."""
    evaluated = []
    for validation in validations:
        if validation.evaluated_at is None:
            continue
        results = closure_checks_run(project=validation.project)
        validation.results = [
            {"code": r.code, "label": r.label, "is_passed": r.is_passed, "detail": r.detail} for r in results
        ]
        if validation.status == ClosureStatus.PASSED and not all(r.is_passed for r in results):
            validation.status = ClosureStatus.OVERRIDDEN
            validation.override_reason = OVERRIDE_REASON
            validation.overridden_by = heads[0]
        evaluated.append(validation)
    ClosureValidation.objects.bulk_update(
        evaluated, ["results", "status", "override_reason", "overridden_by"], batch_size=1000
    )


def _handover(rng, project, status: str, smo, language: str, author, today) -> Handover:
    decided = status in (HandoverStatus.ACCEPTED, HandoverStatus.RETURNED)
    return Handover(
        project=project,
        smo_owner=smo,
        language=smo.preferred_language,
        status=status,
        service_name=f"{TEXT[language]['service']} {project.code}",
        service_levels=SERVICE_LEVELS,
        support_model=SUPPORT_MODEL,
        documentation=f"https://docs.example/{project.code}/as-built\nhttps://docs.example/{project.code}/runbook",
        access_handover="Project accounts removed; admin credentials rotated into the SMO vault.",
        els_start=today - timedelta(days=7),
        els_end=today + timedelta(days=14),
        els_exit_criteria=TEXT[language]["els"],
        submitted_at=_at(today - timedelta(days=4)) if status != HandoverStatus.DRAFT else None,
        decided_at=_at(today - timedelta(days=2)) if decided else None,
        created_by=author,
    )


def _seed_handover_parts(rng, handovers) -> None:
    items, contracts, open_items, events = [], [], [], []
    for handover in handovers:
        for index in range(rng.randint(2, 5)):
            items.append(
                ConfigurationItem(
                    handover=handover,
                    name=f"{handover.project.code.lower()}-sw-{index + 1:02d}",
                    item_type=rng.choice(["Switch", "Access point", "Firewall", "Wireless controller"]),
                    serial_number=f"FDO{rng.randint(1000, 9999)}X{rng.randint(100, 999)}",
                    location=rng.choice(["Building A, room 0.12", "Building B, floor 2", "Datacenter row 3"]),
                    warranty_end=date.today() + timedelta(days=rng.choice([365, 730, 1095])),
                )
            )
        contracts.append(
            SupportContract(
                handover=handover,
                supplier=rng.choice(["Cisco", "Fortinet", "HPE Aruba"]),
                reference=f"SC-{rng.randint(100000, 999999)}",
                coverage=rng.choice(["24x7x4h", "8x5xNBD"]),
                starts_on=date.today() - timedelta(days=10),
                ends_on=date.today() + timedelta(days=3 * 365),
                contact="tac@vendor.example · +32 2 555 01 99",
            )
        )
        open_items.append(
            TransferredItem(
                handover=handover,
                kind=rng.choice(["defect", "action", "risk"]),
                reference=f"PL-{rng.randint(1, 40)}",
                description="Label two patch panels in building B.",
                owner="Network operations",
            )
        )
        if handover.status != HandoverStatus.DRAFT:
            events.append(
                HandoverEvent(
                    handover=handover,
                    kind="submitted",
                    actor=handover.created_by,
                    created_at=handover.submitted_at,
                )
            )
        if handover.status == HandoverStatus.ACCEPTED:
            events.append(
                HandoverEvent(
                    handover=handover,
                    kind="accepted",
                    actor=handover.smo_owner,
                    created_at=handover.decided_at,
                )
            )
        if handover.status == HandoverStatus.RETURNED:
            events.append(
                HandoverEvent(
                    handover=handover,
                    kind="returned",
                    actor=handover.smo_owner,
                    reason="The runbook for the firewall cluster is missing.",
                    created_at=handover.decided_at,
                )
            )
    ConfigurationItem.objects.bulk_create(items, batch_size=5000)
    SupportContract.objects.bulk_create(contracts, batch_size=5000)
    TransferredItem.objects.bulk_create(open_items, batch_size=5000)
    HandoverEvent.objects.bulk_create(events, batch_size=5000)
