"""The scoring engine: a pure function of a questionnaire version's definition and the answers.

No database, no clock, no randomness: the same definition and answers always give the same
outcome, which is stored as JSON on submit together with ENGINE_VERSION. The definition is
the published questionnaire joined with a snapshot of the framework (see questionnaire.py).

Scores are 0-100 as percent of the possible range: 100 x (raw - min) / (max - min).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from emassess.framework.rules import tlm_may_fit

ENGINE_VERSION = "1.0"

FREQUENCY_MAX = 4  # the five-point scale runs 0 (never) to 4 (almost always)
SCENARIO_MAX = 3
EVIDENCE_LIMIT = 3
PRACTICE_LIMIT = 5
# An EM who spends this share of the week coding works like a TLM (whose profile codes about 30%).
EM_CODING_LIMIT = 30
# Larson: managers of fewer than four tend to work as TLMs; six to eight reports is a full team.
FEW_REPORTS = 4
MANY_REPORTS_FOR_TLM = 8

Answers = Mapping[str, Any]
Definition = Mapping[str, Any]


class InvalidAnswers(ValueError):
    """The answers cannot be scored; `errors` maps question ids to what is wrong."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class ArchetypeFit:
    slug: str
    name: str
    fit: int  # 0-100: how much of the week overlaps the archetype's profile
    profile: dict[str, int]


@dataclass(frozen=True)
class RoleGap:
    held_role: str  # "em" or "tlm"
    held_archetype: str
    closest_archetype: str
    gap: int  # fit points between the closest archetype and the role held
    coding_share: int
    kind: str  # "none", "tlm-works-as-em", "em-codes-like-tlm", "em-works-as-tlm"
    message: str


@dataclass(frozen=True)
class TlmVerdict:
    resonating: int
    total: int
    may_fit: bool
    statements: list[str]  # the statements that resonated
    context: list[str]


@dataclass(frozen=True)
class Evidence:
    question_id: str
    text: str
    answer: str
    points: int  # how much this answer added to the risk


@dataclass(frozen=True)
class AntiPatternRisk:
    slug: str
    name: str
    summary: str
    risk: int
    band: str  # "low", "watch", "high"
    evidence: list[Evidence]
    scenarios: list[str]  # scenario choices that leaned this way


@dataclass(frozen=True)
class PracticeAdvice:
    slug: str
    name: str
    how: str
    frequency: str
    counters: list[str]
    priority: int
    reason: str


@dataclass(frozen=True)
class ScenarioChoice:
    question_id: str
    situation: str
    chosen: str
    score: int
    best: str
    note: str


@dataclass(frozen=True)
class Outcome:
    engine_version: str
    allocation: dict[str, float]
    archetypes: list[ArchetypeFit]  # best fit first
    closest: str
    role_gap: RoleGap
    tlm: TlmVerdict
    anti_patterns: list[AntiPatternRisk]  # in framework order
    practices: list[PracticeAdvice]  # most worth starting first
    judgement: int
    scenarios: list[ScenarioChoice]
    energy: str
    comfort: str
    reflections: list[str]  # what the reflection answers suggest

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def questions_of(definition: Definition) -> dict[str, dict[str, Any]]:
    return {question["id"]: question for section in definition["sections"] for question in section["questions"]}


def section_questions(definition: Definition, slug: str) -> list[dict[str, Any]]:
    for section in definition["sections"]:
        if section["slug"] == slug:
            return section["questions"]
    raise KeyError(slug)


