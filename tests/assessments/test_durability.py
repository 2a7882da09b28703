"""Which questionnaire requests commit without waiting for the disk (emassess.lib.durability):
those that only keep work in progress (a draft begun, a page of it, changes to a result begun or a
page of them); never a submit, nor dropping the changes.

On PostgreSQL the request asks for it in its transaction; on SQLite nothing is asked (its
write-ahead log commits without waiting already), and the pages behave the same on both."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from emassess.assessments.models import Assessment
from emassess.assessments.services import assessment_reopen, assessment_start, assessment_submit
from emassess.lib.durability import NO_WAIT_FOR_DISK
from tests.helpers import posted_answers_to, section_data, step_url, week

ASKS = connection.vendor == "postgresql"  # whether a request that may skip the wait asks for it


@pytest.fixture
def answers(version):
    return posted_answers_to(version.definition, week=week(hands_on_coding=20, people_team=30))


def _post(client, url, data):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    return response, [query["sql"] for query in queries.captured_queries]


def _answered_draft(cast, answers, *, at_step: int | None = None) -> Assessment:
    """Alice's draft with every answer given, at `at_step` if named."""
    draft = assessment_start(manager=cast.alice)
    draft.answers = answers
    if at_step is not None:
        draft.furthest_step = draft.current_step = at_step
    draft.save()
    return draft


@pytest.mark.parametrize("action", ["next", "back", "save", "autosave"])
def test_keeping_a_page_of_a_draft_does_not_wait(alice_client, cast, version, answers, action):
    draft = assessment_start(manager=cast.alice)
    draft.furthest_step = draft.current_step = 2
    draft.save()
    response, queries = _post(alice_client, step_url(draft, 2), section_data(version, 2, answers, action=action))
    assert response.status_code in (302, 204)
    assert (NO_WAIT_FOR_DISK in queries) is ASKS
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT
    assert draft.answers["week.people_team"] == answers["week.people_team"]  # kept all the same


def test_a_last_page_that_does_not_validate_is_kept_without_waiting(alice_client, cast, version, answers):
    last = len(version.sections)
    draft = _answered_draft(cast, answers, at_step=last)
    data = section_data(version, last, answers)
    first = next(q for q in version.sections[last - 1]["questions"] if q["kind"] in ("choice", "scenario"))
    data[first["id"]] = "not an option"
    response, queries = _post(alice_client, step_url(draft, last), data)
    assert response.status_code == 200
    assert (NO_WAIT_FOR_DISK in queries) is ASKS
    assert Assessment.objects.get(pk=draft.pk).status == Assessment.Status.DRAFT


def test_the_final_submit_waits_for_the_disk(alice_client, cast, version, answers):
    last = len(version.sections)
    draft = _answered_draft(cast, answers, at_step=last)
    response, queries = _post(alice_client, step_url(draft, last), section_data(version, last, answers))
    assert response.status_code == 302 and "/step/" not in response["Location"]
    assert NO_WAIT_FOR_DISK not in queries
    assert Assessment.objects.get(pk=draft.pk).status == Assessment.Status.SUBMITTED


def test_changes_to_a_result_are_kept_without_waiting_and_resubmitted_with(alice_client, cast, version, answers):
    result = assessment_reopen(assessment=assessment_submit(assessment=_answered_draft(cast, answers)),
                               by=cast.alice.user)  # fmt: skip
    last = len(version.sections)

    response, queries = _post(alice_client, step_url(result, 1), section_data(version, 1, answers))
    assert response.status_code == 302
    assert (NO_WAIT_FOR_DISK in queries) is ASKS

    result.refresh_from_db()
    result.furthest_step = last
    result.save()
    response, queries = _post(alice_client, step_url(result, last), section_data(version, last, answers))
    assert response.status_code == 302 and "/step/" not in response["Location"]
    assert NO_WAIT_FOR_DISK not in queries
    assert Assessment.objects.get(pk=result.pk).resubmitted_at is not None


def test_beginning_a_draft_does_not_wait(alice_client, cast, version):
    response, queries = _post(alice_client, reverse("assessment_start"), {})
    assert response.status_code == 302
    assert (NO_WAIT_FOR_DISK in queries) is ASKS
    assert Assessment.objects.get(manager=cast.alice).status == Assessment.Status.DRAFT


def test_beginning_changes_does_not_wait_and_dropping_them_does(alice_client, cast, version, answers):
    result = assessment_submit(assessment=_answered_draft(cast, answers))
    url = reverse("assessment_reopen", args=[result.public_id])

    response, queries = _post(alice_client, url, {"action": "reopen"})
    assert "/step/" in response["Location"]
    assert (NO_WAIT_FOR_DISK in queries) is ASKS
    assert Assessment.objects.get(pk=result.pk).reopened_at is not None

    response, queries = _post(alice_client, url, {"action": "keep"})
    assert response.status_code == 302
    assert NO_WAIT_FOR_DISK not in queries
    assert Assessment.objects.get(pk=result.pk).reopened_at is None
