"""Changing a result after it was submitted, as an attack on anonymity: if a result could be
re-scored after its quarter's figures were released, a manager (or anyone at their keyboard) could
move a released figure's truth after HR had read it, and what HR reads of the shared results
afterwards would differ from what the release counted. Re-scoring is allowed only while the quarter
is open, before its figures can be released. Each test goes through the pages where it can: the
manager's reopen and questionnaire pages, and HR's exports, which must not move.
"""

import datetime

import pytest
from django.urls import reverse

from emassess.assessments.models import Assessment, RiskScore
from emassess.assessments.services import AlreadyDone, ResultClosed, assessment_reopen, assessment_submit
from emassess.dashboards.releases import figures_release_due
from tests.dashboards.reading import export_rows
from tests.helpers import posted_answers_to, step_url

UTC = datetime.UTC
Q3 = "2026-Q3"
HIGH = {"behaviour": {"weekend-warrior": 4, "bottleneck-manager": 4}}
NONE = {"behaviour": {"weekend-warrior": 0, "bottleneck-manager": 0}}


def scores(result) -> list[tuple[str, int]]:
    return sorted(RiskScore.objects.filter(assessment=result).values_list("anti_pattern", "risk"))


def every_export(client, cast) -> list:
    client.force_login(cast.hana.user)
    return [export_rows(client, Q3), export_rows(client, Q3, cast.alice.team)]


def post_the_whole_questionnaire(client, result, version, answers) -> None:
    for step, section in enumerate(version.sections, start=1):
        data = {q["id"]: answers[q["id"]] for q in section["questions"] if q["id"] in answers}
        client.post(step_url(result, step), {**data, "action": "next"})


@pytest.fixture
def released_team(cast, managers_in, submit, release):
    """Alice and three more managers in her team answered in 2026-Q3, which is released."""
    results = [submit(m, Q3, behaviour=HIGH["behaviour"]) for m in [cast.alice, *managers_in(cast.alice.team, 3)]]
    assert release()
    return results


def test_after_the_release_no_page_reopens_or_re_scores_a_result(client, cast, version, released_team, release):
    alice = released_team[0]
    before, truth = every_export(client, cast), scores(alice)
    client.force_login(cast.alice.user)
    response = client.post(reverse("assessment_reopen", args=[alice.public_id]), {"action": "reopen"}, follow=True)
    assert "This quarter has closed" in response.content.decode()
    # The questionnaire pages of the result lead back to it, and a posted final step changes nothing.
    post_the_whole_questionnaire(client, alice, version, posted_answers_to(version.definition, **NONE))
    # Nor does a second Q3 result get in beside it, even from a draft left over.
    leftover = Assessment.objects.create(manager=cast.alice, version=version, answers=alice.answers)
    with pytest.raises(AlreadyDone):
        assessment_submit(assessment=leftover, now=datetime.datetime(2026, 9, 29, 12, tzinfo=UTC))
    release()
    assert scores(alice) == truth
    assert Assessment.objects.get(pk=alice.pk).resubmitted_at is None
    assert every_export(client, cast) == before


def test_changes_begun_before_the_close_are_not_resubmitted_after_it(client, cast, version, managers_in, submit):
    """Alice reopens on 30 September and changes her answers; Q3 closes and is released; her
    resubmission through the pages, later, is refused and her released result stays as it was."""
    results = [submit(m, Q3, behaviour=HIGH["behaviour"]) for m in [cast.alice, *managers_in(cast.alice.team, 3)]]
    alice = results[0]
    assessment_reopen(assessment=alice, by=cast.alice.user, now=datetime.datetime(2026, 9, 30, 12, tzinfo=UTC))
    calmer = posted_answers_to(version.definition, **NONE)
    Assessment.objects.filter(pk=alice.pk).update(reopened_answers=calmer)
    truth = scores(alice)
    assert figures_release_due(now=datetime.datetime(2026, 10, 1, 0, 10, tzinfo=UTC))
    before = every_export(client, cast)
    client.force_login(cast.alice.user)
    post_the_whole_questionnaire(client, alice, version, calmer)
    with pytest.raises(ResultClosed):
        assessment_submit(assessment=alice, now=datetime.datetime(2026, 10, 1, 0, 20, tzinfo=UTC))
    assert scores(alice) == truth
    assert every_export(client, cast) == before


def test_a_time_zone_moved_west_after_the_release_does_not_reopen_the_quarter(client, cast, version, released_team):
    """Q3 closed at midnight UTC and was released. The admin then sets the time zone to Honolulu,
    where it is still 30 September for ten more hours: the quarter stays closed to changes."""
    alice = released_team[0]
    before, truth = every_export(client, cast), scores(alice)
    cast.acme.timezone = "Pacific/Honolulu"
    cast.acme.save()
    with pytest.raises(ResultClosed):
        assessment_reopen(
            assessment=alice, by=cast.alice.user, now=datetime.datetime(2026, 10, 1, 2, tzinfo=UTC)
        )  # 30 September, 16:00 in Honolulu
    assert scores(alice) == truth
    assert every_export(client, cast) == before


def test_a_half_year_cycle_still_closes_each_result_with_its_quarter(client, cast, version, released_team):
    """A half-yearly organisation: the Q3 result counts for 2026-H2, which is still open, but Q3's
    figures are out, so the result cannot change during Q4."""
    cast.acme.cadence_months = 6
    cast.acme.save()
    alice = released_team[0]
    before, truth = every_export(client, cast), scores(alice)
    client.force_login(cast.alice.user)
    assert client.post(reverse("assessment_start"))["Location"] == reverse("assessment_result", args=[alice.public_id])
    response = client.post(reverse("assessment_reopen", args=[alice.public_id]), {"action": "reopen"}, follow=True)
    assert "This quarter has closed" in response.content.decode()
    assert scores(alice) == truth
    assert every_export(client, cast) == before
