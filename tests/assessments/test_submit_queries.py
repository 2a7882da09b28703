"""The final submit costs the same number of queries whoever submits: however long the manager's
history and however large their organisation (issue 14: the submit at most twice a trivial page).

Each test submits through the page, once on a small organisation with no history, once more after
growing both, and compares the queries. What the submit keeps in memory instead of reading back
is checked against the database too."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from emassess.assessments.models import Assessment
from emassess.assessments.services import assessment_reopen, assessment_start, assessment_submit
from emassess.orgs.cycles import cycle_containing, quarter_of, shift
from tests import factories
from tests.helpers import posted_answers_to, section_data, step_url, week

# The final submit of a first assessment of the cycle: the session; the request's transaction
# (ATOMIC_REQUESTS: a savepoint in a test); the user with their membership, organisation and team
# (one query: emassess.orgs.access.MemberBackend); the assessment; the last
# step's answers saved; the submit's savepoint; the assessment read again with the manager's lock
# (a no-op on SQLite); the claim (still a draft, no other result of the cycle); the archetype fits;
# the risks; the organisation's live version moved on (emassess.orgs.live); the submit's savepoint
# released; the request's transaction committed (20 before issue 14).
MOST_QUERIES = 13


@pytest.fixture
def answers(version):
    return posted_answers_to(version.definition, week=week(hands_on_coding=20, people_team=30))


def _past_quarter_moments(count: int) -> list[datetime.datetime]:
    """Noon UTC on the tenth day of each of the `count` quarters before the current one."""
    current = cycle_containing(timezone.now().date(), 3)
    return [
        datetime.datetime.combine(shift(current, -back).start + datetime.timedelta(days=9), datetime.time(12),
                                  tzinfo=datetime.UTC)
        for back in range(1, count + 1)
    ]  # fmt: skip


def _submit_at(manager, answers, moment):
    draft = assessment_start(manager=manager, now=moment)
    draft.answers = answers
    draft.save()
    return assessment_submit(assessment=draft, now=moment)


def _grow(cast, answers, *, history: int, managers: int) -> None:
    """Alice's results of `history` past quarters; `managers` more managers at Acme, in teams of
    their own, each with a result of this quarter and of the last two."""
    for moment in _past_quarter_moments(history):
        _submit_at(cast.alice, answers, moment)
    recent = [timezone.now(), *_past_quarter_moments(2)]
    for _ in range(managers):
        other = factories.ManagerFactory(organisation=cast.acme)
        factories.MembershipFactory(organisation=cast.acme, team=other.team, reports_to=other)
        for moment in recent:
            _submit_at(other, answers, moment)


def _draft_at_the_last_step(manager, version, answers) -> Assessment:
    draft = assessment_start(manager=manager)
    draft.answers = answers
    draft.furthest_step = draft.current_step = len(version.sections)
    draft.save()
    return draft


def _final_submit_queries(client, assessment, version, answers) -> list[str]:
    last = len(version.sections)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(step_url(assessment, last), section_data(version, last, answers))
    assert response.status_code == 302 and "/step/" not in response["Location"], response
    return [query["sql"] for query in queries.captured_queries]


def test_the_first_submit_takes_the_same_queries_at_any_size(alice_client, cast, version, answers):
    draft = _draft_at_the_last_step(cast.alice, version, answers)
    assert alice_client.get(step_url(draft, 1)).status_code == 200  # what is kept per process, read once

    small = _final_submit_queries(alice_client, draft, version, answers)
    assert Assessment.objects.get(manager=cast.alice).status == Assessment.Status.SUBMITTED
    assert len(small) <= MOST_QUERIES, "\n".join(small)

    # The same first submit of the cycle, by a manager with a long history in a larger organisation.
    Assessment.objects.filter(manager=cast.alice).delete()
    _grow(cast, answers, history=8, managers=12)
    assert Assessment.objects.filter(manager__organisation=cast.acme, status="submitted").count() == 8 + 12 * 3
    draft = _draft_at_the_last_step(cast.alice, version, answers)
    large = _final_submit_queries(alice_client, draft, version, answers)
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.SUBMITTED and draft.period == quarter_of(timezone.now(), "Europe/London")
    assert len(large) == len(small), "\n".join(large)


def test_a_resubmit_takes_the_same_queries_at_any_size(alice_client, cast, version, answers):
    def reopened_result():
        result = _submit_at(cast.alice, answers, timezone.now())
        return assessment_reopen(assessment=result, by=cast.alice.user)

    assert alice_client.get(step_url(reopened_result(), 1)).status_code == 200  # what is kept per process
    small = _final_submit_queries(alice_client, Assessment.objects.get(manager=cast.alice), version, answers)
    assert Assessment.objects.get(manager=cast.alice).resubmitted_at is not None

    Assessment.objects.filter(manager=cast.alice).delete()
    _grow(cast, answers, history=8, managers=12)
    large = _final_submit_queries(alice_client, reopened_result(), version, answers)
    assert Assessment.objects.get(manager=cast.alice, period=quarter_of(timezone.now(), "Europe/London")).resubmitted_at
    assert len(large) == len(small), "\n".join(large)


def _as_in_the_database(assessment: Assessment) -> dict:
    stored = Assessment.objects.get(pk=assessment.pk)
    return {field.attname: getattr(stored, field.attname) for field in Assessment._meta.concrete_fields}


def _as_returned(assessment: Assessment) -> dict:
    return {field.attname: getattr(assessment, field.attname) for field in Assessment._meta.concrete_fields}


def test_a_submit_returns_the_result_as_the_database_holds_it(cast, version, answers):
    moment = datetime.datetime(2026, 11, 10, 12, tzinfo=datetime.UTC)
    draft = assessment_start(manager=cast.alice, now=moment)
    draft.answers = answers
    draft.save()
    submitted = assessment_submit(assessment=draft, now=moment)
    assert submitted.status == Assessment.Status.SUBMITTED and submitted.outcome is not None
    assert _as_returned(submitted) == _as_in_the_database(submitted)
    # A second tab with the draft as it was gets the same result, read back.
    stale = Assessment.objects.get(pk=draft.pk)
    stale.status, stale.outcome = Assessment.Status.DRAFT, None
    again = assessment_submit(assessment=stale, now=moment + datetime.timedelta(minutes=1))
    assert _as_returned(again) == _as_in_the_database(submitted)

    later = moment + datetime.timedelta(days=3)
    reopened = assessment_reopen(assessment=submitted, by=cast.alice.user, now=later)
    reopened.reopened_answers = posted_answers_to(version.definition, behaviour={"weekend-warrior": 0})
    reopened.save()
    resubmitted = assessment_submit(assessment=reopened, now=later)
    assert resubmitted.resubmitted_at == later and not resubmitted.is_reopened
    assert _as_returned(resubmitted) == _as_in_the_database(resubmitted)


def test_reopening_takes_the_same_queries_at_any_size(alice_client, cast, version, answers):
    def reopen_queries() -> list[str]:
        result = _submit_at(cast.alice, answers, timezone.now())
        with CaptureQueriesContext(connection) as queries:
            response = alice_client.post(reverse("assessment_reopen", args=[result.public_id]), {"action": "reopen"})
        assert response["Location"] == step_url(result, 1)
        reopened = Assessment.objects.get(pk=result.pk)
        assert reopened.reopened_at is not None and reopened.reopened_answers == reopened.answers
        return [query["sql"] for query in queries.captured_queries]

    reopen_queries()  # what is kept per process (the version's definition), read once
    Assessment.objects.filter(manager=cast.alice).delete()
    small = reopen_queries()
    Assessment.objects.filter(manager=cast.alice).delete()
    _grow(cast, answers, history=8, managers=12)
    large = reopen_queries()
    assert len(large) == len(small), "\n".join(large)
    # The manager, their organisation and user, and the version come with the request's reads.
    assert not any('FROM "orgs_membership"' in sql or 'FROM "assessments_questionnaireversion"' in sql
                   for sql in small), "\n".join(small)  # fmt: skip


def test_the_questionnaire_pages_of_changes_leave_the_stored_result_unread(alice_client, cast, version, answers):
    # A reopened result's outcome (some 15 kB of JSON) is not what its step pages show.
    result = assessment_reopen(assessment=_submit_at(cast.alice, answers, timezone.now()), by=cast.alice.user)
    with CaptureQueriesContext(connection) as queries:
        assert alice_client.get(step_url(result, 1)).status_code == 200
        response = alice_client.post(step_url(result, 1), section_data(version, 1, answers))
    assert "/step/2/" in response["Location"]
    read = [query["sql"] for query in queries.captured_queries]
    assert not any('"assessments_assessment"."outcome"' in sql for sql in read), "\n".join(read)
