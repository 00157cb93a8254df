from datetime import date, timedelta
from decimal import Decimal
from importlib import import_module
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from pmo.roles import Role
from projects.gates import gate_evaluate
from projects.models import Action, ChangeRequest, Decision, Issue, Lesson, Phase, Risk, RiskBand
from projects.services import registers as services
from tests.factories import (
    ActionFactory,
    ChangeRequestFactory,
    DecisionFactory,
    IssueFactory,
    LessonFactory,
    ProjectFactory,
    RiskFactory,
    user_with_role,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("postgres_only", "register_defaults")]


@pytest.fixture
def register_defaults(db):
    """The shipped scales and bands (a transactional test elsewhere may have flushed them)."""
    from django.apps import apps

    import_module("projects.migrations.0006_registers_defaults").create_defaults(apps, None)


@pytest.fixture
def project():
    return ProjectFactory(phase=Phase.EXECUTION)


@pytest.fixture
def pm_client(client, project):
    client.force_login(project.project_manager)
    client.user = project.project_manager
    return client


def _risk_post(project, **overrides):
    data = {
        "title": "Switches delivered late",
        "kind": "threat",
        "cause": "Single supplier",
        "event": "Delivery slips",
        "effect": "Installation waits",
        "probability": "4",
        "impact": "3",
        "residual_probability": "2",
        "residual_impact": "3",
        "cost_impact": "100.000,00",
        "time_impact_days": "10",
        "proximity": "within_stage",
        "response_category": "reduce",
        "response": "Order from a second supplier",
        "owner": project.project_manager_id,
    }
    return data | overrides


def test_the_shipped_scales_and_bands_are_there_in_three_languages():
    bands = list(RiskBand.objects.values_list("code", "min_score", "max_score", "is_high"))

    assert bands == [
        ("low", 1, 4, False),
        ("medium", 5, 9, False),
        ("high", 10, 19, True),
        ("very_high", 20, 25, True),
    ]
    assert RiskBand.objects.get(code="high").name_nl == "Hoog"


def test_it_registers_a_risk_with_scores_and_expected_values(pm_client, project):
    response = pm_client.post(f"/projects/{project.pk}/risks/create/", _risk_post(project))

    risk = Risk.objects.get(project=project)
    assert response.status_code == 302
    assert response["Location"] == risk.get_absolute_url()
    assert risk.reference == "R-1"
    assert (risk.inherent_score, risk.residual_score) == (12, 6)
    # Probability 4 counts as 60 %, probability 2 as 20 % (shipped scale).
    assert (risk.inherent_emv, risk.residual_emv) == (Decimal("60000.00"), Decimal("20000.00"))
    assert risk.history.latest().history_user == pm_client.user


def test_it_refuses_an_opportunity_response_on_a_threat_and_creates_nothing(pm_client, project):
    response = pm_client.post(
        f"/projects/{project.pk}/risks/create/", _risk_post(project, response_category="exploit")
    )

    assert response.status_code == 200
    assert not Risk.objects.exists()


@pytest.mark.parametrize("role", [Role.FINANCE, Role.ENGINEERING_MANAGER, Role.SMO, Role.SALES])
def test_it_refuses_roles_that_may_not_change_the_register(client, project, role):
    client.force_login(user_with_role(role))

    response = client.post(f"/projects/{project.pk}/risks/create/", _risk_post(project))

    assert response.status_code in (403, 404)
    assert not Risk.objects.exists()


def test_a_project_manager_of_another_project_sees_nothing(client, project):
    risk = RiskFactory(project=project)
    client.force_login(user_with_role(Role.PROJECT_MANAGER))

    assert client.get(f"/projects/{project.pk}/risks/").status_code == 404
    assert client.get(risk.get_absolute_url()).status_code == 404
    assert client.get(f"/projects/{project.pk}/risks/export/").status_code == 404


def test_finance_reads_the_register_but_cannot_edit_it(client, project):
    risk = RiskFactory(project=project, title="Old")
    client.force_login(user_with_role(Role.FINANCE))

    assert client.get(f"/projects/{project.pk}/risks/").status_code == 200
    response = client.post(f"/projects/{project.pk}/risks/{risk.pk}/update/", _risk_post(project))

    assert response.status_code == 403
    risk.refresh_from_db()
    assert risk.title == "Old"


