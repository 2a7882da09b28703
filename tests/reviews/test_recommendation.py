"""The recommendation rules: a pure function, every branch, no database (except the last tests,
which feed it outcomes the real scoring engine produced)."""

from __future__ import annotations

import itertools
import json

import pytest

from emassess.assessments import engine
from emassess.assessments.answer_sets import answers_for
from emassess.demo.history import DEMO_HISTORIES
from emassess.reviews import recommendation as rules
from emassess.reviews.models import RoleReview
from emassess.reviews.recommendation import CARRY_ON, MOVE_TO_IC, REBALANCE, recommend
from tests.helpers import review_answers
from tests.reviews.conftest import ANTI_PATTERNS, outcome

STEADY = outcome()  # a Team Lead EM week, every risk 20 (low)


def advise(year: int = 1, first=STEADY, latest=STEADY, **answers):
    return recommend(year=year, answers=review_answers(**answers), first=first, latest=latest)


def test_the_model_offers_the_rules_recommendations():
    assert dict(RoleReview._meta.get_field("recommendation").choices) == {
        "carry_on": "Carry on",
        "rebalance": "Rebalance",
        "move_to_ic": "Move back to the individual-contributor track",
    }


# ---------------------------------------------------------------- move back to the IC track


@pytest.mark.parametrize("enjoyment", [1])
def test_not_enjoying_the_people_side_means_moving_back_to_the_ic_track(enjoyment):
    result = advise(enjoy_people=enjoyment, wants_next="more_people")
    assert result.recommendation == MOVE_TO_IC
    assert result.label == "Move back to the individual-contributor track"
    assert "no step down" in result.headline
    assert result.headline.startswith("After a year in the role")
    assert f"({enjoyment} of 5)" in result.reasons[0]
    assert rules.STEP_SENIOR_IC in result.next_steps
    assert any("staff engineer" in step for step in result.next_steps)


def test_wanting_the_ic_track_with_mixed_enjoyment_means_moving_back():
    result = advise(enjoy_people=3, wants_next="back_to_ic")
    assert result.recommendation == MOVE_TO_IC
    assert "go back to the individual-contributor track" in " ".join(result.reasons)


def test_moving_back_names_what_drains_and_energises_and_the_rising_coding_share():
    result = advise(
        enjoy_people=1,
        energises=["coding", "hard_problems"],
        drains=["one_to_ones", "hiring", "incidents"],
        first=outcome(coding=20),
        latest=outcome(coding=35),
    )
    reasons = " ".join(result.reasons)
    assert "drain you: 1:1s, coaching and feedback and hiring and building the team." in reasons
    assert "What energises you is engineering work: writing code myself and solving hard technical problems." in reasons
    assert "from 20% to 35%" in reasons
    # Nothing of management energised them, so the step keeping "what you enjoyed" names nothing.
    assert "Keep doing the parts of management you did enjoy:" in result.next_steps[2]


def test_moving_back_keeps_the_management_work_they_enjoyed():
    result = advise(enjoy_people=1, energises=["coding", "hiring", "delivery"])
    assert "(hiring and building the team and planning and getting things delivered)" in result.next_steps[2]


def test_someone_who_enjoys_the_people_side_but_wants_the_ic_track_is_asked_why():
    result = advise(enjoy_people=4, wants_next="back_to_ic")
    assert result.recommendation == REBALANCE
    assert rules.STEP_IC_QUESTION in result.next_steps
    assert "yet you enjoy the people side" in " ".join(result.reasons)


# ---------------------------------------------------------------- rebalance


def test_enjoying_it_rarely_means_rebalancing_not_leaving():
    """Seed 004 says to shift back if you do not enjoy people management *at all*: "Rarely" is a
    reason to reshape the role first."""
    result = advise(enjoy_people=2)
    assert result.recommendation == REBALANCE
    assert "Rarely" in result.reasons[0] and "at all" in result.reasons[0]


def test_mixed_enjoyment_means_rebalancing():
    result = advise(enjoy_people=3)
    assert result.recommendation == REBALANCE
    assert result.label == "Rebalance"
    assert "Some weeks yes, some weeks no" in result.reasons[0]
    assert "incidents and firefighting" in result.next_steps[0]  # the drain to hand over
    assert result.next_steps[-1] == rules.STEP_RECHECK