def answer_problems(definition: Definition, answers: Answers) -> dict[str, str]:
    """What is missing or out of range, by question id (empty when the answers can be scored)."""
    problems: dict[str, str] = {}
    for question_id, question in questions_of(definition).items():
        value = answers.get(question_id)
        kind = question["kind"]
        if kind == "text":
            if value is not None and (not isinstance(value, str) or len(value) > question.get("max_length", 1000)):
                problems[question_id] = "too long"
            continue
        if value is None or value == "":
            problems[question_id] = "missing"
        elif kind in ("choice", "scenario"):
            if value not in {option["value"] for option in question["options"]}:
                problems[question_id] = "not one of the options"
        elif kind == "yes_no":
            if value not in ("yes", "no"):
                problems[question_id] = "must be yes or no"
        elif kind in ("integer", "percent", "frequency"):
            low, high = {
                "integer": (question.get("min", 0), question.get("max", 10**6)),
                "percent": (0, 100),
                "frequency": (0, FREQUENCY_MAX),
            }[kind]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                problems[question_id] = f"must be a whole number from {low} to {high}"
    week = section_questions(definition, "week")
    if not any(question["id"] in problems for question in week) and sum(answers[q["id"]] for q in week) <= 0:
        problems["week"] = "the week must add up to more than nothing"
    return problems


def normalised_allocation(definition: Definition, answers: Answers) -> dict[str, float]:
    """The week as percentages summing to 100, whatever total the answers had."""
    raw = {question["area"]: answers[question["id"]] for question in section_questions(definition, "week")}
    total = sum(raw.values())
    return {area: 100 * value / total for area, value in raw.items()}


def archetype_fits(definition: Definition, allocation: Mapping[str, float]) -> list[ArchetypeFit]:
    """Fit = the share of the week that overlaps the archetype's profile: the sum over areas of
    the smaller of the two percentages (100 = the same week, 0 = nothing in common)."""
    fits = []
    for archetype in definition["framework"]["archetypes"]:
        profile = archetype["profile"]
        overlap = sum(min(allocation[area], percent) for area, percent in profile.items())
        fits.append(ArchetypeFit(archetype["slug"], archetype["name"], round(overlap), dict(profile)))
    order = {fit.slug: index for index, fit in enumerate(fits)}
    return sorted(fits, key=lambda fit: (-fit.fit, order[fit.slug]))


def role_gap(fits: list[ArchetypeFit], held_role: str, coding_share: int) -> RoleGap:
    by_slug = {fit.slug: fit for fit in fits}
    closest = fits[0]
    # A TLM is compared with the TLM profile; an EM with the best fitting of Kua's five.
    held = by_slug["tlm"] if held_role == "tlm" else next(fit for fit in fits if fit.slug != "tlm")
    gap = closest.fit - held.fit
    if held_role == "tlm" and closest.slug not in ("tlm", "tech-lead-em"):
        kind = "tlm-works-as-em"
        message = (
            f"Your title says tech lead manager, but your week looks most like a {closest.name}'s "
            f"({closest.fit}% overlap, against {held.fit}% for the TLM profile). Either the engineering "
            "half of the role has quietly gone, or the title no longer describes the job: worth a talk with "
            "your manager."
        )
    elif held_role == "em" and coding_share >= EM_CODING_LIMIT:
        kind = "em-codes-like-tlm"
        message = (
            f"You hold an engineering manager role but spend {coding_share}% of your week coding: that is "
            "a tech lead manager's week. If nobody expects it, the people side is likely paying for it; if "
            "everybody does, your title may need to change."
        )
    elif held_role == "em" and closest.slug == "tlm":
        kind = "em-works-as-tlm"
        message = (
            f"You hold an engineering manager role, but your week looks most like a tech lead manager's "
            f"({closest.fit}% overlap, against {held.fit}% for the closest EM archetype): a mix of code, "
            "technical leadership and people work. Make sure that is a choice your manager shares."
        )
    else:
        kind = "none"
        role_name = "tech lead manager" if held_role == "tlm" else "engineering manager"
        message = f"Your week fits the {role_name} role you hold; you work closest to a {closest.name}."
    return RoleGap(held_role, held.slug, closest.slug, gap, coding_share, kind, message)