def test_it_refuses_wrong_methods(pm_client, project):
    risk = RiskFactory(project=project)

    assert pm_client.get(f"/projects/{project.pk}/risks/{risk.pk}/convert-to-issue/").status_code == 405
    assert pm_client.delete(f"/projects/{project.pk}/risks/{risk.pk}/update/").status_code == 405
    assert pm_client.post(f"/projects/{project.pk}/risks/").status_code == 405


def test_the_heat_map_counts_open_risks_per_cell_and_a_cell_filters_the_list(pm_client, project):
    RiskFactory(project=project, probability=5, impact=5, residual_probability=4, residual_impact=3)
    RiskFactory(project=project, probability=5, impact=5, residual_probability=4, residual_impact=3)
    RiskFactory(project=project, probability=1, impact=2)
    RiskFactory(project=project, probability=4, impact=3, status=Risk.Status.CLOSED)

    page = pm_client.get(f"/projects/{project.pk}/risks/")
    inherent = pm_client.get(f"/projects/{project.pk}/risks/?basis=inherent")
    cell = pm_client.get(f"/projects/{project.pk}/risks/?basis=residual&p=4&i=3")

    residual_rows = page.context["heat_map"]  # probability 5 first
    assert residual_rows[1][2].count == 2 and residual_rows[1][2].band.code == "high"
    assert residual_rows[4][1].count == 1 and residual_rows[4][1].band.code == "low"
    assert cell.context["heat_map"][4][1].count == 1  # choosing a cell keeps the whole map
    assert inherent.context["heat_map"][0][4].count == 2
    assert inherent.context["heat_map"][0][4].band.code == "very_high"
    assert cell.context["page"].paginator.count == 3  # the closed one is listed, not counted in the map
    both = {basis: rows for basis, _label, rows in page.context["heat_maps"]}
    assert (
        both["inherent"][0].cells[4].cell.count == 2 and both["residual"][1].cells[2].cell.count == 2
    )  # both maps
    assert 'data-basis="inherent"' in page.text and 'data-basis="residual"' in page.text
    drawn = {basis: rows for basis, _label, rows in cell.context["heat_maps"]}
    chosen = drawn["residual"][1].cells[2]
    assert "heat-selected" in chosen.css and "heat-selected" not in drawn["inherent"][1].cells[2].css
    assert chosen.href == "?basis=residual&p=4&i=3" and chosen.title.startswith("Probability 4, impact 3: ")
    assert f'href="{drawn["inherent"][0].cells[4].href.replace("&", "&amp;")}"' in cell.text
    assert (
        '<td class="heat-cell bg-' in cell.text
        and 'data-p="4" data-i="3"><a href="?basis=residual&amp;p=4&amp;i=3"' in cell.text
    )


@pytest.mark.parametrize(
    ("url", "factory"),
    [
        ("risks", RiskFactory),
        ("issues", IssueFactory),
        ("change-requests", ChangeRequestFactory),
        ("decisions", DecisionFactory),
        ("actions", ActionFactory),
        ("lessons", LessonFactory),
    ],
)
def test_each_register_list_runs_a_constant_number_of_queries(
    pm_client, project, url, factory, django_assert_max_num_queries
):
    for _ in range(3):
        factory(project=project)
    with django_assert_max_num_queries(30) as few:
        pm_client.get(f"/projects/{project.pk}/{url}/")
    for _ in range(30):
        factory(project=project)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = pm_client.get(f"/projects/{project.pk}/{url}/?sort=-number")

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25


def test_the_list_answers_htmx_with_the_table_only(pm_client, project):
    RiskFactory(project=project, title="Alpha")
    RiskFactory(project=project, title="Beta")

    fragment = pm_client.get(f"/projects/{project.pk}/risks/?q=alp", headers={"HX-Request": "true"})

    assert [risk.title for risk in fragment.context["page"].object_list] == ["Alpha"]
    assert "<html" not in fragment.text


