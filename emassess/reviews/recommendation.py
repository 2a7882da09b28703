"""The role review's recommendation: a pure function of the review year, the review answers and
two stored assessment outcomes (the first in the role and the latest, as Outcome.to_json() gave
them). No database, no clock: the same input always gives the same advice, which is stored as
JSON with RULES_VERSION when the review is submitted.

The rules, in order:

1. Move back to the individual-contributor track when the manager does not enjoy the people
   side at all (the lowest answer), or wants the IC track and enjoys it only some weeks. After a
   year, Christoph Nakazawa's advice (seed 004) is to shift back if you do not enjoy managing
   people at all; an engineer who has managed is worth more for it, so it is no step down.
2. Otherwise rebalance when any warning sign shows: rare or mixed enjoyment, more drains than energy,
   a coding share too high for the role, Weekend Warrior or Bottleneck Manager risk rising or
   high, wanting to give up the technical leadership or the coding, wanting to give up 1:1s,
   wanting more technical work, or wanting the IC track despite enjoying the people side. The
   usual fix is the partnership seed 003 describes: a tech lead or staff engineer owns the
   technical leadership, the manager owns the people, and the manager's own code stays off the
   critical path (seed 004).
3. Otherwise carry on: the manager enjoys the people side and nothing is pulling the wrong way.

Years two and three add Charity Majors' engineer/manager pendulum: the best front-line managers
are never far from hands-on work, and the way back gets harder after about five years.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from emassess.reviews.questions import (
    ENERGY_SOURCES,
    ENGINEERING_SOURCES,
    ENJOYMENT_LABELS,
    ENJOYMENT_MAX,
    ENJOYMENT_MIN,
    PEOPLE_SOURCES,
    RESPONSIBILITIES,
    WANTS_NEXT,
    joined,
    labels_of,
)

RULES_VERSION = "1.0"

CARRY_ON, REBALANCE, MOVE_TO_IC = "carry_on", "rebalance", "move_to_ic"
RECOMMENDATION_LABELS = {
    CARRY_ON: "Carry on",
    REBALANCE: "Rebalance",
    MOVE_TO_IC: "Move back to the individual-contributor track",
}

# Enjoyment of the people side, 1-5: at most this is "does not enjoy it at all", seed 004's reason
# to shift back. "Rarely" is not that: it calls for changing the role's shape first.
LOW_ENJOYMENT = 1
# Exactly this is "some weeks yes, some weeks no": the role's shape needs work before the role does.
MIXED_ENJOYMENT = 3
# Drains are heavy from this many, or whenever they outnumber what energises the manager.
HEAVY_DRAINS = 3
# Hands-on coding share of the week (latest assessment) that crowds out the people work. An EM
# at 30% works like a TLM (the engine's EM_CODING_LIMIT); our TLM profile codes about 30%, so a
# TLM is flagged only from 40%.
HIGH_CODING_SHARE = {"em": 30, "tlm": 40}
# A risk (0-100) counts as rising from this many points up since the first assessment: two
# answer steps on one of an anti-pattern's five behaviour items, more than noise.
RISK_RISE = 10
# The anti-patterns that grow when a manager is pulled back into code (seed 000): rising or high,
# they are a reason to rebalance.
WATCHED_RISKS = ("weekend-warrior", "bottleneck-manager")
HIGH_BAND = "high"
# Responsibilities that a tech lead or staff engineer can own instead (seed 003's partnership).
TECHNICAL_GIVE_UPS = ("coding", "technical_leadership")
# The core of the people side: wanting to give it up is a warning sign even for someone who
# says they enjoy the job.
CORE_PEOPLE_GIVE_UPS = ("one_to_ones",)
NEXT_STEPS_MIN, NEXT_STEPS_MAX = 2, 4
REVIEW_YEARS = (1, 2, 3)
SPANS = {1: "a year", 2: "two years", 3: "three years"}
REVIEW_TITLES = {
    1: "Your one-year review",
    2: "Your two-year check-in",
    3: "Your three-year check-in",
}

PENDULUM_NOTES = {
    2: (
        "Two years in, think about the engineer/manager pendulum (Charity Majors): the strongest "
        "front-line managers are rarely more than two or three years away from hands-on work, and "
        "after about five years of managing the way back to engineering gets harder. If you may want "
        "to swing back one day, the next year is a good time to plan it; if you stay, keep your "
        "technical judgement fresh by building small things nobody waits on."
    ),
    3: (
        "Three years in, you are at the far end of the engineer/manager pendulum (Charity Majors): "
        "the best front-line managers seldom stay more than two or three years away from hands-on "
        "work, and after about five years of managing, going back gets harder. Make the next move a "
        "choice: plan a spell back in engineering, or commit to management as your track and grow in "
        "it. Drifting is the one option to avoid."
    ),
}

# Next steps, in our own words.
STEP_PARTNER = (
    "Agree with your manager on a tech lead or staff engineer who owns the team's technical "
    "leadership, and let them make the design calls instead of checking each one: you look after "
    "the people, they look after the technical direction."
)
STEP_OFF_CRITICAL_PATH = (
    "Take your own code off the team's critical path: choose work nobody is waiting for, and give "
    "it fixed hours in your calendar rather than evenings and weekends."
)
STEP_ADVISORY_REVIEW = (
    "Stop being the gate: make your code reviews advisory and name who decides in each area, so the "
    "team keeps moving when you are busy."
)
STEP_ONE_TO_ONES = (
    "Keep your 1:1s, but lighter: check in in writing during the week and skip a round on purpose "
    "every five or six weeks, as long as each person knows why and nobody who relies on them loses out."
)
STEP_TECHNICAL_SLICE = (
    "Agree with your manager on one piece of technical work that is yours and that nobody waits on, "
    "and protect time for it once the week's people work is done."
)
STEP_IC_QUESTION = (
    "Talk with your manager about what draws you to the individual-contributor track: if it is the "
    "code you miss, a role with protected technical time may give you both; if it is the pressure "
    "of the role, say so."
)
STEP_RECHECK = (
    "Take your next quarterly self-assessment with this review in mind: the rebalancing is working "
    "when your coding share and the risks above come down."
)
STEP_TELL_MANAGER = (
    "Tell your manager what this review found and plan the handover of your reports together: a "
    "move agreed months ahead is far easier on the team than a sudden one."
)
STEP_SENIOR_IC = (
    "Aim for a senior or staff engineer role: what you learnt as a manager about people, priorities "
    "and the wider organisation makes you a stronger individual contributor, not a weaker one."
)
STEP_PEOPLE_FIRST = (
    "Keep people first: put your 1:1s early in the week and fit technical work into the time that is "
    "left, not the other way round."
)
STEP_MORE_PEOPLE = (
    "Tell your manager you want more people leadership and agree a next step: a larger team, "
    "leading hiring, or in time managing managers."
)
STEP_KEEP_SHAPE = "Tell your manager what is working, so the role keeps its shape when priorities shift around you."
STEP_KEEP_ASSESSING = (
    "Keep taking the quarterly self-assessment: if a risk starts to climb, you will see it while it is still small."
)


@dataclass(frozen=True)
class ShareChange:
    """A share of the week (percent) in the first and the latest assessment."""

    then: int | None
    now: int | None
    delta: int | None


@dataclass(frozen=True)
class RiskChange:
    slug: str
    name: str
    then: int | None
    now: int | None
    delta: int | None
    band_then: str | None
    band_now: str | None


@dataclass(frozen=True)
class ReviewComparison:
    """What moved between the first assessment in the role and the latest; the `then` side is
    empty when there is only one assessment."""

    has_first: bool
    closest_then: str | None  # archetype names
    closest_now: str | None
    coding: ShareChange
    people: ShareChange
    risks: list[RiskChange]


@dataclass(frozen=True)
class ReviewOutcome:
    rules_version: str
    year: int
    recommendation: str  # CARRY_ON, REBALANCE or MOVE_TO_IC
    label: str
    headline: str
    reasons: list[str]
    next_steps: list[str]
    pendulum: str | None  # years two and three only
    comparison: ReviewComparison | None  # None when the manager never assessed

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


Outcome = Mapping[str, Any]  # an assessment outcome as stored (Outcome.to_json())


def _closest_name(outcome: Outcome) -> str:
    return next((fit["name"] for fit in outcome["archetypes"] if fit["slug"] == outcome["closest"]), outcome["closest"])


def _share(first: Outcome | None, latest: Outcome | None, area: str) -> ShareChange:
    then = round(first["allocation"].get(area, 0)) if first else None
    now = round(latest["allocation"].get(area, 0)) if latest else None
    return ShareChange(then, now, now - then if then is not None and now is not None else None)


def compare_outcomes(*, first: Outcome | None, latest: Outcome | None) -> ReviewComparison | None:
    """First against latest: the closest archetype, the coding and people shares and every
    anti-pattern's risk. With only one outcome the other side stays empty."""
    if latest is None:
        latest, first = first, None
    if latest is None:
        return None
    before = {risk["slug"]: risk for risk in first["anti_patterns"]} if first else {}
    risks = []
    for risk in latest["anti_patterns"]:
        old = before.get(risk["slug"])
        risks.append(
            RiskChange(
                risk["slug"],
                risk["name"],
                old["risk"] if old else None,
                risk["risk"],
                # A risk one of the two could not measure (too few answers applied) has no change.
                risk["risk"] - old["risk"] if old and old["risk"] is not None and risk["risk"] is not None else None,
                old["band"] if old else None,
                risk["band"],
            )
        )
    return ReviewComparison(
        has_first=first is not None,
        closest_then=_closest_name(first) if first else None,
        closest_now=_closest_name(latest),
        coding=_share(first, latest, "hands_on_coding"),
        people=_share(first, latest, "people_team"),
        risks=risks,
    )


