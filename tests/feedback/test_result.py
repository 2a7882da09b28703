"""Blind spots on the self-assessment's result (issue 12 item 4): named once the cycle's team view
is released, with the advice taking the team's view into account, worked out when the page is
shown from the stored answers and the released figures; the stored result never changes, and HR's
view of a shared result shows none of it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from emassess.assessments import engine
from emassess.assessments.models import Assessment
from emassess.assessments.services import assessment_set_shared, validated_answers
from emassess.orgs.models import Organisation
from tests.feedback.conftest import at
from tests.helpers import answers_to

BOTTLENECK = "bottleneck-manager"


def practices_countering(definition, slug: str) -> set[str]:
    return {p["slug"] for p in definition["framework"]["practices"] if slug in p["counters"]}


# -- the engine, pure: the team's view passed in as data ----------------------------------------


def test_a_trap_only_the_team_sees_brings_in_the_practices_that_counter_it(definition):
    """Every trap at 25 in the self-view (low): nothing to start. The team sees the Bottleneck
    Manager at 75, high: the practices countering it are advised, and say it is the team's view."""
    answers = answers_to(definition)
    assert engine.score(definition, answers).practices == []
    advised = engine.score(definition, answers, team={BOTTLENECK: 75}).practices
    assert advised, "the team's view should bring in practices"
    assert {advice.slug for advice in advised} <= practices_countering(definition, BOTTLENECK)
    for advice in advised:
        assert "the Bottleneck Manager (your team sees 75, high)" in advice.reason
        assert "Bottleneck Manager" in advice.counters
    # At 0.5 rarity (every practice answered "sometimes"), 75 gives 38 before what it remedies.
    assert min(advice.priority for advice in advised) >= 38


def test_a_team_view_in_the_low_band_or_one_the_self_view_shares_changes_nothing(definition):
    answers = answers_to(definition)
    assert engine.score(definition, answers, team={BOTTLENECK: 39}).practices == []  # watch starts at 40
    high = answers_to(definition, behaviour={BOTTLENECK: 3})  # the manager sees it too: 75, high
    alone = engine.score(definition, high)
    with_team = engine.score(definition, high, team={BOTTLENECK: 100})
    assert with_team.practices == alone.practices  # nothing the self-view did not already advise
    assert all("your team sees" not in advice.reason for advice in with_team.practices)


def test_a_trap_only_the_team_sees_gets_its_best_practice_in_place_of_the_lowest_ranked(definition):
    """The self-view fills the five places with Weekend Warrior practices (its own answers add to
    their rank); the team sees the LGTM Machine at 80: its best practice takes the fifth place."""
    answers = answers_to(definition, behaviour={"weekend-warrior": 4})
    alone = [advice.slug for advice in engine.score(definition, answers).practices]
    with_team = engine.score(definition, answers, team={"lgtm-machine": 80}).practices
    assert len(alone) == len(with_team) == engine.PRACTICE_LIMIT
    assert [advice.slug for advice in with_team if advice.slug in alone] == alone[:-1]
    (brought,) = [advice for advice in with_team if advice.slug not in alone]
    assert brought.slug in practices_countering(definition, "lgtm-machine")
    assert "the LGTM Machine (your team sees 80, high)" in brought.reason


def test_the_team_view_changes_only_the_advice(definition):
    answers = answers_to(definition, behaviour={"weekend-warrior": 4})
    alone = engine.score(definition, answers).to_json()
    with_team = engine.score(definition, answers, team={BOTTLENECK: 100}).to_json()
    changed = {key for key in alone if alone[key] != with_team[key]}
    assert changed == {"practices", "summary"}


# -- the result page ------------------------------------------------------------------------------


@pytest.fixture
def blind_spot(cast, submit, answer, alices_reports):
    """Alice sees herself at 0 on Bottleneck and 100 on Weekend Warrior (25 elsewhere); three of her
    reports see Bottleneck at 100 and Weekend Warrior at 0. Her 2026-Q3 result."""
    result = submit(cast.alice, "2026-Q3", behaviour={BOTTLENECK: 0, "weekend-warrior": 4})
    for report in alices_reports[:3]:
        answer(report, "2026-08-20", level=1, bottleneck_manager=4, weekend_warrior=0)
    return result


def result_page(client, result, day, time_machine):
    time_machine.move_to(at(day))
    client.force_login(result.manager.user)
    return client.get(reverse("assessment_result", args=[result.public_id])).content.decode()


def test_the_blind_spot_and_hidden_strength_are_named_on_the_result(client, blind_spot, time_machine):
    page = result_page(client, blind_spot, "2026-10-05", time_machine)
    assert (
        "<strong>Blind spot: Bottleneck Manager.</strong> You see yourself as low on Bottleneck Manager (0); "
        "your team sees high (100)." in page
    )
    assert (
        "<strong>Hidden strength: Weekend Warrior.</strong> You see yourself as high on Weekend Warrior (100); "
        "your team sees low (0)." in page
    )
    assert (
        page.count('data-testid="result-blind-spot"') == 1 and page.count('data-testid="result-hidden-strength"') == 1
    )
    assert "Where the views differ most: “" in page and "(your team: 100)" in page
    assert "more than a third of the 0-100 scale" in page