def test_a_risk_that_happens_becomes_a_linked_issue_then_a_change_request(pm_client, project):
    risk = RiskFactory(project=project, probability=4, impact=4, residual_probability=4, residual_impact=4)

    response = pm_client.post(f"/projects/{project.pk}/risks/{risk.pk}/convert-to-issue/")

    issue = Issue.objects.get(project=project)
    risk.refresh_from_db()
    assert response["Location"] == issue.get_absolute_url()
    assert issue.source_risk == risk and issue.priority == Issue.Priority.HIGH
    assert risk.status == Risk.Status.OCCURRED
    assert "I-1" in risk.history.latest().history_change_reason

    pm_client.post(f"/projects/{project.pk}/issues/{issue.pk}/convert-to-change-request/")

    change = ChangeRequest.objects.get(project=project)
    issue.refresh_from_db()
    assert change.source_issue == issue and change.status == ChangeRequest.Status.DRAFT
    assert issue.status == Issue.Status.IN_PROGRESS
    assert change.reference in pm_client.get(issue.get_absolute_url()).text


def test_any_entry_raises_a_linked_action_or_decision_in_one_click(pm_client, project):
    issue = IssueFactory(project=project)

    action_response = pm_client.post(f"/projects/{project.pk}/issues/{issue.pk}/create-action/")
    decision_response = pm_client.post(f"/projects/{project.pk}/issues/{issue.pk}/create-decision/")

    action, decision = Action.objects.get(), Decision.objects.get()
    assert (action.issue, decision.issue) == (issue, issue)
    assert action.owner == issue.owner and action.due_date == date.today() + timedelta(days=7)
    assert action_response["Location"] == f"{action.get_absolute_url()}update/"
    assert decision_response["Location"] == f"{decision.get_absolute_url()}update/"


def test_overdue_actions_stand_out_on_the_list_the_project_and_the_portfolio(pm_client, project):
    late = ActionFactory(
        project=project, title="Send the as-built", due_date=date.today() - timedelta(days=3)
    )
    ActionFactory(project=project, due_date=date.today() + timedelta(days=3))

    listing = pm_client.get(f"/projects/{project.pk}/actions/?overdue=true")
    detail = pm_client.get(project.get_absolute_url())
    portfolio = pm_client.get("/projects/registers/")

    assert [action.pk for action in listing.context["page"].object_list] == [late.pk]
    assert 'class="row-overdue"' in listing.text
    assert "1 overdue" in detail.text
    assert list(portfolio.context["overdue_actions"]) == [late]


def test_the_portfolio_runs_a_constant_number_of_queries(pm_client, project, django_assert_max_num_queries):
    def make(count):
        for _ in range(count):
            other = ProjectFactory(project_manager=project.project_manager)
            RiskFactory(project=other, probability=5, impact=4, residual_probability=5, residual_impact=4)
            ActionFactory(project=other, due_date=date.today() - timedelta(days=1))

    make(2)
    with django_assert_max_num_queries(30) as few:
        pm_client.get("/projects/registers/")
    make(20)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = pm_client.get("/projects/registers/")

    assert response.context["risks_page"].paginator.count == 22


def test_issues_close_only_with_a_reason(pm_client, project):
    issue = IssueFactory(project=project)

    pm_client.post(f"/projects/{project.pk}/issues/{issue.pk}/status/", {"status": "closed", "reason": ""})
    issue.refresh_from_db()
    assert issue.status == Issue.Status.OPEN

    pm_client.post(
        f"/projects/{project.pk}/issues/{issue.pk}/status/", {"status": "closed", "reason": "Fixed"}
    )
    issue.refresh_from_db()
    assert (issue.status, issue.closure_reason) == (Issue.Status.CLOSED, "Fixed")


def test_closing_waits_for_high_risks_and_open_issues_to_be_closed_or_handed_over(project):
    actor = project.project_manager
    risk = RiskFactory(project=project, probability=4, impact=4, residual_probability=4, residual_impact=4)
    RiskFactory(project=project, probability=1, impact=1)  # a low risk does not hold the gate
    issue = IssueFactory(project=project)

    assert gate_evaluate(project=project, target_phase=Phase.CLOSING).missing

    services.risk_hand_over(risk=risk, actor=actor, reason="Support contract covers it")
    assert gate_evaluate(project=project, target_phase=Phase.CLOSING).missing

    services.issue_status_change(issue=issue, actor=actor, status=Issue.Status.CLOSED, reason="Solved")
    assert gate_evaluate(project=project, target_phase=Phase.CLOSING).is_open


