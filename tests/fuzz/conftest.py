"""The scene the form fuzzing posts into: Alice with a submitted result, a fully answered draft
and a role review due; an open invitation at Acme; and a browser logged in as anyone.

Hypothesis runs many examples inside one test, and function-scoped fixtures are built once for
all of them, so every example runs inside `undone()` (tests/fuzz/test_forms_fuzz.py): whatever
it writes is rolled back before the next one starts from this same scene.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from emassess.assessments.answer_sets import AnswerProfile, answers_for, as_posted
from emassess.assessments.services import assessment_start
from emassess.orgs import services
from emassess.orgs.models import Invitation, Membership, Team
from emassess.reviews.services import role_review_save_draft, role_review_start, role_review_submit
from tests.reviews.conftest import review_answers

WEEK = {"hands_on_coding": 10, "technical_leadership": 20, "people_team": 40, "process_delivery": 10,
        "product": 10, "organisation": 10}  # fmt: skip


@pytest.fixture
def browser(db):
    """browser(user or None): a test client logged in as `user`. A crash comes back as the 500 page
    a browser would get (with its traceback on `response.exc_info`) instead of being raised, so
    the tests' own "never a 500" assertion is the one that fails, naming the request."""

    def make(user=None, *, enforce_csrf_checks: bool = False) -> Client:
        client = Client(raise_request_exception=False, enforce_csrf_checks=enforce_csrf_checks)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def result(cast, submit):
    """Alice's result submitted in 2026-Q3 (made before her draft: a manager has one draft at a time)."""
    return submit(cast.alice, "2026-Q3")


@pytest.fixture
def draft(cast, version, result):
    """Alice's draft with every step answered and saved, so every step can be opened and posted."""
    draft = assessment_start(manager=cast.alice)
    draft.answers = as_posted(answers_for(version.definition, AnswerProfile(week=WEEK)))
    draft.answers["reflection.hand_over_first"] = "Sprint planning, most weeks."
    draft.furthest_step = draft.current_step = len(version.sections)
    draft.save()
    return draft


@pytest.fixture
def review_due(cast):
    """Alice began her EM role 400 days ago, so her one-year review is due, and she has saved a
    draft of it: enjoying the people side (4) and a note."""
    alice = cast.alice
    alice.manager_role_started_on = alice.organisation.today() - datetime.timedelta(days=400)
    alice.save()
    review = role_review_start(manager=alice, year=1)
    saved = {"enjoy_people": "4", "energises": ["one_to_ones"], "drains": [], "give_up": [],
             "notes": "Ask Sam about the hiring plan"}  # fmt: skip
    assert role_review_save_draft(review=review, answers=saved)
    return review


@pytest.fixture
def submitted_review(review_due):
    """Alice's one-year review, submitted."""
    return role_review_submit(review=review_due, answers=review_answers())


@pytest.fixture
def invitation(cast):
    """Adam has invited Nina to join Acme as a TLM in Alice's team (its email is never sent: the
    test's transaction never commits)."""
    return services.invitation_create(
        organisation=cast.acme,
        invited_by=cast.adam.user,
        email="nina@acme.test",
        full_name="Nina New",
        role=Membership.Role.MANAGER,
        team=cast.alice.team,
        manager_role=Membership.ManagerRole.TLM,
        manager_role_started_on=datetime.date(2025, 6, 1),
    )


@pytest.fixture
def globex_team(cast):
    """A team of another organisation, whose id no Acme form may accept."""
    return Team.objects.create(organisation=cast.globex, name="Globex team")


@pytest.fixture
def globex_invitation(cast, invitation):
    """An open invitation of another organisation, whose id no Acme button may act on."""
    return Invitation.objects.create(
        organisation=cast.globex,
        email="gwen@globex.test",
        role=Membership.Role.REPORT,
        expires_at=invitation.expires_at,
    )