@dataclass(frozen=True)
class _Signal:
    """One reason to rebalance: what it is, the sentence that says so, the steps it calls for."""

    reason: str
    steps: tuple[str, ...]


def _enjoyment_reason(enjoyment: int) -> str:
    return (
        f"Asked how much you enjoy the people side of the job, you answered “{ENJOYMENT_LABELS[enjoyment]}” "
        f"({enjoyment} of {ENJOYMENT_MAX})."
    )


def _drains_step(drains: list[str]) -> str:
    named = f" ({joined(drains[:2])})" if drains else ""
    return (
        f"Pick the one or two things that drain you most{named} and agree with your manager which you "
        "can hand over, share or drop this quarter."
    )


def _rebalance_signals(
    *, answers: Mapping[str, Any], enjoyment: int, comparison: ReviewComparison | None, latest: Outcome | None
) -> list[_Signal]:
    signals: list[_Signal] = []
    energises = list(answers.get("energises") or [])
    drains = list(answers.get("drains") or [])
    drain_labels = labels_of(drains, ENERGY_SOURCES)
    energy_count = len(energises) + (1 if answers.get("energises_other") else 0)
    drain_count = len(drains) + (1 if answers.get("drains_other") else 0)
    give_up = list(answers.get("give_up") or [])
    wants = answers.get("wants_next")

    if LOW_ENJOYMENT < enjoyment <= MIXED_ENJOYMENT:
        signals.append(
            _Signal(
                _enjoyment_reason(enjoyment) + " Enjoying it rarely or only some weeks is a reason to change the "
                "shape of the role before judging the role itself: seed 004's advice to shift back is for those "
                "who do not enjoy managing people at all.",
                (_drains_step(drain_labels) if drains else STEP_PARTNER,),
            )
        )
    if drain_count >= HEAVY_DRAINS or drain_count > energy_count:
        what = f" ({joined(drain_labels)})" if drain_labels else ""
        signals.append(
            _Signal(
                f"You named {drain_count} thing{'s' if drain_count != 1 else ''} that drain you{what} and "
                f"{energy_count} that energise{'s' if energy_count == 1 else ''} you: the draining part "
                "of the week is too large.",
                (_drains_step(drain_labels),),
            )
        )
    if comparison is not None and latest is not None:
        held_role = latest.get("role_gap", {}).get("held_role", "em")
        limit = HIGH_CODING_SHARE.get(held_role, HIGH_CODING_SHARE["em"])
        coding = comparison.coding
        if coding.now is not None and coding.now >= limit:
            since = f", against {coding.then}% in your first assessment in the role" if coding.then is not None else ""
            role_name = "tech lead manager" if held_role == "tlm" else "engineering manager"
            signals.append(
                _Signal(
                    f"Your latest assessment puts {coding.now}% of your week into hands-on coding{since}; "
                    f"for a {role_name} from {limit}% that crowds out the people work.",
                    (STEP_OFF_CRITICAL_PATH, STEP_PARTNER),
                )
            )
        for risk in comparison.risks:
            if risk.slug not in WATCHED_RISKS:
                continue
            step = STEP_OFF_CRITICAL_PATH if risk.slug == "weekend-warrior" else STEP_ADVISORY_REVIEW
            if risk.delta is not None and risk.delta >= RISK_RISE:
                signals.append(
                    _Signal(
                        f"Your {risk.name} risk rose from {risk.then} to {risk.now} since your first "
                        "assessment in the role.",
                        (step,),
                    )
                )
            elif risk.band_now == HIGH_BAND:
                signals.append(_Signal(f"Your {risk.name} risk is high ({risk.now} of 100).", (step,)))
    technical = [value for value in TECHNICAL_GIVE_UPS if value in give_up]
    if technical:
        signals.append(
            _Signal(
                f"You would give up {joined(labels_of(technical, RESPONSIBILITIES))}: better to hand "
                "that to someone whose job it is than to carry it half-done.",
                (STEP_PARTNER,),
            )
        )
    core = [value for value in CORE_PEOPLE_GIVE_UPS if value in give_up]
    if core:
        signals.append(
            _Signal(
                f"You would give up {joined(labels_of(core, RESPONSIBILITIES))}, the core of the people "
                "side: worth understanding why before the team feels it.",
                (STEP_ONE_TO_ONES,),
            )
        )
    if wants == "more_technical":
        signals.append(
            _Signal(
                "You want more technical work: unless the role makes room for it on purpose, it ends up in "
                "evenings and weekends.",
                (STEP_TECHNICAL_SLICE,),
            )
        )
    if wants == "back_to_ic":
        signals.append(
            _Signal(
                "You would like to go back to the individual-contributor track, yet you enjoy the people "
                "side: worth finding out which part of the role is pushing you away.",
                (STEP_IC_QUESTION,),
            )
        )
    return signals