def test_it_exports_the_filtered_register_as_csv_and_xlsx(pm_client, project):
    RiskFactory(project=project, title="Late switches", cost_impact=Decimal("1234.50"))
    RiskFactory(project=project, title="=HYPERLINK(1)")

    csv_response = pm_client.get(f"/projects/{project.pk}/risks/export/?format=csv&q=late")
    xlsx_response = pm_client.get(f"/projects/{project.pk}/risks/export/?format=xlsx")

    lines = b"".join(csv_response.streaming_content).decode().splitlines()
    assert len(lines) == 2 and "Late switches" in lines[1]
    sheet = load_workbook(BytesIO(b"".join(xlsx_response.streaming_content))).active
    assert sheet.max_row == 3
    assert "'=HYPERLINK(1)" in [cell.value for cell in sheet["B"]]
    assert sheet.cell(row=1, column=2).value == "Title"


def test_lessons_are_searchable_across_projects_by_project_managers_only(client, project):
    LessonFactory(project=project, title="Order switches early", category=Lesson.Category.PROCUREMENT)
    other_manager = user_with_role(Role.PROJECT_MANAGER)
    seller = user_with_role(Role.SALES)

    client.force_login(other_manager)
    found = client.get("/projects/lessons/?q=switches&category=procurement")
    client.force_login(seller)
    hidden = client.get("/projects/lessons/?q=switches")

    assert [lesson.title for lesson in found.context["page"].object_list] == ["Order switches early"]
    assert list(hidden.context["page"].object_list) == []


def test_every_entry_keeps_its_history_and_shows_it(pm_client, project):
    lesson = LessonFactory(project=project)

    pm_client.post(
        f"/projects/{project.pk}/lessons/{lesson.pk}/update/",
        {
            "title": "Renamed lesson",
            "kind": "avoid",
            "category": "planning",
            "what_happened": lesson.what_happened,
            "recommendation": lesson.recommendation,
        },
    )

    page = pm_client.get(lesson.get_absolute_url())
    assert lesson.history.latest().history_user == pm_client.user
    assert "Renamed lesson" in page.text and "→" in page.text


def test_numbers_run_per_project_and_kind(project):
    actor = project.project_manager
    first = services.action_create(
        project=project, actor=actor, title="A", owner=actor, due_date=date.today()
    )
    second = services.action_create(
        project=project, actor=actor, title="B", owner=actor, due_date=date.today()
    )
    elsewhere = services.action_create(
        project=ProjectFactory(), actor=actor, title="C", owner=actor, due_date=date.today()
    )

    assert (first.reference, second.reference, elsewhere.reference) == ("A-1", "A-2", "A-1")


def test_links_must_stay_inside_the_project(project):
    foreign_risk = RiskFactory()

    with pytest.raises(ValidationError):
        services.action_create(
            project=project,
            actor=project.project_manager,
            title="X",
            owner=project.project_manager,
            due_date=date.today(),
            risk=foreign_risk,
        )
    assert not Action.objects.exists()


def test_risk_owners_are_reminded_once_per_review_date(project, mailoutbox):
    today = date.today()
    due = RiskFactory(project=project, review_date=today - timedelta(days=1))
    RiskFactory(project=project, review_date=today + timedelta(days=5))
    RiskFactory(project=project, review_date=today, status=Risk.Status.CLOSED)

    first = services.risk_review_reminders_send(today=today)
    again = services.risk_review_reminders_send(today=today)

    assert (first, again) == (1, 0)
    assert mailoutbox[0].to == [project.project_manager.email]
    assert due.reference in mailoutbox[0].subject
    due.refresh_from_db()
    assert due.reminded_on == today


def test_the_phase_change_to_closing_is_refused_with_an_open_high_risk(project):
    from projects.services import project_phase_change

    RiskFactory(project=project, probability=5, impact=5, residual_probability=5, residual_impact=5)

    with pytest.raises(ValidationError) as refused:
        project_phase_change(project=project, target_phase=Phase.CLOSING, actor=project.project_manager)

    assert any("open high risk" in message for message in refused.value.messages)
    project.refresh_from_db()
    assert project.phase == Phase.EXECUTION


