"""Reads of the registers: per project lists, the heat map, contingency, portfolio views."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import CharField, Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.http import Http404
from django.utils import timezone

from pmo.lib.money import CENT
from pmo.models import User
from pmo.roles import PORTFOLIO_READERS, Role
from projects import hooks
from projects.models import (
    Action,
    ChangeRequest,
    Decision,
    Issue,
    Lesson,
    Project,
    Risk,
    RiskBand,
    RiskCategory,
    RiskScale,
    RiskScaleLevel,
)
from projects.selectors.core import project_get_for_user, project_queryset_for_user

# Used only when an administrator removed the probability levels' percentages.
DEFAULT_PROBABILITY_PERCENT = {1: 5, 2: 20, 3: 40, 4: 60, 5: 85}

LIST_RELATED = {
    Risk: ("owner", "actionee", "category", "meeting_item__meeting"),
    Issue: ("owner", "raised_by", "source_risk"),
    ChangeRequest: ("requested_by", "source_issue"),
    Decision: ("decided_by", "risk", "issue", "change_request", "meeting_item__meeting"),
    Action: ("owner", "risk", "issue", "change_request", "decision", "meeting_item__meeting"),
    Lesson: ("created_by",),
}


@dataclass(frozen=True)
class Band:
    code: str
    name: str
    colour: str
    min_score: int
    max_score: int
    is_high: bool


def risk_bands() -> list[Band]:
    """The configured score bands, lowest first, named in the active language."""
    return [
        Band(band.code, band.name, band.colour, band.min_score, band.max_score, band.is_high)
        for band in RiskBand.objects.order_by("min_score")
    ]


def band_for_score(bands: list[Band], score: int) -> Band | None:
    return next((band for band in bands if band.min_score <= score <= band.max_score), None)


NO_HIGH_SCORE = 26  # above any score (5 x 5): nothing is high when no band is marked high
# high_score_threshold() as a subquery, for the statements written in SQL (one parameter: NO_HIGH_SCORE).
HIGH_SCORE_SQL = f"(SELECT coalesce(min(min_score), %s) FROM {RiskBand._meta.db_table} WHERE is_high)"


def high_score_threshold(bands: list[Band] | None = None) -> int:
    """The lowest score that counts as high; 26 (nothing) when no band is marked high."""
    high = [band.min_score for band in (bands if bands is not None else risk_bands()) if band.is_high]
    return min(high, default=NO_HIGH_SCORE)


def probability_percentages() -> dict[int, int]:
    """Probability level → the percentage expected values use."""
    configured = {
        level: percent
        for level, percent in RiskScaleLevel.objects.filter(
            scale=RiskScale.PROBABILITY, probability_percent__isnull=False
        ).values_list("level", "probability_percent")
        if percent is not None  # the filter says so; the type of a nullable column does not
    }
    return {**DEFAULT_PROBABILITY_PERCENT, **configured}


def risk_scale_levels() -> dict[str, list[RiskScaleLevel]]:
    """Every scale with its five levels, for the help shown next to the risk form."""
    scales: dict[str, list[RiskScaleLevel]] = {scale: [] for scale in RiskScale.values}
    for level in RiskScaleLevel.objects.order_by("scale", "level"):
        scales[level.scale].append(level)
    return {scale: levels for scale, levels in scales.items() if levels}


def risk_categories_active() -> QuerySet[RiskCategory]:
    return RiskCategory.objects.filter(is_active=True).order_by("name_en")


# A list row of actions and decisions names its source by reference only (R-4, I-2…): the
# references come as scalar subqueries instead of four more joins, which PostgreSQL took 17 ms to plan
# for 1 ms of execution (an eight-table join, actions register at scale L).
SOURCE_FIELDS = {"risk": Risk, "issue": Issue, "change_request": ChangeRequest, "decision": Decision}
LIST_ROW_RELATED = {
    **LIST_RELATED,
    Risk: ("owner", "category"),
    Decision: ("decided_by", "meeting_item__meeting"),
    Action: ("owner", "meeting_item__meeting"),
}


def register_list_for_project(*, project: Project, model) -> QuerySet:
    """The entries of one register of a project with what a list row shows, in one query.

    Actions and decisions carry `<source>_reference` for each source they may have (`risk_reference`
    is "R-4")."""
    rows = model.objects.filter(project=project).select_related(*LIST_ROW_RELATED[model])
    fields = {field.name for field in model._meta.get_fields() if field.many_to_one}
    references = {
        f"{name}_reference": Subquery(
            source._default_manager.filter(pk=OuterRef(f"{name}_id"))
            .annotate(code=Concat(Value(f"{source.PREFIX}-"), Cast("number", CharField())))
            .values("code")[:1]
        )
        for name, source in SOURCE_FIELDS.items()
        if name in fields
    }
    return rows.annotate(**references) if references else rows


def register_export_rows_for_project(*, project: Project, model) -> QuerySet:
    """What an export writes: every related object a column names, selected with the rows."""
    return register_list_for_project(project=project, model=model).select_related(*LIST_RELATED[model])


def register_entry_get_for_user(*, user: User, project_pk: int, model, pk: int, write: bool = False):
    """One entry; 404 when its project is invisible or it is not on that project, 403 when read-only."""
    project = project_get_for_user(user=user, pk=project_pk, write=write)
    entry = model.objects.filter(project=project, pk=pk).select_related(*LIST_RELATED[model]).first()
    if entry is None:
        raise Http404
    entry.project = project
    return entry


def entry_links(*, entry) -> dict[str, list]:
    """What was raised from an entry (issues, change requests, decisions, actions), kind by kind."""
    links: dict[str, list] = {}
    if isinstance(entry, Risk):
        links["issues"] = list(entry.issues.all())
    if isinstance(entry, Issue):
        links["change_requests"] = list(entry.change_requests.all())
    if isinstance(entry, Risk | Issue | ChangeRequest):
        links["decisions"] = list(entry.decisions.all())
        links["actions"] = list(entry.actions.select_related("owner"))
    if isinstance(entry, Decision):
        links["actions"] = list(entry.actions.select_related("owner"))
    return links


@dataclass(frozen=True)
class HeatCell:
    probability: int
    impact: int
    count: int
    band: Band | None

    @property
    def css(self) -> str:
        """The cell's background and a text colour readable on it (the light bands take dark text)."""
        colour = self.band.colour if self.band else "light"
        text = "text-dark" if colour in ("success", "warning", "light") else "text-white"
        return f"bg-{colour} {text}"