def tlm_verdict(definition: Definition, answers: Answers) -> TlmVerdict:
    items = section_questions(definition, "tlm_fit")
    resonating = [item["text"] for item in items if answers[item["id"]] == "yes"]
    may_fit = tlm_may_fit(resonating=len(resonating), total=len(items))
    context = []
    team_kind = answers["role.team_kind"]
    reports = answers["role.reports"]
    if team_kind == "infrastructure":
        context.append(
            "You lead an infrastructure team: TLM roles tend to work best there, because colleagues who "
            "are engineers can usually wait a little for your part of the work."
        )
    elif team_kind == "product" and may_fit:
        context.append(
            "On a product team the TLM role is harder: customer deadlines make it risky to have your own "
            "code on the critical path."
        )
    if reports < FEW_REPORTS:
        context.append(
            f"With {reports} direct report{'s' if reports != 1 else ''}, you are likely to drift into TLM "
            "work whatever your title: managers of fewer than four people often do (Will Larson)."
        )
    elif reports > MANY_REPORTS_FOR_TLM and may_fit:
        context.append(
            f"{reports} direct reports leave little room for the engineering half of a TLM role; a manager "
            "usually supports six to eight engineers on their own."
        )
    if answers["role.paired_tech_lead"] == "yes":
        context.append(
            "A tech lead or staff engineer shares the technical leadership with you: that partnership lets "
            "you put people first without the team losing technical direction."
        )
    return TlmVerdict(len(resonating), len(items), may_fit, resonating, context)


def band_of(risk: int, bands: Mapping[str, int]) -> str:
    if risk >= bands["high"]:
        return "high"
    if risk >= bands["watch"]:
        return "watch"
    return "low"


def anti_pattern_risks(definition: Definition, answers: Answers) -> list[AntiPatternRisk]:
    """Risk = the mean of the anti-pattern's behaviour items as percent of the scale, reverse-worded
    items counted from the other end; the evidence is the answers that added most."""
    labels = definition["scale"]["labels"]
    items = section_questions(definition, "behaviours")
    scenarios = section_questions(definition, "judgement")
    risks = []
    for anti_pattern in definition["framework"]["anti_patterns"]:
        own = [item for item in items if item["anti_pattern"] == anti_pattern["slug"]]
        scored = []
        for position, item in enumerate(own):
            value = answers[item["id"]]
            towards_risk = FREQUENCY_MAX - value if item.get("reverse") else value
            scored.append((towards_risk, position, item, value))
        maximum = FREQUENCY_MAX * len(own)
        risk = round(100 * sum(towards_risk for towards_risk, *_ in scored) / maximum)
        strongest = sorted((entry for entry in scored if entry[0] >= 2), key=lambda entry: (-entry[0], entry[1]))
        evidence = [
            Evidence(item["id"], item["text"], labels[value], round(100 * towards_risk / maximum))
            for towards_risk, _, item, value in strongest[:EVIDENCE_LIMIT]
        ]
        leaning = [
            scenario["text"]
            for scenario in scenarios
            for option in scenario["options"]
            if option["value"] == answers[scenario["id"]] and option.get("leans") == anti_pattern["slug"]
        ]
        risks.append(
            AntiPatternRisk(
                anti_pattern["slug"],
                anti_pattern["name"],
                anti_pattern["summary"],
                risk,
                band_of(risk, definition["bands"]),
                evidence,
                leaning,
            )
        )
    return risks


def practice_advice(definition: Definition, answers: Answers, risks: list[AntiPatternRisk]) -> list[PracticeAdvice]:
    """Practices worth starting: done sometimes or less, ranked by how rarely they are done times
    the highest risk among the anti-patterns they counter."""
    labels = definition["scale"]["labels"]
    risk_of = {risk.slug: risk for risk in risks}
    practices = {practice["slug"]: practice for practice in definition["framework"]["practices"]}
    advice = []
    for position, item in enumerate(section_questions(definition, "practices")):
        practice = practices[item["practice"]]
        frequency = answers[item["id"]]
        if frequency > 2:
            continue
        countered = sorted(
            (risk_of[slug] for slug in practice["counters"] if slug in risk_of), key=lambda risk: -risk.risk
        )
        top_risk = countered[0].risk if countered else 0
        priority = (FREQUENCY_MAX - frequency) * max(top_risk, 10)
        if countered and countered[0].band != "low":
            worst = countered[0]
            reason = (
                f"You answered “{labels[frequency]}”, and it counters the {worst.name} "
                f"(risk {worst.risk}, {worst.band})."
            )
        else:
            reason = f"You answered “{labels[frequency]}”: a habit worth building before you need it."
        advice.append(
            (
                -priority,
                position,
                PracticeAdvice(
                    practice["slug"],
                    practice["name"],
                    practice["how"],
                    labels[frequency],
                    [risk.name for risk in countered],
                    priority,
                    reason,
                ),
            )
        )
    return [entry for *_, entry in sorted(advice, key=lambda entry: entry[:2])][:PRACTICE_LIMIT]