def _unique(steps: list[str]) -> list[str]:
    return list(dict.fromkeys(steps))


def _no_assessment_reason(comparison: ReviewComparison | None) -> list[str]:
    if comparison is None:
        return [
            "You have not taken the quarterly self-assessment in this role, so this advice rests on your "
            "review answers alone."
        ]
    if not comparison.has_first:
        return ["You have one self-assessment in this role so far, so there is no trend to compare yet."]
    return []


def _move_to_ic(
    *, span: str, answers: Mapping[str, Any], enjoyment: int, comparison: ReviewComparison | None
) -> tuple[str, list[str], list[str]]:
    headline = (
        f"After {span} in the role, move back to the individual-contributor track. It is no step down: "
        "an engineer who has managed people brings that experience to every team they join."
    )
    reasons = [_enjoyment_reason(enjoyment)]
    if answers.get("wants_next") == "back_to_ic":
        reasons.append("You said that what you want next is to go back to the individual-contributor track.")
    energises = list(answers.get("energises") or [])
    drains = list(answers.get("drains") or [])
    people_drains = [value for value in PEOPLE_SOURCES if value in drains]
    if people_drains:
        reasons.append(f"Parts of the people side drain you: {joined(labels_of(people_drains, ENERGY_SOURCES))}.")
    engineering = [value for value in ENGINEERING_SOURCES if value in energises]
    if engineering and not any(value in energises for value in PEOPLE_SOURCES):
        reasons.append(f"What energises you is engineering work: {joined(labels_of(engineering, ENERGY_SOURCES))}.")
    if comparison is not None and comparison.coding.delta is not None and comparison.coding.delta > 0:
        reasons.append(
            f"Your coding share went up from {comparison.coding.then}% to {comparison.coding.now}% of your "
            "week since your first assessment in the role: the work is pulling you back already."
        )
    reasons += _no_assessment_reason(comparison)
    enjoyed = [value for value in energises if value not in ENGINEERING_SOURCES]
    named = f" ({joined(labels_of(enjoyed, ENERGY_SOURCES))})" if enjoyed else ""
    steps = [
        STEP_TELL_MANAGER,
        STEP_SENIOR_IC,
        f"Keep doing the parts of management you did enjoy{named}: an individual contributor can still "
        "mentor, interview and lead a project.",
    ]
    return headline, reasons, steps


