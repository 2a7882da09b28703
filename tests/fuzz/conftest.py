"""The scene the form fuzzing posts into: Alice with a submitted result, a fully answered draft
and a role review due; an open invitation at Acme (tests/conftest.py); and a browser logged in
as anyone.

Hypothesis runs many examples inside one test, and function-scoped fixtures are built once for
all of them, so every example runs inside `undone()` (tests/fuzz/posting.py): whatever it writes
is rolled back before the next one starts from this same scene.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from emassess.assessments.services import assessment_start, assessment_submit
from emassess.orgs.models import Invitation, Membership, Team
from emassess.reviews.services import role_review_save_draft, role_review_start, role_review_submit
from tests import factories
from tests.helpers import posted_answers_to, review_answers


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
    """Alice's result submitted in 2026-Q3 (made before her draft: a manager has one draft at a time),
    high on the Weekend Warrior, so it advises practices she can plan."""
    return submit(cast.alice, "2026-Q3", behaviour={"weekend-warrior": 4})


@pytest.fixture
def open_result(cast, version):
    """Dora's result of this quarter, submitted just now: one she may still reopen."""
    dora = factories.ManagerFactory(organisation=cast.acme, team=cast.alice.team, user__email="dora@acme.test")
    draft = assessment_start(manager=dora)
    draft.answers = posted_answers_to(version.definition)
    draft.save()
    return assessment_submit(assessment=draft)


@pytest.fixture
def draft(cast, version, result):
    """Alice's draft with every step answered and saved, so every step can be opened and posted."""
    draft = assessment_start(manager=cast.alice)
    draft.answers = posted_answers_to(version.definition)
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
