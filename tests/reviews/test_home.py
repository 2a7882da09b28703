"""The manager's home page: a card when a review is due, the last review's result, and the role
card saying each thing once."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from emassess.reviews.models import RoleReview
from emassess.reviews.services import role_review_start, role_review_submit
from tests.helpers import posted_review, review_answers

D = datetime.date


@pytest.fixture
def home(client, cast, pinned):
    def get(manager=None) -> str:
        """The page as text, whitespace collapsed."""
        client.force_login((manager or cast.alice).user)
        response = client.get(reverse("manager_home"))
        assert response.status_code == 200
        return " ".join(response.content.decode().split())  # whitespace as a reader sees it

    return get


def test_a_due_one_year_review_gets_a_card_above_the_role(home):
    page = home()  # Alice's role began on 1 March 2025; today is 21 November 2026
    assert 'data-testid="review-card"' in page
    assert "Your one-year review is due" in page
    assert page.count("over a year") == 1  # said once, on the card
    assert page.index("review-card") < page.index('id="role-heading"')
    assert f'href="{reverse("role_review")}" data-testid="start-review">Start your review</a>' in page
    assert 'data-testid="next-review"' not in page


@pytest.mark.parametrize(("started", "title"), [(D(2024, 10, 1), "Your two-year check-in is due"),
                                                (D(2023, 10, 1), "Your three-year check-in is due")])  # fmt: skip
def test_later_years_get_their_check_in(home, cast, started, title):
    cast.alice.manager_role_started_on = started
    cast.alice.save()
    page = home()
    assert title in page
    assert "over a year" not in page


def test_before_the_first_anniversary_the_role_card_gives_the_date(home, cast):
    cast.alice.manager_role_started_on = D(2026, 2, 1)
    cast.alice.save()
    page = home()
    assert "review-card" not in page
    assert "Give a new role a year before judging it: your one-year review comes on 1 February 2027." in page


def test_after_submitting_the_card_goes_and_the_result_is_linked(home, client, cast):
    client.force_login(cast.alice.user)
    client.post(reverse("role_review"), posted_review(enjoy_people="5"))
    review = RoleReview.objects.get(manager=cast.alice)
    page = home()
    assert "review-card" not in page
    assert "over a year" not in page
    assert "Your last role review (21 November 2026)" in page
    assert "<strong>Carry on</strong>" in page
    assert reverse("role_review_result", args=[review.pk]) in page
    assert "Your two-year check-in comes on 1 March 2027." in page


def test_a_saved_draft_is_continued_from_the_card(home, cast):
    role_review_start(manager=cast.alice, year=1)
    assert "Continue your review</a>" in home()


def test_other_managers_reviews_do_not_show(home, cast):
    review = role_review_submit(review=role_review_start(manager=cast.alice, year=1), answers=review_answers())
    page = home(cast.carol)  # Carol's role began on the same day as Alice's
    assert "Your one-year review is due" in page
    assert reverse("role_review_result", args=[review.pk]) not in page


def test_the_review_costs_the_home_page_one_query(home, cast):
    home()  # warm up
    with CaptureQueriesContext(connection) as context:
        home()
    review_queries = [query for query in context.captured_queries if "reviews_rolereview" in query["sql"]]
    assert len(review_queries) == 1
    for year in (1, 2):
        RoleReview.objects.create(
            manager=cast.alice, year=year, role_started_on=D(2020, 1, 1), status="submitted",
            recommendation="carry_on", submitted_at=datetime.datetime(2021 + year, 1, 1, tzinfo=datetime.UTC),
        )  # fmt: skip
    with CaptureQueriesContext(connection) as more:
        home()
    assert len(more.captured_queries) == len(context.captured_queries)