def _rebalance(
    *, span: str, signals: list[_Signal], comparison: ReviewComparison | None
) -> tuple[str, list[str], list[str]]:
    headline = (
        f"After {span} in the role, keep it but rebalance it: hand over or share the parts that drain "
        "you or pull you away from the team."
    )
    reasons = [signal.reason for signal in signals] + _no_assessment_reason(comparison)
    steps = _unique([step for signal in signals for step in signal.steps])[: NEXT_STEPS_MAX - 1]
    steps.append(STEP_RECHECK)
    return headline, reasons, steps


def _carry_on(
    *, span: str, answers: Mapping[str, Any], enjoyment: int, comparison: ReviewComparison | None
) -> tuple[str, list[str], list[str]]:
    reasons = [_enjoyment_reason(enjoyment)]
    energises = list(answers.get("energises") or [])
    people = [value for value in PEOPLE_SOURCES if value in energises]
    if people:
        reasons.append(f"The people side is what energises you: {joined(labels_of(people, ENERGY_SOURCES))}.")
    wants = answers.get("wants_next")
    if wants in WANTS_NEXT:
        reasons.append(f"What you want next: {WANTS_NEXT[wants].lower()}.")
    falling = []
    if comparison is not None and comparison.has_first:
        falling = [risk for risk in comparison.risks if risk.delta is not None and risk.delta < 0]
        if falling:
            moves = ", ".join(f"{risk.name} from {risk.then} to {risk.now}" for risk in falling)
            reasons.append(f"Your risks came down since your first assessment in the role: {moves}.")
        for risk in comparison.risks:
            if risk.delta is not None and risk.delta >= RISK_RISE:
                reasons.append(
                    f"Your {risk.name} risk rose from {risk.then} to {risk.now}: keep an eye on it in the "
                    "quarterly assessment."
                )
    reasons += _no_assessment_reason(comparison)
    trend = ", and your risks are coming down" if falling else ""
    headline = f"After {span} in the role, carry on: you enjoy the people side of the job{trend}."
    steps = [STEP_PEOPLE_FIRST, STEP_MORE_PEOPLE if wants == "more_people" else STEP_KEEP_SHAPE, STEP_KEEP_ASSESSING]
    return headline, reasons, steps


