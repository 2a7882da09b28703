"""One assessment per cycle through the pages: home says it is done and when the next opens, a
second one leads back to the first, and the answers can be changed until the quarter closes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from emassess.assessments.models import Assessment, RiskScore
from emassess.assessments.services import assessment_start
from emassess.orgs.cycles import cycle_containing
from tests.helpers import fill_all, posted_answers_to, section_data, step_url


@pytest.fixture
def answers(version):
    return posted_answers_to(version.definition, behaviour={"weekend-warrior": 4})


@pytest.fixture
def result(alice_client, cast, version, answers):
    """Alice's result of this quarter, submitted through the pages just now."""
    draft = assessment_start(manager=cast.alice)
    fill_all(alice_client, draft, version, answers)
    return Assessment.objects.get(pk=draft.pk, status="submitted")


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def test_home_says_it_is_done_and_when_the_next_cycle_opens(alice_client, cast, result):
    cycle = cycle_containing(cast.acme.today())
    page = text_of(alice_client.get(reverse("manager_home")))
    assert f"You have taken your {cycle.label} assessment" in page
    assert f"The next assessment opens on {cycle.end:%-d %B %Y}" in page
    assert 'data-testid="reopen-assessment"' in page
    assert 'data-testid="start-assessment"' not in page and "Take this quarter" not in page
    history = text_of(alice_client.get(reverse("assessment_history")))
    assert f"You have taken your {cycle.label} assessment" in history
    assert "Start a new assessment" not in history


def test_starting_again_leads_to_the_result_and_stores_nothing(alice_client, cast, result):
    response = alice_client.post(reverse("assessment_start"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("assessment_result", args=[result.public_id])
    assert "You have already taken this cycle" in text_of(response)
    assert Assessment.objects.filter(manager=cast.alice).count() == 1


def test_change_the_answers_and_resubmit_through_the_pages(alice_client, cast, version, answers, result):
    response = alice_client.post(reverse("assessment_reopen", args=[result.public_id]), {"action": "reopen"})
    assert response["Location"] == step_url(result, 1)
    step_4 = text_of(alice_client.get(step_url(result, 4)))  # every step is open: all were answered
    assert 'data-testid="changing-answers"' in step_4
    assert "Resubmit and see my result" not in step_4
    # Starting again, from home or a second tab, leads to the changes in progress.
    assert alice_client.post(reverse("assessment_start"))["Location"] == step_url(result, 1)

    calmer = posted_answers_to(version.definition, behaviour={"weekend-warrior": 0})
    last = len(version.sections)
    for step in range(1, last):
        alice_client.post(step_url(result, step), section_data(version, step, calmer))
    final = text_of(alice_client.get(step_url(result, last)))
    assert "Resubmit and see my result" in final
    response = alice_client.post(step_url(result, last), section_data(version, last, calmer))
    assert response["Location"] == reverse("assessment_result", args=[result.public_id])

    assert Assessment.objects.filter(manager=cast.alice).count() == 1
    assert RiskScore.objects.get(assessment=result, anti_pattern="weekend-warrior").risk == 0
    history = text_of(alice_client.get(reverse("assessment_history")))
    assert history.count(f'View result<span class="visually-hidden"> for {result.period}') == 1
    assert f"answers changed {timezone.localdate():%-d %b %Y}" in history


def test_leaving_without_resubmitting_keeps_the_submitted_result(alice_client, cast, version, result):
    alice_client.post(reverse("assessment_reopen", args=[result.public_id]), {"action": "reopen"})
    calmer = posted_answers_to(version.definition, behaviour={"weekend-warrior": 0})
    alice_client.post(step_url(result, 4), section_data(version, 4, calmer, action="save"))
    home = text_of(alice_client.get(reverse("manager_home")))
    assert "You are changing your answers" in home and 'data-testid="continue-changes"' in home
    stored = Assessment.objects.get(pk=result.pk)
    assert stored.answers == result.answers and stored.outcome == result.outcome
    assert stored.reopened_answers != stored.answers  # what was typed is kept for later

    response = alice_client.post(reverse("assessment_reopen", args=[result.public_id]), {"action": "keep"})
    assert response["Location"] == reverse("assessment_result", args=[result.public_id])
    stored.refresh_from_db()
    assert not stored.is_reopened and stored.answers == result.answers
    assert alice_client.get(step_url(result, 1))["Location"] == reverse("assessment_result", args=[result.public_id])


def test_a_result_of_a_closed_quarter_cannot_be_reopened(alice_client, cast, submit):
    closed = submit(cast.alice, "2026-Q3")
    response = alice_client.post(
        reverse("assessment_reopen", args=[closed.public_id]), {"action": "reopen"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("assessment_result", args=[closed.public_id])
    assert "This quarter has closed, so your result stays as you submitted it." in text_of(response)
    assert not Assessment.objects.get(pk=closed.pk).is_reopened


def test_changes_left_open_when_the_quarter_closed_lead_to_the_result(alice_client, cast, version, submit):
    closed = submit(cast.alice, "2026-Q3")
    Assessment.objects.filter(pk=closed.pk).update(
        reopened_at=datetime.datetime(2026, 9, 30, tzinfo=datetime.UTC), reopened_answers=closed.answers
    )
    response = alice_client.get(step_url(closed, 1), follow=True)
    assert response.redirect_chain[-1][0] == reverse("assessment_result", args=[closed.public_id])
    assert "This quarter has closed" in text_of(response)
    last = len(version.sections)
    post = alice_client.post(step_url(closed, last), section_data(version, last, closed.answers))
    assert post["Location"] == reverse("assessment_result", args=[closed.public_id])
    assert Assessment.objects.get(pk=closed.pk).outcome == closed.outcome
    home = text_of(alice_client.get(reverse("manager_home")))
    assert "You are changing your answers" not in home  # this cycle has not been taken yet
    assert 'data-testid="start-assessment"' in home


def test_a_superseded_result_is_not_found(alice_client, cast, version, submit):
    old = submit(cast.alice, "2026-Q2")
    Assessment.objects.filter(pk=old.pk).update(status=Assessment.Status.SUPERSEDED)
    assert alice_client.get(reverse("assessment_result", args=[old.public_id])).status_code == 404
    assert alice_client.get(step_url(old, 1)).status_code == 404
    assert "2026-Q2" not in text_of(alice_client.get(reverse("assessment_history")))