HEAT_BASES = {"residual": ("residual_probability", "residual_impact"), "inherent": ("probability", "impact")}


def risk_heat_maps(*, risks: QuerySet[Risk], bands: list[Band]) -> dict[str, list[list[HeatCell]]]:
    """Counts per probability-impact cell for both bases, rows from probability 5 down to 1 (one query)."""
    columns = [column for pair in HEAT_BASES.values() for column in pair]
    counts: dict[str, dict[tuple[int, int], int]] = {basis: {} for basis in HEAT_BASES}
    for row in risks.order_by().values(*columns).annotate(count=Count("pk")):
        for basis, (probability, impact) in HEAT_BASES.items():
            cell = (row[probability], row[impact])
            counts[basis][cell] = counts[basis].get(cell, 0) + row["count"]
    return {
        basis: [
            [HeatCell(p, i, by_cell.get((p, i), 0), band_for_score(bands, p * i)) for i in range(1, 6)]
            for p in range(5, 0, -1)
        ]
        for basis, by_cell in counts.items()
    }


TOP_RISK_ORDER = {
    "score": "residual_score DESC, residual_emv DESC, number",
    "emv": "residual_emv DESC, residual_score DESC, number",
}


def risk_tops(*, project: Project, limit: int = 5) -> dict[str, list[Risk]]:
    """Both top lists of the risks register ("score", "emv"): the open risks with the highest residual
    score, and with the highest expected value, with only what the lists show.

    One raw statement (a union of the two ordered lists, each row with its rank): two ORM queries cost
    Django twice what the rows cost, and one ranking them with the ORM's window functions more still."""
    risk_open = list(Risk.OPEN_STATUSES)
    lists = " UNION ALL ".join(
        "SELECT * FROM (SELECT id, project_id, number, title, residual_score, residual_emv, %s AS top_list,"
        f" row_number() OVER (ORDER BY {order}) AS top_rank FROM {Risk._meta.db_table}"
        f" WHERE project_id = %s AND status IN ({_placeholders(risk_open)}) ORDER BY {order} LIMIT %s) ranked"
        for order in TOP_RISK_ORDER.values()
    )
    params = [value for key in TOP_RISK_ORDER for value in (key, project.pk, *risk_open, limit)]
    tops: dict[str, list[Risk]] = {key: [] for key in TOP_RISK_ORDER}
    for risk in Risk.objects.raw(lists, params):
        tops[risk.top_list].append(risk)  # type: ignore[attr-defined]  # a column of the raw statement
    for ranked in tops.values():  # a union keeps no order of its own: each list by its query's rank
        ranked.sort(key=lambda risk: risk.top_rank)  # type: ignore[attr-defined]
    return tops


