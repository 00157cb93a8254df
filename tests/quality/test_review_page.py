"""The review page: each question on two rows, "x of y answered", and a read-only view with the answers."""

import re

import pytest

from pmo.roles import Role
from quality.models import Rating
from tests.factories import ReviewFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def pmo(client):
    client.force_login(user_with_role(Role.PM_SUPPORT, preferred_language="fr"))
    return client


def _progress(html: str) -> tuple[int, int]:
    match = re.search(r'<progress id="review-progress-bar"[^>]*value="(\d+)" max="(\d+)"', html)
    assert match, "no progress bar"
    return int(match.group(1)), int(match.group(2))


def test_the_page_counts_the_answered_questions(pmo):
    review = ReviewFactory()
    total = review.answers.count()
    review.answers.filter(pk=review.answers.first().pk).update(rating=Rating.CONFORM)
    page = pmo.get(review.get_absolute_url()).content.decode()
    assert _progress(page) == (1, total)
    assert f"1 sur {total} répondues" in page


def test_each_question_has_labelled_rating_comment_and_evidence_on_its_second_row(pmo):
    review = ReviewFactory()
    answer = review.answers.first()
    page = pmo.get(review.get_absolute_url()).content.decode()
    row = page[page.index(f'id="answer-{answer.pk}"') :]
    row = row[: row.index("</li>")]
    assert f'for="rating-{answer.pk}"' in row and f'for="comment-{answer.pk}"' in row
    assert "<legend" in row and 'type="file"' in row and "text-nowrap" in row


def test_saving_an_answer_moves_the_progress_bar_out_of_band(pmo):
    review = ReviewFactory()
    total = review.answers.count()
    answer = review.answers.first()
    response = pmo.post(
        f"/quality/answers/{answer.pk}/",
        {"rating": Rating.CONFORM, "comment": "", "evidence_reference": "PID v2"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'id="review-progress" class="mb-3" hx-swap-oob="true"' in html
    assert _progress(html) == (1, total)


def test_a_refused_answer_does_not_move_the_progress(pmo):
    review = ReviewFactory()
    answer = review.answers.first()
    response = pmo.post(
        f"/quality/answers/{answer.pk}/", {"rating": Rating.MAJOR_NC}, headers={"HX-Request": "true"}
    )
    answer.refresh_from_db()
    assert answer.rating == "" and _progress(response.content.decode())[0] == 0


def test_a_read_only_reader_sees_every_answer(client):
    review = ReviewFactory()
    first, second = review.answers.order_by("pk")[:2]
    first.rating, first.comment = Rating.CONFORM, "Plan signed by the customer"
    first.save(update_fields=["rating", "comment"])
    second.rating, second.comment = Rating.OBSERVATION, "Risk owners missing"
    second.save(update_fields=["rating", "comment"])
    manager = user_with_role(Role.PROJECT_MANAGER, preferred_language="nl")
    review.project.project_manager = manager
    review.project.save(update_fields=["project_manager"])
    client.force_login(manager)
    page = client.get(review.get_absolute_url()).content.decode()
    assert 'name="rating"' not in page  # read-only
    assert "Plan signed by the customer" in page and "Risk owners missing" in page
    assert page.count('class="row small mt-2 mb-0 review-answer"') == review.answers.count()
    assert "Niet beantwoord" in page
