"""The role review form, posted generated data: what a draft keeps, what a submission stores, and a
submitted review that takes no more answers."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from emassess.reviews.models import RoleReview
from emassess.reviews.questions import (
    ANSWER_KEYS,
    ENERGY_SOURCES,
    ENJOYMENT_LABELS,
    GIVE_UP_NONE,
    MULTIPLE_ANSWER_KEYS,
    RESPONSIBILITIES,
    TEXT_MAX,
    WANTS_NEXT,
)
from tests.fuzz.posting import FUZZ, as_kept, as_received, no_crash, page_of, post, undone, world
from tests.fuzz.strategies import bodies
from tests.helpers import posted_review

pytestmark = pytest.mark.fuzz


REVIEW_VALUES = [str(level) for level in ENJOYMENT_LABELS] + [*ENERGY_SOURCES, *RESPONSIBILITIES, GIVE_UP_NONE,
                                                                *WANTS_NEXT, "save", "submit"]  # fmt: skip


# A review the form accepts, as the browser posts it.
REVIEW = posted_review()


def assert_review_kept_as_typed(answers: dict, received: QueryDict, before: dict) -> None:
    """A review draft holds the review's own keys only: every tick box as ticked (at most 20, each
    kept to 40 characters), each other answer posted as typed (kept to TEXT_MAX), and an answer the
    post left out as it was saved before."""
    assert set(answers) <= set(ANSWER_KEYS), set(answers) - set(ANSWER_KEYS)
    for key in ANSWER_KEYS:
        if key in MULTIPLE_ANSWER_KEYS:
            assert answers[key] == [as_kept(value, 40) for value in received.getlist(key)][:20], key
        elif key in received:
            assert answers[key] == as_kept(received[key], TEXT_MAX), key
        else:
            assert answers.get(key) == before.get(key), key


@FUZZ
@given(data=st.data())
def test_the_role_review_form(browser, cast, draft, review_due, data):
    alice = browser(cast.alice.user)
    body = data.draw(bodies([*ANSWER_KEYS, "action"], REVIEW_VALUES, valid=REVIEW), label="body")
    received = as_received(body)
    with undone(alice):
        before, saved = world(RoleReview), RoleReview.objects.get(pk=review_due.pk).answers
        response = post(alice, reverse("role_review"), body)
        review = RoleReview.objects.get(pk=review_due.pk)
        assert world(RoleReview) == before  # her assessments and everything else untouched
        if received.get("action") == "save":
            assert response.status_code == 302
            assert response["Location"] == reverse("manager_home")
            assert review.status == RoleReview.Status.DRAFT
            assert_review_kept_as_typed(review.answers, received, saved)
        elif response.status_code == 302:
            assert response["Location"] == reverse("role_review_result", args=[review.pk])
            assert review.status == RoleReview.Status.SUBMITTED
            answers = review.answers
            assert answers["enjoy_people"] in ENJOYMENT_LABELS and answers["wants_next"] in WANTS_NEXT
            assert set(answers["energises"]) | set(answers["drains"]) <= set(ENERGY_SOURCES)
            no_crash(alice.get(response["Location"]))
        else:
            assert response.status_code == 200
            assert 'data-testid="error-summary"' in page_of(response)
            assert review.status == RoleReview.Status.DRAFT
            assert_review_kept_as_typed(review.answers, received, saved)


@FUZZ
@given(data=st.data())
def test_a_submitted_review_takes_no_more_answers(browser, cast, draft, submitted_review, data):
    """A second tab, or the back button, after submitting the review: it stays as submitted."""
    alice = browser(cast.alice.user)
    body = data.draw(bodies([*ANSWER_KEYS, "action"], REVIEW_VALUES, valid=REVIEW), label="body")
    with undone(alice):
        before = world()
        response = post(alice, reverse("role_review"), body)
        assert response.status_code == 302
        assert response["Location"] == reverse("role_review_result", args=[submitted_review.pk])
        assert "You have already submitted this review" in page_of(alice.get(response["Location"]))
        assert world() == before


def test_a_rejected_review_post_keeps_the_answers_it_did_not_carry(browser, cast, review_due):
    """Found by the fuzzing: a rejected review post used to replace the whole saved draft with what
    it carried, losing the answers it left out."""
    alice = browser(cast.alice.user)
    # A second tab opened before she chose how much she enjoys the people side: it posts no
    # enjoy_people and no notes.
    response = post(alice, reverse("role_review"), {"action": "submit", "drains": ["incidents"]})
    assert response.status_code == 200
    assert 'data-testid="error-summary"' in page_of(response)
    kept = RoleReview.objects.get(pk=review_due.pk).answers
    assert kept.get("enjoy_people") == "4"
    assert kept.get("notes") == "Ask Sam about the hiring plan"


@pytest.mark.parametrize("action", ["save", "submit"])
def test_a_nul_character_in_a_typed_answer_is_dropped(browser, cast, review_due, action):
    """Found by the fuzzing: on PostgreSQL a typed answer holding U+0000 was a 500 (jsonb refuses it)."""
    alice = browser(cast.alice.user)
    response = post(alice, reverse("role_review"), {"action": action, "notes": "before\x00after"})
    assert response.status_code in (200, 204, 302)
    assert RoleReview.objects.get(pk=review_due.pk).answers["notes"] == "beforeafter"