def test_the_edit_form_shows_amounts_in_the_users_locale(pm_client, project):
    risk = RiskFactory(project=project, cost_impact=Decimal("120000.00"))
    pm_client.user.preferred_language = "nl"
    pm_client.user.save(update_fields=["preferred_language"])

    page = pm_client.get(f"/projects/{project.pk}/risks/{risk.pk}/update/", headers={"Accept-Language": "nl"})

    assert 'value="120000,00"' in page.text or 'value="120.000,00"' in page.text


def test_the_home_page_shows_my_overdue_actions(pm_client, project):
    ActionFactory(project=project, title="Late one", due_date=date.today() - timedelta(days=2))

    page = pm_client.get("/")

    assert "Late one" in page.text and "list-group-item-danger" in page.text


def test_the_contingency_compares_expected_values_with_the_contingency_budget_line(pm_client, project):
    from importlib import import_module as load

    from django.apps import apps

    from tests.factories import BudgetLineFactory, cost_category

    load("procurement.migrations.0002_default_categories_and_rules").create_defaults(apps, None)
    BudgetLineFactory(project=project, category=cost_category("contingency"), budget=Decimal("5000.00"))
    services.risk_create(
        project=project,
        actor=project.project_manager,
        title="Late switches",
        kind="threat",
        probability=3,
        impact=3,
        cost_impact=Decimal("50000.00"),
        owner=project.project_manager,
    )
    services.risk_create(
        project=project,
        actor=project.project_manager,
        title="Cheaper licences",
        kind="opportunity",
        probability=2,
        impact=2,
        cost_impact=Decimal("10000.00"),
        owner=project.project_manager,
    )

    contingency = pm_client.get(f"/projects/{project.pk}/risks/").context["contingency"]

    # 40 % of 50,000 for the threat, less 20 % of 10,000 for the opportunity.
    assert contingency.recommended == Decimal("18000.00")
    assert contingency.budget == Decimal("5000.00")
    assert contingency.shortfall == Decimal("13000.00")


@pytest.mark.parametrize(
    ("url", "factory"),
    [("risks", RiskFactory), ("issues", IssueFactory), ("change-requests", ChangeRequestFactory)],
)
def test_an_entry_page_runs_a_constant_number_of_queries(
    pm_client, project, url, factory, django_assert_max_num_queries
):
    entry = factory(project=project)
    source = {"risks": "risk", "issues": "issue", "change-requests": "change_request"}[url]
    ActionFactory(project=project, **{source: entry})
    with django_assert_max_num_queries(30) as few:
        pm_client.get(f"/projects/{project.pk}/{url}/{entry.pk}/")
    for _ in range(10):
        ActionFactory(project=project, **{source: entry})
        DecisionFactory(project=project, **{source: entry})

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = pm_client.get(f"/projects/{project.pk}/{url}/{entry.pk}/")

    assert response.status_code == 200
    assert len(response.context["links"]["actions"]) == 11


@pytest.mark.parametrize(
    "operation", ["convert-to-issue", "hand-over", "create-action", "create-decision", "close"]
)
def test_read_only_roles_cannot_act_on_an_entry_and_nothing_changes(client, project, operation):
    risk = RiskFactory(project=project)
    client.force_login(user_with_role(Role.FINANCE))

    response = client.post(f"/projects/{project.pk}/risks/{risk.pk}/{operation}/", {"reason": "x"})

    assert response.status_code == 403
    risk.refresh_from_db()
    assert (risk.status, risk.is_handed_over) == (Risk.Status.ACTIVE, False)
    assert not (Issue.objects.exists() or Action.objects.exists() or Decision.objects.exists())


def test_an_unknown_operation_is_not_found(pm_client, project):
    risk = RiskFactory(project=project)

    assert pm_client.post(f"/projects/{project.pk}/risks/{risk.pk}/approve/").status_code == 404


