"""Managers from the articles' own stories, as answer sets, and what each must be told."""

from emassess.assessments.answer_sets import AnswerProfile, answers_for
from emassess.assessments.engine import score
from tests.helpers import week


def risks_of(outcome):
    return {risk.slug: risk for risk in outcome.anti_patterns}


def test_the_eighty_twenty_manager_who_codes_nights_and_weekends(definition):
    """Seed 003: three reports, told to split 80/20 between coding and management, working
    nights and weekends to hit code deadlines while the team waited for them."""
    persona = AnswerProfile(
        role="em",
        reports=3,
        months=8,
        week=week(
            hands_on_coding=55,
            technical_leadership=15,
            people_team=15,
            process_delivery=10,
            product=5,
            organisation=0,
        ),
        tlm_statements=2,
        behaviour={"weekend-warrior": 4, "bottleneck-manager": 2, "architect-in-exile": 1, "lgtm-machine": 1},
        practice=1,
        energy="both",
        comfort="coding",
    )
    outcome = score(definition, answers_for(definition, persona))
    risks = risks_of(outcome)

    assert outcome.role_gap.kind == "em-codes-like-tlm"
    assert "55%" in outcome.role_gap.message
    assert outcome.closest in ("tlm", "tech-lead-em")
    assert risks["weekend-warrior"].band == "high"
    assert max(outcome.anti_patterns, key=lambda risk: risk.risk).slug == "weekend-warrior"
    assert any("fewer than four" in note for note in outcome.tlm.context)
    assert outcome.practices, "must be given practices to start"
    assert "Weekend Warrior" in outcome.practices[0].counters
    assert outcome.practices[0].slug in {"time-box-technical-work", "own-something-small", "stay-off-critical-path"}


def test_the_manager_who_reviews_every_pr_and_joins_every_design_meeting(definition):
    """Seed 000's Bottleneck Manager: nothing merges or gets decided without them."""
    persona = AnswerProfile(
        role="em",
        week=week(
            hands_on_coding=10,
            technical_leadership=50,
            people_team=20,
            process_delivery=10,
            product=5,
            organisation=5,
        ),
        behaviour={"bottleneck-manager": 4, "weekend-warrior": 1, "architect-in-exile": 1, "lgtm-machine": 0},
        practices={"advisory-code-review": 0, "delegate-growing-scope": 1},
        practice=3,
        best_judgement=False,
    )
    outcome = score(definition, answers_for(definition, persona))
    risks = risks_of(outcome)

    assert outcome.closest == "tech-lead-em"
    assert risks["bottleneck-manager"].band == "high"
    assert len(risks["bottleneck-manager"].evidence) == 3
    assert risks["lgtm-machine"].band == "low"
    assert risks["bottleneck-manager"].scenarios, "the scenario choices that leaned this way are named"
    assert outcome.practices[0].slug == "advisory-code-review"
    assert outcome.judgement < 100


def test_the_manager_who_approves_everything(definition):
    """Seed 000's LGTM Machine: rubber-stamps to look hands-on, adds nothing."""
    persona = AnswerProfile(
        role="em",
        week=week(
            hands_on_coding=5,
            technical_leadership=15,
            people_team=30,
            process_delivery=30,
            product=10,
            organisation=10,
        ),
        behaviour={"lgtm-machine": 4, "bottleneck-manager": 0, "weekend-warrior": 1, "architect-in-exile": 1},
        practices={"advisory-code-review": 1, "same-bar-no-pressure": 0},
        practice=3,
    )
    outcome = score(definition, answers_for(definition, persona))
    risks = risks_of(outcome)

    assert risks["lgtm-machine"].band == "high"
    assert risks["lgtm-machine"].risk == 100
    assert risks["bottleneck-manager"].risk == 0
    assert {p.slug for p in outcome.practices[:2]} == {"advisory-code-review", "same-bar-no-pressure"}
    assert outcome.role_gap.kind == "none"


def test_the_manager_who_only_comments_on_architecture(definition):
    """Seed 000's Architect-in-Exile: opinions on everything, context on nothing."""
    persona = AnswerProfile(
        role="em",
        reports=7,
        week=week(
            hands_on_coding=0,
            technical_leadership=40,
            people_team=15,
            process_delivery=10,
            product=10,
            organisation=25,
        ),
        behaviour={"architect-in-exile": 4, "bottleneck-manager": 1, "weekend-warrior": 0, "lgtm-machine": 1},
        practices={"pair-on-hard-problems": 0, "build-to-stay-current": 0},
        practice=3,
        comfort="oversight",
    )
    outcome = score(definition, answers_for(definition, persona))
    risks = risks_of(outcome)

    assert risks["architect-in-exile"].band == "high"
    assert all(risks[slug].band == "low" for slug in ("weekend-warrior", "lgtm-machine"))
    assert outcome.closest != "tlm"
    top = {p.slug for p in outcome.practices[:2]}
    assert top == {"pair-on-hard-problems", "build-to-stay-current"}
    assert "Architect-in-Exile" in outcome.practices[0].reason


def test_the_healthy_tlm_of_seed_004(definition):
    """Seed 004: people first, a small infrastructure team, code kept off the critical path,
    most of the checklist rings true."""
    persona = AnswerProfile(
        role="tlm",
        team_kind="infrastructure",
        reports=5,
        months=30,
        week=week(
            hands_on_coding=30,
            technical_leadership=25,
            people_team=25,
            process_delivery=10,
            product=5,
            organisation=5,
        ),
        tlm_statements=5,
        behaviour=dict.fromkeys(("bottleneck-manager", "weekend-warrior", "architect-in-exile", "lgtm-machine"), 0),
        practice=4,
        practices={"skip-one-to-ones-deliberately": 2},
        energy="both",
    )
    outcome = score(definition, answers_for(definition, persona))

    assert outcome.closest == "tlm"
    assert outcome.role_gap.kind == "none"
    assert outcome.tlm.may_fit and outcome.tlm.resonating == 5
    assert any("infrastructure" in note for note in outcome.tlm.context)
    assert all(risk.band == "low" and risk.risk == 0 for risk in outcome.anti_patterns)
    assert outcome.judgement == 100
    # Nothing is urgent: at most habits worth building, none tied to a risk.
    assert all("habit worth building" in practice.reason for practice in outcome.practices)


def test_a_new_tlm_who_drifted_into_pure_delivery_work(definition):
    """Seed 003/004: the title says TLM, but the week is all process and stakeholders."""
    persona = AnswerProfile(
        role="tlm",
        team_kind="product",
        reports=9,
        week=week(
            hands_on_coding=0,
            technical_leadership=10,
            people_team=20,
            process_delivery=50,
            product=15,
            organisation=5,
        ),
        tlm_statements=1,
        energy="people",
    )
    outcome = score(definition, answers_for(definition, persona))

    assert outcome.closest == "delivery-em"
    assert outcome.role_gap.kind == "tlm-works-as-em"
    assert not outcome.tlm.may_fit
    assert "people grow" in outcome.reflections[0]