def recommend(*, year: int, answers: Mapping[str, Any], first: Outcome | None, latest: Outcome | None) -> ReviewOutcome:
    """The recommendation for a review year's typed answers and the first and latest assessment
    outcomes in the role (either None when there is none)."""
    if year not in REVIEW_YEARS:
        raise ValueError(f"a role review covers year 1, 2 or 3, not {year!r}")
    enjoyment = answers.get("enjoy_people")
    if not isinstance(enjoyment, int) or isinstance(enjoyment, bool) or not ENJOYMENT_MIN <= enjoyment <= ENJOYMENT_MAX:
        raise ValueError(f"enjoy_people must be a whole number from {ENJOYMENT_MIN} to {ENJOYMENT_MAX}")
    span = SPANS[year]
    comparison = compare_outcomes(first=first, latest=latest)
    latest_outcome = latest if latest is not None else first
    wants_ic = answers.get("wants_next") == "back_to_ic"

    if enjoyment <= LOW_ENJOYMENT or (wants_ic and enjoyment <= MIXED_ENJOYMENT):
        recommendation = MOVE_TO_IC
        headline, reasons, steps = _move_to_ic(span=span, answers=answers, enjoyment=enjoyment, comparison=comparison)
    else:
        signals = _rebalance_signals(answers=answers, enjoyment=enjoyment, comparison=comparison, latest=latest_outcome)
        if signals:
            recommendation = REBALANCE
            headline, reasons, steps = _rebalance(span=span, signals=signals, comparison=comparison)
        else:
            recommendation = CARRY_ON
            headline, reasons, steps = _carry_on(span=span, answers=answers, enjoyment=enjoyment, comparison=comparison)
    assert NEXT_STEPS_MIN <= len(steps) <= NEXT_STEPS_MAX, steps
    return ReviewOutcome(
        rules_version=RULES_VERSION,
        year=year,
        recommendation=recommendation,
        label=RECOMMENDATION_LABELS[recommendation],
        headline=headline,
        reasons=reasons,
        next_steps=steps,
        pendulum=PENDULUM_NOTES.get(year),
        comparison=comparison,
    )
