"""Which questionnaire requests commit without waiting for the disk (emassess.lib.durability):
those that only keep work in progress (a page of a draft, changes to a result begun or a page of
them); never a submit, nor beginning a draft (it moves HR's live counts), nor dropping the changes.

Each request is followed on any database: the views' call to the helper is recorded (and the helper
still runs). On PostgreSQL the request's queries must also hold the statement exactly when the view
asked; on SQLite they never do (its write-ahead log commits without waiting already)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from emassess.assessments import views
from emassess.assessments.models import Assessment
from emassess.assessments.services import assessment_reopen, assessment_start, assessment_submit
from emassess.lib.durability import NO_WAIT_FOR_DISK
from tests.helpers import posted_answers_to, section_data, step_url, week


@pytest.fixture
def answers(version):
    return posted_answers_to(version.definition, week=week(hands_on_coding=20, people_team=30))


@pytest.fixture
def post(monkeypatch):
    """post(client, url, data) -> (response, whether the view asked not to wait for the disk)."""
    calls: list[None] = []
    helper = views.commit_without_waiting_for_disk

    def recorded() -> None:
        calls.append(None)
        helper()

    monkeypatch.setattr(views, "commit_without_waiting_for_disk", recorded)

    def send(client, url, data):
        calls.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
        asked = bool(calls)
        in_sql = NO_WAIT_FOR_DISK in [query["sql"] for query in queries.captured_queries]
        assert in_sql == (asked and connection.vendor == "postgresql")
        return response, asked

    return send


def _answered_draft(cast, answers, *, at_step: int | None = None) -> Assessment:
    """Alice's draft with every answer given, at `at_step` if named."""
    draft = assessment_start(manager=cast.alice)
    draft.answers = answers
    if at_step is not None:
        draft.furthest_step = draft.current_step = at_step
    draft.save()
    return draft


@pytest.mark.parametrize("action", ["next", "back", "save", "autosave"])
def test_keeping_a_page_of_a_draft_does_not_wait(alice_client, cast, version, answers, action, post):
    draft = assessment_start(manager=cast.alice)
    draft.furthest_step = draft.current_step = 2
    draft.save()
    response, asked = post(alice_client, step_url(draft, 2), section_data(version, 2, answers, action=action))
    assert response.status_code in (302, 204)
    assert asked
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT
    assert draft.answers["week.people_team"] == answers["week.people_team"]  # kept all the same


def test_a_last_page_that_does_not_validate_is_kept_without_waiting(alice_client, cast, version, answers, post):
    last = len(version.sections)
    draft = _answered_draft(cast, answers, at_step=last)
    data = section_data(version, last, answers)
    first = next(q for q in version.sections[last - 1]["questions"] if q["kind"] in ("choice", "scenario"))
    data[first["id"]] = "not an option"
    response, asked = post(alice_client, step_url(draft, last), data)
    assert response.status_code == 200
    assert asked
    assert Assessment.objects.get(pk=draft.pk).status == Assessment.Status.DRAFT


# Any action but back, autosave and save moves on, so on a valid last page it submits, and waits.
@pytest.mark.parametrize("action", ["next", "submit", ""])
def test_the_final_submit_waits_for_the_disk(alice_client, cast, version, answers, post, action):
    last = len(version.sections)
    draft = _answered_draft(cast, answers, at_step=last)
    data = section_data(version, last, answers, action=action)
    response, asked = post(alice_client, step_url(draft, last), data)
    assert response.status_code == 302 and "/step/" not in response["Location"]
    assert not asked
    assert Assessment.objects.get(pk=draft.pk).status == Assessment.Status.SUBMITTED


def test_changes_to_a_result_are_kept_without_waiting_and_resubmitted_with(alice_client, cast, version, answers, post):
    result = assessment_reopen(assessment=assessment_submit(assessment=_answered_draft(cast, answers)),
                               by=cast.alice.user)  # fmt: skip
    last = len(version.sections)

    response, asked = post(alice_client, step_url(result, 1), section_data(version, 1, answers))
    assert response.status_code == 302
    assert asked

    result.refresh_from_db()
    result.furthest_step = last
    result.save()
    response, asked = post(alice_client, step_url(result, last), section_data(version, last, answers))
    assert response.status_code == 302 and "/step/" not in response["Location"]
    assert not asked
    assert Assessment.objects.get(pk=result.pk).resubmitted_at is not None


def test_beginning_a_draft_waits(alice_client, cast, version, post):
    response, asked = post(alice_client, reverse("assessment_start"), {})
    assert response.status_code == 302
    assert not asked
    assert Assessment.objects.get(manager=cast.alice).status == Assessment.Status.DRAFT


def test_beginning_changes_does_not_wait_and_dropping_them_does(alice_client, cast, version, answers, post):
    result = assessment_submit(assessment=_answered_draft(cast, answers))
    url = reverse("assessment_reopen", args=[result.public_id])

    response, asked = post(alice_client, url, {"action": "reopen"})
    assert "/step/" in response["Location"]
    assert asked
    assert Assessment.objects.get(pk=result.pk).reopened_at is not None

    response, asked = post(alice_client, url, {"action": "keep"})
    assert response.status_code == 302
    assert not asked
    assert Assessment.objects.get(pk=result.pk).reopened_at is None