@dataclass(frozen=True)
class Contingency:
    threats_inherent: Decimal
    threats_residual: Decimal
    opportunities_residual: Decimal
    budget: Decimal = Decimal("0.00")  # the project's contingency budget line

    @property
    def shortfall(self) -> Decimal:
        """How much the contingency budget falls short of the recommended figure."""
        return max(self.recommended - self.budget, Decimal("0.00"))

    @property
    def recommended(self) -> Decimal:
        """Residual threat exposure less the expected opportunities, never below zero."""
        return max(self.threats_residual - self.opportunities_residual, Decimal("0.00"))


def project_contingency(*, project: Project) -> Contingency:
    """The expected monetary value of the open risks: the basis for the project's contingency."""
    risks_sql, params = _open_risk_figures_sql(project)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.threats_inherent, r.threats_residual, r.opportunities_residual FROM {risks_sql}",
            params,
        )
        sums = cursor.fetchone()
    return _contingency(project, sums)


def _contingency(project: Project, sums) -> Contingency:
    # SQLite sums decimals as floats; both databases give NULL for no row.
    inherent, residual, opportunities = (Decimal(str(value or 0)).quantize(CENT) for value in sums)
    budget = hooks.budget.contingency_budget(project=project)  # budget lines live in procurement
    return Contingency(inherent, residual, opportunities, budget=budget or Decimal("0.00"))


def _open_risk_figures_sql(project: Project) -> tuple[str, list]:
    """`(SELECT ...) r`: the project's open risks, open high risks and their expected values, one row.

    In SQL: as ORM aggregates (and the bands' query for the threshold) Django spent more instructions
    building them than PostgreSQL answering; the callers' tests compare them with the ORM per figure."""
    risk_open = list(Risk.OPEN_STATUSES)
    sql = f"""(
        SELECT count(*) AS open,
               count(*) FILTER (WHERE residual_score >= {HIGH_SCORE_SQL}) AS high,
               sum(inherent_emv) FILTER (WHERE kind = %s) AS threats_inherent,
               sum(residual_emv) FILTER (WHERE kind = %s) AS threats_residual,
               sum(residual_emv) FILTER (WHERE kind = %s) AS opportunities_residual
        FROM {Risk._meta.db_table} WHERE project_id = %s AND status IN ({_placeholders(risk_open)})
    ) r"""
    threat, opportunity = Risk.Kind.THREAT.value, Risk.Kind.OPPORTUNITY.value
    params = [NO_HIGH_SCORE, threat, threat, opportunity, project.pk, *risk_open]
    return sql, params


def open_high_risks_q(threshold: int) -> Q:
    return Q(status__in=Risk.OPEN_STATUSES, residual_score__gte=threshold)


def overdue_actions_q(today=None) -> Q:
    return Q(status__in=Action.OPEN_STATUSES, due_date__lt=today or timezone.localdate())