def test_mixed_enjoyment_with_nothing_named_as_draining_points_to_the_partnership():
    result = advise(enjoy_people=3, drains=[], drains_other="Too many meetings", energises=["people_growing", "hiring"])
    assert result.recommendation == REBALANCE
    assert result.next_steps[0] == rules.STEP_PARTNER


@pytest.mark.parametrize(
    ("energises", "drains", "drains_other", "heavy"),
    [
        (["people_growing"], ["incidents"], "", False),  # one each
        (["people_growing", "one_to_ones", "hiring", "delivery"], ["incidents", "stakeholders"], "", False),
        (["people_growing"], ["incidents", "stakeholders"], "", True),  # drains outnumber energy
        (["people_growing"], ["incidents"], "Budget meetings", True),  # typed text counts as one
        (["people_growing", "one_to_ones", "hiring", "delivery"], ["incidents", "stakeholders", "delivery"], "", True),
    ],
)
def test_heavy_drains_mean_rebalancing(energises, drains, drains_other, heavy):
    result = advise(enjoy_people=5, energises=energises, drains=drains, drains_other=drains_other)
    assert result.recommendation == (REBALANCE if heavy else CARRY_ON)
    if heavy:
        assert f"You named {len(drains) + bool(drains_other)} things that drain you" in result.reasons[0]


@pytest.mark.parametrize(
    ("role", "coding", "rebalance"),
    [("em", 29, False), ("em", 30, True), ("tlm", 39, False), ("tlm", 40, True)],
)
def test_a_coding_share_too_high_for_the_role_means_rebalancing(role, coding, rebalance):
    latest = outcome(coding=coding, people=30, role=role)
    result = advise(first=outcome(coding=coding, role=role), latest=latest)
    assert result.recommendation == (REBALANCE if rebalance else CARRY_ON)
    if rebalance:
        assert f"puts {coding}% of your week into hands-on coding" in result.reasons[0]
        assert result.next_steps[:2] == [rules.STEP_OFF_CRITICAL_PATH, rules.STEP_PARTNER]


def test_the_coding_share_is_judged_on_the_latest_assessment_alone():
    result = advise(first=None, latest=outcome(coding=35))
    assert result.recommendation == REBALANCE
    assert "against" not in result.reasons[0]  # no first assessment to compare with


@pytest.mark.parametrize(
    ("slug", "step"),
    [("weekend_warrior", rules.STEP_OFF_CRITICAL_PATH), ("bottleneck_manager", rules.STEP_ADVISORY_REVIEW)],
)
def test_a_rising_weekend_warrior_or_bottleneck_risk_means_rebalancing(slug, step):
    rising = advise(first=outcome(**{slug: 30}), latest=outcome(**{slug: 40}))
    assert rising.recommendation == REBALANCE
    name = {"weekend_warrior": "Weekend Warrior", "bottleneck_manager": "Bottleneck Manager"}[slug]
    assert f"Your {name} risk rose from 30 to 40" in rising.reasons[0]
    assert step in rising.next_steps
    barely = advise(first=outcome(**{slug: 30}), latest=outcome(**{slug: 39}))
    assert barely.recommendation == CARRY_ON


def test_a_high_weekend_warrior_risk_means_rebalancing_even_without_a_trend():
    result = advise(first=None, latest=outcome(weekend_warrior=70))
    assert result.recommendation == REBALANCE
    assert "Your Weekend Warrior risk is high (70 of 100)." in result.reasons


def test_other_anti_patterns_rising_are_flagged_but_do_not_change_the_advice():
    result = advise(first=outcome(architect_in_exile=20), latest=outcome(architect_in_exile=45))
    assert result.recommendation == CARRY_ON
    assert any("Architect-in-Exile risk rose from 20 to 45: keep an eye on it" in reason for reason in result.reasons)


@pytest.mark.parametrize("give_up", [["coding"], ["technical_leadership"], ["coding", "hiring"]])
def test_wanting_to_give_up_coding_or_technical_leadership_means_pairing_with_a_tech_lead(give_up):
    result = advise(give_up=give_up)
    assert result.recommendation == REBALANCE
    assert rules.STEP_PARTNER in result.next_steps
    assert "tech lead or staff engineer" in rules.STEP_PARTNER
    assert result.reasons[0].startswith("You would give up ")


def test_wanting_to_give_up_other_chores_alone_changes_nothing():
    assert advise(give_up=["on_call", "stakeholders"]).recommendation == CARRY_ON


def test_wanting_to_give_up_one_to_ones_means_rebalancing():
    result = advise(give_up=["one_to_ones"])
    assert result.recommendation == REBALANCE
    assert rules.STEP_ONE_TO_ONES in result.next_steps