def scenario_choices(definition: Definition, answers: Answers) -> tuple[int, list[ScenarioChoice]]:
    """Scenarios score best as one overall judgement (Whetzel & McDaniel), 0-100."""
    scenarios = section_questions(definition, "judgement")
    choices = []
    total = 0
    for scenario in scenarios:
        options = {option["value"]: option for option in scenario["options"]}
        chosen = options[answers[scenario["id"]]]
        best = max(scenario["options"], key=lambda option: option["score"])
        total += chosen["score"]
        choices.append(
            ScenarioChoice(
                scenario["id"], scenario["text"], chosen["label"], chosen["score"], best["label"], chosen["note"]
            )
        )
    return round(100 * total / (SCENARIO_MAX * len(scenarios))), choices


REFLECTION_ON_ENERGY = {
    "people": "Watching people grow is what energises you: that is the heart of an engineering manager's job.",
    "both": "People and code energise you alike: a TLM role can hold both, if the team's needs come first.",
    "code": (
        "Shipping code energises you more than people growing. If that is still true after a year in the "
        "role, the staff-engineer track may make you happier, and it is no step down."
    ),
}
REFLECTION_ON_COMFORT = {
    "oversight": "You feel most at home giving technical oversight: make sure it guides the team rather than gates it.",
    "coding": "You feel most at home writing code: keep it off the critical path so the team never waits for you.",
    "one_to_ones": "You feel most at home in one-to-ones: the part of management that is hardest to fake.",
}


def score(definition: Definition, answers: Answers) -> Outcome:
    """Score a complete set of answers against a questionnaire version's definition."""
    problems = answer_problems(definition, answers)
    if problems:
        raise InvalidAnswers(problems)
    allocation = normalised_allocation(definition, answers)
    fits = archetype_fits(definition, allocation)
    coding_share = round(allocation["hands_on_coding"])
    risks = anti_pattern_risks(definition, answers)
    judgement, choices = scenario_choices(definition, answers)
    return Outcome(
        engine_version=ENGINE_VERSION,
        allocation={area: round(share, 1) for area, share in allocation.items()},
        archetypes=fits,
        closest=fits[0].slug,
        role_gap=role_gap(fits, answers["role.current"], coding_share),
        tlm=tlm_verdict(definition, answers),
        anti_patterns=risks,
        practices=practice_advice(definition, answers, risks),
        judgement=judgement,
        scenarios=choices,
        energy=answers["reflection.energy"],
        comfort=answers["reflection.comfort"],
        reflections=[
            REFLECTION_ON_ENERGY[answers["reflection.energy"]],
            REFLECTION_ON_COMFORT[answers["reflection.comfort"]],
        ],
    )


@dataclass(frozen=True)
class Change:
    slug: str
    name: str
    before: int
    after: int

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class Comparison:
    archetypes: list[Change]
    anti_patterns: list[Change]
    judgement: Change
    closest_before: str
    closest_after: str


def compare(previous: Mapping[str, Any], current: Mapping[str, Any]) -> Comparison:
    """What moved between two stored outcomes (their to_json form), item by item present in both."""

    def changes(key: str, value: str) -> list[Change]:
        before = {item["slug"]: item[value] for item in previous[key]}
        return [
            Change(item["slug"], item["name"], before[item["slug"]], item[value])
            for item in current[key]
            if item["slug"] in before
        ]

    return Comparison(
        archetypes=changes("archetypes", "fit"),
        anti_patterns=changes("anti_patterns", "risk"),
        judgement=Change("judgement", "Judgement in scenarios", previous["judgement"], current["judgement"]),
        closest_before=previous["closest"],
        closest_after=current["closest"],
    )