@dataclass(frozen=True)
class RegisterSummary:
    open_risks: int
    open_high_risks: int
    open_issues: int
    open_change_requests: int
    open_actions: int
    overdue_actions: int
    lessons: int
    contingency: Contingency


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def register_summary(*, project: Project) -> RegisterSummary:
    """The counts the project page shows for its registers, and the contingency, in one statement.

    Written as SQL: as seven ORM queries (the bands, then each register), Django spent 16 M instructions
    building them, a ninth of the project page, for counts PostgreSQL answers in well under a
    millisecond. tests/projects/test_project_cockpit.py compares it with a query per figure."""
    action_open = list(Action.OPEN_STATUSES)
    issue_open, change_open = list(Issue.OPEN_STATUSES), list(ChangeRequest.OPEN_STATUSES)
    risks_sql, risk_params = _open_risk_figures_sql(project)
    sql = f"""
        SELECT r.open, r.high, r.threats_inherent, r.threats_residual, r.opportunities_residual,
               a.open, a.overdue, i.open, c.open, l.total
        FROM {risks_sql}
        CROSS JOIN (
            SELECT count(*) AS open, count(*) FILTER (WHERE due_date < %s) AS overdue
            FROM {Action._meta.db_table} WHERE project_id = %s AND status IN ({_placeholders(action_open)})
        ) a
        CROSS JOIN (
            SELECT count(*) AS open FROM {Issue._meta.db_table}
            WHERE project_id = %s AND status IN ({_placeholders(issue_open)})
        ) i
        CROSS JOIN (
            SELECT count(*) AS open FROM {ChangeRequest._meta.db_table}
            WHERE project_id = %s AND status IN ({_placeholders(change_open)})
        ) c
        CROSS JOIN (SELECT count(*) AS total FROM {Lesson._meta.db_table} WHERE project_id = %s) l
    """
    params = [
        *risk_params,
        timezone.localdate(),
        project.pk,
        *action_open,
        project.pk,
        *issue_open,
        project.pk,
        *change_open,
        project.pk,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        risks, high, *sums, actions, overdue, issues, changes, lessons = cursor.fetchone()
    return RegisterSummary(
        open_risks=risks,
        open_high_risks=high,
        open_issues=issues,
        open_change_requests=changes,
        open_actions=actions,
        overdue_actions=overdue,
        lessons=lessons,
        contingency=_contingency(project, sums),
    )


def _visible(queryset: QuerySet, user: User) -> QuerySet:
    if user.has_role(*PORTFOLIO_READERS):
        return queryset
    return queryset.filter(project__in=project_queryset_for_user(user=user).values("pk"))


# What the lists across projects show of an entry's owner and project: the rows are read with these
# columns only (fifty actions with their whole project and owner were a fifth of the page's time).
OWNER_NAME = ("owner__display_name", "owner__first_name", "owner__last_name", "owner__username")
LISTED_ENTRY = ("pk", "project_id", "owner_id", "number", "title", "status")


def portfolio_high_risks(*, user: User, with_customer: bool = False) -> QuerySet[Risk]:
    """Open high risks on every project the user may see, highest first (`with_customer`: its name too)."""
    risks = Risk.objects.filter(open_high_risks_q(high_score_threshold()), is_handed_over=False)
    related: tuple[str, ...] = ("project", "owner")
    fields: tuple[str, ...] = ("project__code", *OWNER_NAME)
    if with_customer:
        related, fields = (*related, "project__customer"), (*fields, "project__customer__name")
    return (
        _visible(risks, user)
        .select_related(*related)
        .only(*LISTED_ENTRY, "residual_score", "residual_emv", *fields)
        .order_by("-residual_score", "-residual_emv")
    )


def portfolio_overdue_actions(*, user: User) -> QuerySet[Action]:
    """Overdue actions on every project the user may see, oldest due date first."""
    actions = Action.objects.filter(overdue_actions_q())
    return (
        _visible(actions, user)
        .select_related("project", "owner")
        .only(*LISTED_ENTRY, "due_date", "project__code", *OWNER_NAME)
        .order_by("due_date", "pk")
    )


def lesson_search_for_user(*, user: User) -> QuerySet[Lesson]:
    """Lessons learned across projects: every project for managers and the PMO, else the visible ones."""
    lessons = Lesson.objects.select_related("project", "created_by")
    if user.has_role(Role.PROJECT_MANAGER):
        return lessons
    return _visible(lessons, user)


def open_blockers_for_closing(*, project: Project) -> tuple[int, int]:
    """Open high risks and open issues not transferred to the SMO hand-over list.

    One statement with the high-band threshold as a subquery (the gate to closing is checked on every
    project page in execution: three ORM queries cost it more to build than PostgreSQL to answer)."""
    risk_open, issue_open = list(Risk.OPEN_STATUSES), list(Issue.OPEN_STATUSES)
    sql = f"""
        SELECT
            (SELECT count(*) FROM {Risk._meta.db_table}
             WHERE project_id = %s AND NOT is_handed_over AND status IN ({_placeholders(risk_open)})
               AND residual_score >= {HIGH_SCORE_SQL}),
            (SELECT count(*) FROM {Issue._meta.db_table}
             WHERE project_id = %s AND NOT is_handed_over AND status IN ({_placeholders(issue_open)}))
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [project.pk, *risk_open, NO_HIGH_SCORE, project.pk, *issue_open])
        high, issues = cursor.fetchone()
    return high, issues


def handover_register_items(*, project: Project) -> dict[str, QuerySet]:
    """The risks and issues transferred to the SMO hand-over list (read by the hand-over package)."""
    return {
        "risks": Risk.objects.filter(project=project, is_handed_over=True).select_related("owner"),
        "issues": Issue.objects.filter(project=project, is_handed_over=True).select_related("owner"),
    }


def cost_category_name(*, code: str) -> str:
    """The translated name of a budget cost category (they live in procurement)."""
    return hooks.budget.category_name(code=code)


def my_open_actions_for(*, user: User) -> QuerySet[Action]:
    """The open actions a user owns, soonest due first, with what every home and dashboard shows of them."""
    return (
        Action.objects.filter(owner=user, status__in=Action.OPEN_STATUSES)
        .select_related("project")
        .only("pk", "project_id", "number", "title", "status", "due_date", "project__code")
        .order_by("due_date", "pk")
    )