def test_nothing_of_the_team_before_the_cycle_closes_or_from_two_answers(
    client, cast, submit, answer, alices_reports, time_machine
):
    result = submit(cast.alice, "2026-Q3", behaviour={BOTTLENECK: 0})
    for report in alices_reports[:2]:
        answer(report, "2026-08-20", level=1, bottleneck_manager=4)
    assert 'data-testid="team-on-result"' not in result_page(client, result, "2026-09-30", time_machine)
    page = result_page(client, result, "2026-10-05", time_machine)
    assert 'data-testid="team-on-result"' not in page and "your team sees" not in page


def test_the_advice_takes_the_team_view_in_and_the_stored_result_stays_as_it_was(
    client, cast, submit, answer, alices_reports, time_machine, version
):
    """Alice sees herself high on Weekend Warrior only, and her result advises five practices
    against it; her team sees the LGTM Machine at 100, which none of those counters."""
    result = submit(cast.alice, "2026-Q3", behaviour={"weekend-warrior": 4})
    for report in alices_reports[:3]:
        answer(report, "2026-08-20", level=1, lgtm_machine=4)
    stored = Assessment.objects.get(pk=result.pk).outcome
    advised = {advice["slug"] for advice in stored["practices"]}
    assert len(advised) == engine.PRACTICE_LIMIT
    assert not advised & practices_countering(version.definition, "lgtm-machine")

    def practices_to_start(page: str) -> set[str]:
        return set(re.findall(r'<li class="list-group-item" id="practice-([a-z-]+)"', page))

    before = result_page(client, result, "2026-09-30", time_machine)
    after = result_page(client, result, "2026-10-05", time_machine)
    assert practices_to_start(before) == advised
    added = sorted(practices_to_start(after) - advised)
    assert len(added) == 1 and set(added) <= practices_countering(version.definition, "lgtm-machine")
    assert len(practices_to_start(after)) == engine.PRACTICE_LIMIT  # in place of the lowest-ranked one
    assert "Blind spot: LGTM Machine." in after
    assert "The practices to start below take your team's view into account" in after
    assert "the LGTM Machine (your team sees 100, high)" in after
    assert Assessment.objects.get(pk=result.pk).outcome == stored  # never rewritten

    # And the plan takes the practice only the team's view advised.
    response = client.post(reverse("assessment_plan", args=[result.public_id]), {"practices": added})
    assert response.status_code == 302
    assert [p["slug"] for p in Assessment.objects.get(pk=result.pk).plan] == added


def test_a_trap_both_see_names_the_team_in_the_practice_already_advised(client, blind_spot, time_machine):
    """Alice's Weekend Warrior practices include one that counters the Bottleneck too: it stays,
    and says the team sees the Bottleneck Manager."""
    page = result_page(client, blind_spot, "2026-10-05", time_machine)
    assert "and the Bottleneck Manager (your team sees 100, high)" in page


def test_hr_reading_a_shared_result_sees_nothing_of_the_team(client, cast, blind_spot, time_machine):
    assessment_set_shared(assessment=blind_spot, shared=True, by=cast.alice.user)
    result_page(client, blind_spot, "2026-10-05", time_machine)  # released on Alice's reading
    client.force_login(cast.hana.user)
    page = client.get(reverse("shared_result", args=[blind_spot.public_id])).content.decode()
    assert "Alice" in page  # her result, as before
    assert "team-on-result" not in page and "Blind spot" not in page and "your team sees" not in page


def test_a_threshold_raised_after_the_release_takes_the_team_off_the_result(client, cast, blind_spot, time_machine):
    assert 'data-testid="team-on-result"' in result_page(client, blind_spot, "2026-10-05", time_machine)
    Organisation.objects.filter(pk=cast.acme.pk).update(anonymity_threshold=4)
    page = result_page(client, blind_spot, "2026-10-06", time_machine)
    assert 'data-testid="team-on-result"' not in page
    assert "your team sees" not in page  # the advice is the stored one again


def test_rescoring_the_stored_answers_gives_the_stored_outcome(blind_spot):
    """What makes working the team's view in at reading time sound: the same engine on the stored
    answers gives exactly the stored result."""
    assert blind_spot.engine_version == engine.ENGINE_VERSION
    definition = blind_spot.version.definition
    answers = validated_answers(blind_spot, answers=blind_spot.answers)
    assert engine.score(definition, answers).to_json() == blind_spot.outcome


def test_the_bands_read_as_words():
    from emassess.feedback.team import ConstructView
    from emassess.feedback.team_views import NamedGap

    view = ConstructView("weekend-warrior", "Weekend Warrior", False, 50, 12, [])
    watch_low = NamedGap(view, "watch", "low")
    assert (watch_low.self_words, watch_low.team_words) == ("in the watch band", "low")
    low_watch = NamedGap(view, "low", "watch")
    assert (low_watch.self_words, low_watch.team_words) == ("as low", "it in the watch band")