def test_the_portfolio_shows_only_the_projects_a_user_may_see(client, project):
    RiskFactory(
        project=project, title="Hidden", probability=5, impact=5, residual_probability=5, residual_impact=5
    )
    ActionFactory(project=project, title="Hidden action", due_date=date.today() - timedelta(days=1))
    other_manager = user_with_role(Role.PROJECT_MANAGER)
    client.force_login(other_manager)

    page = client.get("/projects/registers/")

    assert page.context["risks_page"].paginator.count == 0
    assert page.context["overdue_count"] == 0
    assert "Hidden" not in page.text


def test_the_action_and_decision_lists_link_each_row_to_its_source(pm_client, project, register_defaults):
    risk = RiskFactory(project=project)
    issue = IssueFactory(project=project)
    from_risk = services.action_create_from(source=risk, actor=pm_client.user)
    from_issue = services.action_create_from(source=issue, actor=pm_client.user)
    decision = services.decision_create_from(source=risk, actor=pm_client.user)
    from_decision = services.action_create_from(source=decision, actor=pm_client.user)

    actions = pm_client.get(f"/projects/{project.pk}/actions/").content.decode()
    for action, source in ((from_risk, risk), (from_issue, issue), (from_decision, decision)):
        assert f'<a href="{source.get_absolute_url()}">{source.reference}</a>' in actions, action.reference
    decisions = pm_client.get(f"/projects/{project.pk}/decisions/").content.decode()
    assert f'<a href="{risk.get_absolute_url()}">{risk.reference}</a>' in decisions


def test_the_top_risks_rank_open_risks_by_score_and_by_expected_value(
    pm_client, project, django_assert_num_queries
):
    from projects.selectors.registers import risk_tops

    # Score = residual probability x impact; the expected value is stored on the risk.
    scored = [
        RiskFactory(project=project, residual_probability=5, residual_impact=5, residual_emv=Decimal(100 + n))
        for n in range(6)
    ]
    costly = [
        RiskFactory(
            project=project, residual_probability=1, residual_impact=2, residual_emv=Decimal(90_000 + n)
        )
        for n in range(3)
    ]
    RiskFactory(
        project=project,
        residual_probability=5,
        residual_impact=5,
        residual_emv=Decimal("999999"),
        status=Risk.Status.CLOSED,
    )
    RiskFactory(residual_probability=5, residual_impact=5, residual_emv=Decimal("999999"))  # another project

    with django_assert_num_queries(1):
        tops = risk_tops(project=project)

    # Ties on score go to the higher expected value, then the lower number.
    assert [risk.pk for risk in tops["score"]] == [risk.pk for risk in reversed(scored)][:5]
    by_emv = [risk.pk for risk in reversed(costly)] + [scored[5].pk, scored[4].pk]
    assert [risk.pk for risk in tops["emv"]] == by_emv
    page = pm_client.get(f"/projects/{project.pk}/risks/")
    assert page.context["tops"]["emv"][0].residual_emv == Decimal("90002.00")
    assert f'href="{costly[2].get_absolute_url()}">{costly[2].reference} ' in page.text


def test_the_blockers_for_closing_count_open_high_risks_and_open_issues_not_handed_over(project):
    from projects.selectors.registers import high_score_threshold, open_blockers_for_closing

    threshold = high_score_threshold()
    for owner in (project, ProjectFactory()):
        RiskFactory(project=owner, residual_probability=5, residual_impact=5)  # high
        RiskFactory(project=owner, residual_probability=5, residual_impact=5, is_handed_over=True)
        RiskFactory(project=owner, residual_probability=5, residual_impact=5, status=Risk.Status.CLOSED)
        RiskFactory(project=owner, residual_probability=1, residual_impact=1)  # low
        IssueFactory(project=owner)
        IssueFactory(project=owner, status=Issue.Status.IN_PROGRESS)
        IssueFactory(project=owner, is_handed_over=True)
        IssueFactory(project=owner, status=Issue.Status.CLOSED)

    expected_high = Risk.objects.filter(
        project=project, status__in=Risk.OPEN_STATUSES, is_handed_over=False, residual_score__gte=threshold
    ).count()
    expected_issues = Issue.objects.filter(
        project=project, status__in=Issue.OPEN_STATUSES, is_handed_over=False
    ).count()
    assert open_blockers_for_closing(project=project) == (expected_high, expected_issues) == (1, 2)
    RiskBand.objects.update(is_high=False)
    assert open_blockers_for_closing(project=project) == (0, 2)