def test_wanting_more_technical_work_means_rebalancing():
    result = advise(wants_next="more_technical")
    assert result.recommendation == REBALANCE
    assert rules.STEP_TECHNICAL_SLICE in result.next_steps


def test_many_warning_signs_still_give_at_most_four_steps_without_repeats():
    result = advise(
        enjoy_people=3,
        give_up=["coding", "one_to_ones"],
        wants_next="more_technical",
        drains=["incidents", "stakeholders", "delivery"],
        first=outcome(coding=30, weekend_warrior=30, bottleneck_manager=30),
        latest=outcome(coding=45, weekend_warrior=70, bottleneck_manager=70),
    )
    assert result.recommendation == REBALANCE
    assert len(result.reasons) >= 6
    assert len(result.next_steps) == 4
    assert len(set(result.next_steps)) == 4
    assert result.next_steps[-1] == rules.STEP_RECHECK


# ---------------------------------------------------------------- carry on


def test_enjoying_the_people_side_with_falling_risks_means_carrying_on():
    result = advise(
        enjoy_people=5,
        wants_next="more_people",
        first=outcome(weekend_warrior=60, bottleneck_manager=50),
        latest=outcome(weekend_warrior=35, bottleneck_manager=40),
    )
    assert result.recommendation == CARRY_ON
    assert result.label == "Carry on"
    assert result.headline == (
        "After a year in the role, carry on: you enjoy the people side of the job, and your risks are coming down."
    )
    reasons = " ".join(result.reasons)
    assert "Very much: it is the best part of the job" in reasons
    assert "The people side is what energises you: seeing people on the team grow and 1:1s" in reasons
    assert "Bottleneck Manager from 50 to 40, Weekend Warrior from 60 to 35" in reasons
    assert result.next_steps == [rules.STEP_PEOPLE_FIRST, rules.STEP_MORE_PEOPLE, rules.STEP_KEEP_ASSESSING]


def test_carrying_on_without_a_trend_does_not_claim_one():
    result = advise(first=None, latest=STEADY)
    assert result.recommendation == CARRY_ON
    assert "coming down" not in result.headline
    assert "one self-assessment in this role so far" in result.reasons[-1]
    assert rules.STEP_KEEP_SHAPE in result.next_steps


def test_a_manager_who_never_assessed_gets_advice_from_the_answers_alone():
    result = advise(first=None, latest=None)
    assert result.recommendation == CARRY_ON
    assert result.comparison is None
    assert "have not taken the quarterly self-assessment" in result.reasons[-1]
    never = advise(enjoy_people=3, first=None, latest=None)
    assert never.recommendation == REBALANCE
    assert "have not taken the quarterly self-assessment" in never.reasons[-1]


# ---------------------------------------------------------------- the comparison


def test_the_comparison_shows_what_moved_from_first_to_latest():
    first = outcome(coding=45, people=15, closest="tlm", role="tlm", weekend_warrior=80, bottleneck_manager=75)
    latest = outcome(coding=30, people=25, closest="team-lead-em", role="tlm", weekend_warrior=50)
    comparison = advise(first=first, latest=latest).comparison
    assert comparison.has_first
    assert (comparison.closest_then, comparison.closest_now) == ("Tech Lead Manager (TLM)", "Team Lead EM")
    assert (comparison.coding.then, comparison.coding.now, comparison.coding.delta) == (45, 30, -15)
    assert (comparison.people.then, comparison.people.now, comparison.people.delta) == (15, 25, 10)
    risks = {risk.slug: risk for risk in comparison.risks}
    assert [risk.slug for risk in comparison.risks] == list(ANTI_PATTERNS)
    weekend = risks["weekend-warrior"]
    assert (weekend.then, weekend.now, weekend.delta) == (80, 50, -30)
    assert (weekend.band_then, weekend.band_now) == ("high", "watch")
    assert risks["lgtm-machine"].delta == 0


def test_with_only_the_latest_the_then_side_is_empty():
    comparison = advise(first=None, latest=outcome(coding=25)).comparison
    assert not comparison.has_first
    assert comparison.closest_then is None
    assert (comparison.coding.then, comparison.coding.now, comparison.coding.delta) == (None, 25, None)
    assert all(risk.then is None and risk.delta is None and risk.now == 20 for risk in comparison.risks)


def test_with_only_a_first_it_is_read_as_the_latest():
    result = advise(first=outcome(coding=35), latest=None)
    assert not result.comparison.has_first
    assert result.comparison.coding.now == 35
    assert result.recommendation == REBALANCE  # 35% coding for an EM


def test_a_risk_the_first_assessment_did_not_measure_has_no_delta():
    first = outcome()
    first["anti_patterns"] = [risk for risk in first["anti_patterns"] if risk["slug"] != "lgtm-machine"]
    risks = {risk.slug: risk for risk in advise(first=first, latest=STEADY).comparison.risks}
    assert risks["lgtm-machine"].then is None
    assert risks["lgtm-machine"].delta is None
    assert risks["weekend-warrior"].delta == 0


# ---------------------------------------------------------------- years, pendulum, storage, bad input


def test_the_first_year_has_no_pendulum_note():
    assert advise(year=1).pendulum is None


@pytest.mark.parametrize(("year", "span"), [(2, "two years"), (3, "three years")])
def test_years_two_and_three_add_the_engineer_manager_pendulum(year, span):
    result = advise(year=year)
    assert "Charity Majors" in result.pendulum
    assert "five years" in result.pendulum
    assert result.pendulum == rules.PENDULUM_NOTES[year]
    assert result.headline.startswith(f"After {span} in the role")
    assert result.year == year
    moving = advise(year=year, enjoy_people=1)
    assert moving.pendulum == rules.PENDULUM_NOTES[year]


def test_the_outcome_is_stored_as_plain_json():
    result = advise(first=outcome(weekend_warrior=50), latest=outcome(weekend_warrior=30))
    stored = json.loads(json.dumps(result.to_json()))
    assert stored["recommendation"] == CARRY_ON
    assert stored["rules_version"] == rules.RULES_VERSION
    assert stored["comparison"]["risks"][1] == {
        "slug": "weekend-warrior",
        "name": "Weekend Warrior",
        "then": 50,
        "now": 30,
        "delta": -20,
        "band_then": "watch",
        "band_now": "low",
    }
    assert stored["next_steps"] == result.next_steps


@pytest.mark.parametrize("year", [0, 4, "1"])
def test_only_years_one_to_three_are_reviewed(year):
    with pytest.raises(ValueError, match="year 1, 2 or 3"):
        advise(year=year)


@pytest.mark.parametrize("enjoyment", [0, 6, "4", None, True])
def test_enjoyment_must_be_a_point_on_the_scale(enjoyment):
    with pytest.raises(ValueError, match="enjoy_people"):
        advise(enjoy_people=enjoyment)


@pytest.mark.parametrize(
    ("enjoyment", "wants", "give_up"),
    list(itertools.product(range(1, 6), rules.WANTS_NEXT, (["none"], ["coding"], ["one_to_ones", "hiring"]))),
)
def test_every_answer_set_gets_reasons_and_two_to_four_next_steps(enjoyment, wants, give_up):
    for first, latest in ((None, None), (STEADY, outcome(coding=40, weekend_warrior=70))):
        result = advise(enjoy_people=enjoyment, wants_next=wants, give_up=give_up, first=first, latest=latest)
        assert result.recommendation in (CARRY_ON, REBALANCE, MOVE_TO_IC)
        assert result.reasons
        assert 2 <= len(result.next_steps) <= 4
        assert all(sentence.endswith(".") for sentence in result.reasons + result.next_steps)


# ---------------------------------------------------------------- outcomes from the real engine


def test_the_demo_tlm_who_climbed_out_of_weekend_coding_is_told_to_carry_on(definition):
    """Tomás's first and latest demo assessments, scored by the engine as they are on submit."""
    history = DEMO_HISTORIES["tlm@acme.test"]
    first = engine.score(definition, answers_for(definition, history[0])).to_json()
    latest = engine.score(definition, answers_for(definition, history[-1])).to_json()
    result = recommend(year=1, answers=review_answers(enjoy_people=4), first=first, latest=latest)
    assert result.recommendation == CARRY_ON
    assert "your risks are coming down" in result.headline
    comparison = result.comparison
    assert (comparison.coding.then, comparison.coding.now) == (45, 30)
    weekend = next(risk for risk in comparison.risks if risk.slug == "weekend-warrior")
    assert weekend.delta < 0
    # The same manager, still coding as much as a year ago, would be asked to rebalance.
    stuck = recommend(year=1, answers=review_answers(enjoy_people=4), first=first, latest=first)
    assert stuck.recommendation == REBALANCE
