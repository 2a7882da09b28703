"""The scoring engine: a pure function of a questionnaire version's definition and the answers.

No database, no clock, no randomness: the same definition and answers always give the same
outcome, which is stored as JSON on submit together with ENGINE_VERSION. The definition is
the published questionnaire joined with a snapshot of the framework (see questionnaire.py).
The engine scores every published version: what a version does not have (the role facts, the
advice rules, the fifth construct of version 2) simply does not come into play for it.

Scores are 0-100 as percent of the possible range: 100 x (raw - min) / (max - min), over the
items that apply to the person; a construct with fewer than MIN_APPLICABLE of them has no score.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from emassess.framework.rules import tlm_may_fit

ENGINE_VERSION = "2.0"

FREQUENCY_MAX = 4  # every five-point scale runs 0 to 4
NOT_APPLICABLE = "na"  # the answer "does not apply to me", on items that allow it
SCENARIO_MAX = 3
# Fewer applicable items than this and a construct says "not enough to say" instead of a number.
MIN_APPLICABLE = 3
PRACTICE_LIMIT = 5
KEEP_LIMIT = 4
SUMMARY_ACTIONS = 3
# Our calibration, not a finding: an EM who spends this share of the week coding works like a TLM
# (whose profile in framework.toml codes about 30%).
EM_CODING_LIMIT = 30
# Larson: managers of fewer than four tend to work as TLMs; six to eight reports is a full team.
FEW_REPORTS = 4
MANY_REPORTS_FOR_TLM = 8
ONE_YEAR_IN_MONTHS = 12
# Advice ranking: how much one step of an answer the practice directly remedies adds to its
# priority, beside the risk of the constructs it counters (our calibration).
ADDRESSED_WEIGHT = 10
# A practice the questionnaire did not ask about may already be a habit: rank it below one the
# manager said they rarely do.
UNASKED_RARITY = 0.5
ROLE_NAMES = {"em": "engineering manager", "tlm": "tech lead manager", "mom": "manager of managers"}
HELD_ARCHETYPE = {"tlm": "tlm", "mom": "lead-of-leads-em"}  # an EM is held to the closest of Kua's five
ELEVATED = ("watch", "high")  # the bands that call for a practice

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
    held_role: str  # "em", "tlm" or "mom"
    held_archetype: str
    closest_archetype: str
    gap: int  # fit points between the closest archetype and the role held
    coding_share: int
    kind: str  # "none", "tlm-works-as-em", "em-codes-like-tlm", "em-works-as-tlm", "mom-works-in-a-team"
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
    risk: int | None  # None: too few items applied to say
    band: str  # "low", "watch", "high", or "unknown" when there is no risk
    evidence: list[Evidence]  # every answer that raised the risk, strongest first
    scenarios: list[str]  # the scenarios whose chosen option leaned this way, by title
    applicable: int = 0  # items that counted
    left_out: int = 0  # items that did not apply or were answered "does not apply to me"
    ours: bool = False  # our own addition beyond the articles


@dataclass(frozen=True)
class PracticeAdvice:
    slug: str
    name: str
    how: str
    frequency: str  # the answer to the practice's own item, or "" when it was not asked
    counters: list[str]
    priority: int
    reason: str


@dataclass(frozen=True)
class KeepDoing:
    slug: str
    name: str
    frequency: str
    counters: list[str]
    reason: str


@dataclass(frozen=True)
class ScenarioChoice:
    question_id: str
    situation: str
    chosen: str
    score: int
    best: str
    note: str
    title: str = ""


@dataclass(frozen=True)
class Outcome:
    engine_version: str
    allocation: dict[str, float]
    archetypes: list[ArchetypeFit]  # best fit first
    closest: str
    role_gap: RoleGap
    tlm: TlmVerdict
    anti_patterns: list[AntiPatternRisk]  # in framework order
    practices: list[PracticeAdvice]  # most worth starting first; empty when nothing calls for one
    judgement: int | None
    scenarios: list[ScenarioChoice]
    energy: str
    comfort: str
    reflections: list[str]  # what the reflection answers suggest
    keep: list[KeepDoing] = field(default_factory=list)  # habits that already guard against a risk
    notes: list[str] = field(default_factory=list)  # context for the role: the first year, the teams
    summary: list[str] = field(default_factory=list)  # the story of the result, in a few sentences
    facts: dict[str, bool] = field(default_factory=dict)  # what applies to the person (see FACTS)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# What about the person decides which questions and which advice apply. A version without the
# question behind a fact (version 1 asked everyone everything) treats the fact as true.
FACTS: dict[str, Callable[[Answers], bool]] = {
    "codes": lambda answers: answers.get("role.codes", "yes") == "yes",
    "reviews": lambda answers: answers.get("role.reviews", "yes") == "yes",
    "designs": lambda answers: answers.get("role.designs", "yes") == "yes",
    "has_reports": lambda answers: _whole(answers.get("role.reports"), default=1) > 0,
}


def _whole(value: Any, *, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def facts_of(answers: Answers) -> dict[str, bool]:
    return {name: rule(answers) for name, rule in FACTS.items()}


def rule_applies(rule: Mapping[str, Any], answers: Answers) -> bool:
    """Whether a question or a practice fits this person: `roles` lists the roles it is for, and
    `applies_if` names facts, any of which will do."""
    if rule.get("roles") and answers.get("role.current") not in rule["roles"]:
        return False
    wanted = rule.get("applies_if") or []
    return not wanted or any(FACTS[name](answers) for name in wanted)


def applies(definition: Definition, question: Mapping[str, Any], answers: Answers) -> bool:
    """Whether a question is asked of this person. A practice's item is asked of those the practice
    is for (its advice rule), so the two never disagree."""
    if "practice" in question:
        return rule_applies(definition.get("advice", {}).get(question["practice"], {}), answers)
    return rule_applies(question, answers)


def questions_of(definition: Definition) -> dict[str, dict[str, Any]]:
    return {question["id"]: question for section in definition["sections"] for question in section["questions"]}


def section_questions(definition: Definition, slug: str) -> list[dict[str, Any]]:
    for section in definition["sections"]:
        if section["slug"] == slug:
            return section["questions"]
    raise KeyError(slug)


def labels_of(definition: Definition, question: Mapping[str, Any]) -> list[str]:
    """The answer labels of a frequency question: its own named scale, or the default one."""
    scale = question.get("scale")
    if scale:
        return definition["scales"][scale]["labels"]
    return definition["scale"]["labels"]


def not_applicable_label(definition: Definition) -> str:
    return definition["scale"].get("not_applicable", "Does not apply to me")


def answer_problems(definition: Definition, answers: Answers) -> dict[str, str]:
    """What is missing or out of range, by question id (empty when the answers can be scored).
    Questions that do not apply to the person need no answer."""
    problems: dict[str, str] = {}
    for question_id, question in questions_of(definition).items():
        value = answers.get(question_id)
        kind = question["kind"]
        if kind == "text":
            if value is not None and (not isinstance(value, str) or len(value) > question.get("max_length", 1000)):
                problems[question_id] = "too long"
            continue
        if not applies(definition, question, answers):
            continue
        if value is None or value == "":
            problems[question_id] = "missing"
        elif kind in ("choice", "scenario"):
            if value not in {option["value"] for option in question["options"]}:
                problems[question_id] = "not one of the options"
        elif kind == "yes_no":
            if value not in ("yes", "no"):
                problems[question_id] = "must be yes or no"
        elif kind == "frequency" and value == NOT_APPLICABLE:
            if not question.get("allow_na"):
                problems[question_id] = "this question has no “does not apply” answer"
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
    # A TLM is compared with the TLM profile, a manager of managers with the Lead of Leads EM,
    # an EM with the best fitting of Kua's five.
    held_slug = HELD_ARCHETYPE.get(held_role)
    held = by_slug[held_slug] if held_slug else next(fit for fit in fits if fit.slug != "tlm")
    gap = closest.fit - held.fit
    if held_role == "tlm" and closest.slug not in ("tlm", "tech-lead-em"):
        kind = "tlm-works-as-em"
        message = (
            f"Your title says tech lead manager, but your week looks most like a {closest.name}'s "
            f"({closest.fit}% overlap, against {held.fit}% for the TLM profile). Either the engineering "
            "half of the role has quietly gone, or the title no longer describes the job: worth a talk with "
            "your manager."
        )
    elif held_role == "mom" and closest.slug != "lead-of-leads-em":
        kind = "mom-works-in-a-team"
        message = (
            f"You manage managers, but your week looks most like a {closest.name}'s ({closest.fit}% overlap, "
            f"against {held.fit}% for the Lead of Leads profile): you may be doing a team lead's work for "
            "one of your teams. Ask whether that is a stopgap or has become the job."
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
        message = f"Your week fits the {ROLE_NAMES[held_role]} role you hold; you work closest to a {closest.name}."
    return RoleGap(held_role, held.slug, closest.slug, gap, coding_share, kind, message)


def tlm_verdict(definition: Definition, answers: Answers) -> TlmVerdict:
    items = section_questions(definition, "tlm_fit")
    resonating = [item["text"] for item in items if answers[item["id"]] == "yes"]
    may_fit = tlm_may_fit(resonating=len(resonating), total=len(items))
    context = []
    team_kind = answers["role.team_kind"]
    reports = answers["role.reports"]
    teams = answers.get("role.teams", 1)
    if team_kind == "infrastructure":
        context.append(
            "You lead an infrastructure team. In Christoph Nakazawa's experience the TLM role works better "
            "there, because colleagues who are engineers can usually wait a little for your part of the work."
        )
    elif team_kind == "product" and may_fit:
        context.append(
            "On a product team the TLM role tends to be harder: customer deadlines make it risky to have your "
            "own code on the critical path."
        )
    if teams > 1:
        context.append(
            f"You lead {teams} teams: the TLM role is built around one small team, so it rarely fits at this scope."
        )
    elif reports < FEW_REPORTS:
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


def band_of(risk: int | None, bands: Mapping[str, int]) -> str:
    if risk is None:
        return "unknown"
    if risk >= bands["high"]:
        return "high"
    if risk >= bands["watch"]:
        return "watch"
    return "low"


def towards_risk(item: Mapping[str, Any], value: int) -> int:
    """How far an answer points towards the trap, 0 to FREQUENCY_MAX (reverse items count down)."""
    return FREQUENCY_MAX - value if item.get("reverse") else value


def counted_items(definition: Definition, answers: Answers, slug: str) -> tuple[list[dict[str, Any]], int]:
    """A construct's behaviour items that count for this person, and how many were left out."""
    own = [item for item in section_questions(definition, "behaviours") if item["anti_pattern"] == slug]
    counted = [item for item in own if applies(definition, item, answers) and answers.get(item["id"]) != NOT_APPLICABLE]
    return counted, len(own) - len(counted)


def anti_pattern_risks(definition: Definition, answers: Answers) -> list[AntiPatternRisk]:
    """Risk = the mean of the construct's applicable behaviour items as percent of the scale,
    reverse-worded items counted from the other end; the evidence is every answer that added to it."""
    scenarios = [s for s in section_questions(definition, "judgement") if applies(definition, s, answers)]
    risks = []
    for anti_pattern in definition["framework"]["anti_patterns"]:
        counted, left_out = counted_items(definition, answers, anti_pattern["slug"])
        risk: int | None = None
        evidence: list[Evidence] = []
        if len(counted) >= MIN_APPLICABLE:
            maximum = FREQUENCY_MAX * len(counted)
            scored = [
                (towards_risk(item, answers[item["id"]]), position, item) for position, item in enumerate(counted)
            ]
            risk = round(100 * sum(points for points, *_ in scored) / maximum)
            evidence = [
                Evidence(
                    item["id"],
                    item["text"],
                    labels_of(definition, item)[answers[item["id"]]],
                    round(100 * points / maximum),
                )
                for points, _, item in sorted(scored, key=lambda entry: (-entry[0], entry[1]))
                if points > 0
            ]
        leaning = [
            scenario.get("title") or scenario["text"]
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
                applicable=len(counted),
                left_out=left_out,
                ours=anti_pattern.get("source") == "emassess",
            )
        )
    return risks


def _names(items: list[str]) -> str:
    """English list: "a", "a and b", "a, b and c"; with semicolons when an item has a comma of its own."""
    if len(items) == 1:
        return items[0]
    if any("," in item for item in items):
        return "; ".join(items[:-1]) + "; and " + items[-1]
    return ", ".join(items[:-1]) + " and " + items[-1]


# Conditions a practice's advice rule may require (questionnaire.toml, [advice.<slug>] requires).
Condition = Callable[["AdviceContext"], bool]


@dataclass(frozen=True)
class AdviceContext:
    answers: Answers
    facts: Mapping[str, bool]
    risks: Mapping[str, AntiPatternRisk]
    asked: Mapping[str, Any]  # practice slug -> the answer to its own item
    coding_share: int
    role_gap: RoleGap


def _healthy_one_to_ones(context: AdviceContext) -> bool:
    """Seed 004 offers skipping a round of 1:1s only to a TLM whose team is in good shape: the
    people side measured and low, and 1:1s that already happen prepared."""
    people = next((risk for risk in context.risks.values() if risk.ours), None)
    one_to_ones = context.asked.get("meaningful-one-to-ones")
    return people is not None and people.band == "low" and isinstance(one_to_ones, int) and one_to_ones >= 3


def _technical_load_without_partner(context: AdviceContext) -> bool:
    """Seed 003's partnership, for a manager carrying the technical leadership alone."""
    codes_a_lot = context.coding_share >= EM_CODING_LIMIT or context.role_gap.kind in (
        "em-codes-like-tlm",
        "em-works-as-tlm",
    )
    return context.answers.get("role.paired_tech_lead") == "no" and codes_a_lot


CONDITIONS: dict[str, Condition] = {
    "healthy_one_to_ones": _healthy_one_to_ones,
    "technical_load_without_partner": _technical_load_without_partner,
    "never": lambda context: False,  # not a habit to start (the yearly review has its own page)
}


def practice_advice(
    definition: Definition,
    answers: Answers,
    risks: list[AntiPatternRisk],
    *,
    coding_share: int,
    gap: RoleGap,
    team: Mapping[str, int] | None = None,
) -> tuple[list[PracticeAdvice], list[KeepDoing]]:
    """The practices worth starting, and the habits worth keeping.

    A practice is a candidate only if it applies to the person (their role and what they do) and
    counters a construct in the watch or high band; never one they already do most of the time.
    Priority = how rarely they do it x (the highest such risk + half the others), plus the weight of
    the answers it directly remedies. A habit done most of the time that counters a construct is
    worth keeping, and says which.

    `team` is the team's view, as data (construct slug -> 0-100, the released figures of the upward
    feedback, on the same scale and read by the same bands): a construct the team sees in the watch
    or high band where the self-view does not counts as elevated too, at the team's figure, and the
    reason says it is the team's view; each such trap has at least its best practice among those
    advised (see _with_the_teams_traps)."""
    facts = facts_of(answers)
    rules = definition.get("advice", {})
    risk_of = {risk.slug: risk for risk in risks}
    names = {anti_pattern["slug"]: anti_pattern["name"] for anti_pattern in definition["framework"]["anti_patterns"]}
    # What only the team sees: (slug, its figure, its band) where the self-view is low or unknown.
    team_sees = {
        slug: (score, band_of(score, definition["bands"]))
        for slug, score in (team or {}).items()
        if slug in names
        and band_of(score, definition["bands"]) in ELEVATED
        and (slug not in risk_of or risk_of[slug].band not in ELEVATED)
    }
    items = {
        item["practice"]: item
        for item in section_questions(definition, "practices")
        if applies(definition, item, answers)
    }
    asked = {slug: answers[item["id"]] for slug, item in items.items()}
    context = AdviceContext(answers, facts, risk_of, asked, coding_share, gap)
    questions = questions_of(definition)
    start: list[tuple[int, int, PracticeAdvice]] = []
    brought_by_team: dict[str, set[str]] = {}  # practice slug -> the traps only the team sees it counters
    keep: list[tuple[tuple[int, bool, int], KeepDoing]] = []
    for position, practice in enumerate(definition["framework"]["practices"]):
        rule = rules.get(practice["slug"], {})
        if not rule_applies(rule, answers):
            continue
        if rule.get("requires") and not CONDITIONS[rule["requires"]](context):
            continue
        countered = sorted(
            (risk_of[slug] for slug in practice["counters"] if slug in risk_of and risk_of[slug].risk is not None),
            key=lambda risk: -(risk.risk or 0),
        )
        elevated = [risk for risk in countered if risk.band in ELEVATED]
        seen_by_team = [(slug, *team_sees[slug]) for slug in practice["counters"] if slug in team_sees]
        value = asked.get(practice["slug"])
        if value == NOT_APPLICABLE:
            continue
        label = labels_of(definition, items[practice["slug"]])[value] if isinstance(value, int) else ""
        if isinstance(value, int) and value >= 3:
            if countered:
                guarded = _names([f"the {risk.name}" for risk in countered])
                reason = f"You do this {label.lower()}: it guards against {guarded}."
                # First the habits holding back the highest risk, then those looking after the people side.
                order = (-(countered[0].risk or 0), not any(risk.ours for risk in countered), position)
                keep.append((order, KeepDoing(practice["slug"], practice["name"], label, [r.name for r in countered],
                                              reason)))  # fmt: skip
            continue
        if not elevated and not seen_by_team:
            continue  # a healthy construct does not need new work
        if isinstance(value, int):
            rarity = (FREQUENCY_MAX - value) / FREQUENCY_MAX
        else:
            rarity = 1.0 if rule.get("requires") else UNASKED_RARITY
        levels = sorted(
            [*(risk.risk or 0 for risk in elevated), *(score for _, score, _ in seen_by_team)], reverse=True
        )
        top, *others = levels
        addressed = [
            (questions[qid], answers[qid])
            for qid in rule.get("addresses", [])
            if qid in questions and applies(definition, questions[qid], answers) and isinstance(answers.get(qid), int)
        ]
        addressed_points = sum(towards_risk(item, answer) for item, answer in addressed)
        priority = round(rarity * (top + sum(others) / 2))
        priority += ADDRESSED_WEIGHT * addressed_points
        against = _names(
            [f"the {risk.name} ({risk.risk}, {risk.band})" for risk in elevated]
            + [f"the {names[slug]} (your team sees {score}, {band})" for slug, score, band in seen_by_team]
        )
        if label:
            reason = f"You answered “{label}”, and it counters {against}."
        elif rule.get("requires") == "technical_load_without_partner":
            reason = (
                f"You spend {coding_share}% of your week coding with nobody else owning the technical leadership; "
                f"a technical partner counters {against}."
            )
        else:
            reason = f"It counters {against}."
        strongest = max(addressed, key=lambda entry: towards_risk(*entry), default=None)
        if strongest is not None and towards_risk(*strongest) >= 2:
            item, chosen = strongest
            reason += f" It speaks to your answer to “{item['text']}”: {labels_of(definition, item)[chosen]}."
        counters = [r.name for r in countered] + [names[slug] for slug, *_ in seen_by_team if slug not in risk_of]
        brought_by_team[practice["slug"]] = {slug for slug, *_ in seen_by_team}
        start.append((-priority, position, PracticeAdvice(practice["slug"], practice["name"], practice["how"], label,
                                                          counters, priority, reason)))  # fmt: skip
    ranked = [advice for *_, advice in sorted(start, key=lambda entry: entry[:2])]
    return (
        _with_the_teams_traps(ranked, brought_by_team, team_sees),
        [kept for _, kept in sorted(keep, key=lambda entry: entry[0])][:KEEP_LIMIT],
    )


def _with_the_teams_traps(
    ranked: list[PracticeAdvice], brought_by_team: Mapping[str, set[str]], team_sees: Mapping[str, Any]
) -> list[PracticeAdvice]:
    """The first PRACTICE_LIMIT practices, in which each trap only the team sees has its best one:
    it takes the place of the lowest-ranked practice that answers no such trap. (Its own answers
    rarely raise a practice's rank for a trap the manager does not see: without this, the team's
    view would seldom reach the list when the self-view fills it.)"""
    chosen = ranked[:PRACTICE_LIMIT]
    for slug in team_sees:
        if any(slug in brought_by_team[advice.slug] for advice in chosen):
            continue
        best = next((advice for advice in ranked if slug in brought_by_team[advice.slug]), None)
        if best is None:
            continue
        if len(chosen) >= PRACTICE_LIMIT:
            replaceable = [advice for advice in chosen if not brought_by_team[advice.slug]]
            if not replaceable:
                continue
            chosen.remove(replaceable[-1])
        chosen.append(best)
    return sorted(chosen, key=ranked.index)


def scenario_choices(definition: Definition, answers: Answers) -> tuple[int | None, list[ScenarioChoice]]:
    """Scenarios score best as one overall judgement (Whetzel & McDaniel), 0-100, over those that
    apply to the person (None when none does)."""
    scenarios = [s for s in section_questions(definition, "judgement") if applies(definition, s, answers)]
    choices = []
    total = 0
    for scenario in scenarios:
        options = {option["value"]: option for option in scenario["options"]}
        chosen = options[answers[scenario["id"]]]
        best = max(scenario["options"], key=lambda option: option["score"])
        total += chosen["score"]
        choices.append(
            ScenarioChoice(
                scenario["id"],
                scenario["text"],
                chosen["label"],
                chosen["score"],
                best["label"],
                chosen["note"],
                scenario.get("title", ""),
            )
        )
    if not scenarios:
        return None, choices
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
REFLECTION_ON_MANAGEMENT = {
    "the_work": "",
    "mixed": "",
    "overhead": (
        "Management felt like overhead in the way of the real work. Seed 000 sees that resentment as where "
        "the Weekend Warrior starts, and seed 002 asks whether the pull of the code is a way of avoiding the "
        "hard parts of managing: both worth a moment's honesty."
    ),
}


def role_notes(answers: Answers) -> list[str]:
    """Context for the role as it stands: the first year (seed 004), several teams."""
    notes = []
    months = answers["role.months"]
    if months < ONE_YEAR_IN_MONTHS:
        notes.append(
            f"You have been in this role for {months} month{'s' if months != 1 else ''}. Seed 004's advice is to "
            "give a management role at least a year, through several review cycles, before judging whether it "
            "suits you. The exception: if you find you do not enjoy managing people at all, moving back sooner "
            "is a sound choice, not a failure."
        )
    return notes


def result_summary(
    fits: list[ArchetypeFit],
    gap: RoleGap,
    tlm: TlmVerdict,
    risks: list[AntiPatternRisk],
    practices: list[PracticeAdvice],
    keep: list[KeepDoing],
) -> list[str]:
    """The story at the top of the result: archetype, role gap, TLM verdict and the first actions,
    joined in plain words."""
    closest = fits[0]
    story = [f"You work closest to a {closest.name}: {closest.fit}% of your week matches that profile."]
    works_like_tlm = closest.slug == "tlm" or gap.kind in ("em-codes-like-tlm", "em-works-as-tlm")
    statements = f"{tlm.resonating} of the {tlm.total} TLM statements"
    sound = "sounds" if tlm.resonating == 1 else "sound"
    if works_like_tlm and gap.held_role != "tlm" and not tlm.may_fit:
        story.append(
            f"You work like a tech lead manager, yet only {statements} {sound} like you, so the TLM role may not "
            "suit you. That tension, between the job you do and the job that fits you, is the thing to take to "
            "your manager."
        )
    elif gap.held_role == "tlm" and not tlm.may_fit:
        story.append(
            f"You hold a TLM role, but only {statements} {sound} like you: worth asking whether a people-focused "
            "EM role or a senior engineering role would suit you better."
        )
    elif gap.kind != "none":
        story.append(gap.message)
    elif tlm.may_fit and gap.held_role != "tlm":
        story.append(f"{statements.capitalize()} {sound} like you: the TLM role may suit you if you ever want it.")
    measured = [risk for risk in risks if risk.risk is not None]
    flagged = sorted((risk for risk in measured if risk.band != "low"), key=lambda risk: -(risk.risk or 0))
    if flagged:
        story.append(
            "Your answers point most towards "
            + _names([f"the {risk.name} ({risk.band})" for risk in flagged[:2]])
            + "."
        )
    elif measured:
        story.append("None of the traps stands out: your answers sit in the low band wherever we could tell.")
    if practices:
        story.append(
            "What to try first: " + _names([advice.name.lower() for advice in practices[:SUMMARY_ACTIONS]]) + "."
        )
    elif keep:
        story.append("Keep doing what works: " + _names([kept.name.lower() for kept in keep[:SUMMARY_ACTIONS]]) + ".")
    return story


def score(definition: Definition, answers: Answers, *, team: Mapping[str, int] | None = None) -> Outcome:
    """Score a complete set of answers against a questionnaire version's definition. With `team`
    (see practice_advice), the advice also answers the team's view: results are stored scored
    without it, and the result page works the team's view in when it has been released."""
    problems = answer_problems(definition, answers)
    if problems:
        raise InvalidAnswers(problems)
    allocation = normalised_allocation(definition, answers)
    fits = archetype_fits(definition, allocation)
    coding_share = round(allocation["hands_on_coding"])
    gap = role_gap(fits, answers["role.current"], coding_share)
    tlm = tlm_verdict(definition, answers)
    risks = anti_pattern_risks(definition, answers)
    practices, keep = practice_advice(definition, answers, risks, coding_share=coding_share, gap=gap, team=team)
    judgement, choices = scenario_choices(definition, answers)
    feel = REFLECTION_ON_MANAGEMENT.get(answers.get("reflection.management_feel", ""), "")
    return Outcome(
        engine_version=ENGINE_VERSION,
        allocation={area: round(share, 1) for area, share in allocation.items()},
        archetypes=fits,
        closest=fits[0].slug,
        role_gap=gap,
        tlm=tlm,
        anti_patterns=risks,
        practices=practices,
        judgement=judgement,
        scenarios=choices,
        energy=answers["reflection.energy"],
        comfort=answers["reflection.comfort"],
        reflections=[
            REFLECTION_ON_ENERGY[answers["reflection.energy"]],
            REFLECTION_ON_COMFORT[answers["reflection.comfort"]],
            *([feel] if feel else []),
        ],
        keep=keep,
        notes=role_notes(answers),
        summary=result_summary(fits, gap, tlm, risks, practices, keep),
        facts=facts_of(answers),
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
    judgement: Change | None
    closest_before: str
    closest_after: str
    # What one of the two results measured and the other did not (a construct added in a later
    # version, or one with too few applicable answers on either side): not compared.
    not_compared: list[str] = field(default_factory=list)


def compare(previous: Mapping[str, Any], current: Mapping[str, Any]) -> Comparison:
    """What moved between two stored outcomes (their to_json form): only what both measured."""

    def changes(key: str, value: str) -> list[Change]:
        before = {item["slug"]: item[value] for item in previous[key] if item[value] is not None}
        return [
            Change(item["slug"], item["name"], before[item["slug"]], item[value])
            for item in current[key]
            if item["slug"] in before and item[value] is not None
        ]

    risks = changes("anti_patterns", "risk")
    compared = {change.slug for change in risks}
    names = {item["slug"]: item["name"] for item in [*previous["anti_patterns"], *current["anti_patterns"]]}
    judgement = None
    if previous.get("judgement") is not None and current.get("judgement") is not None:
        judgement = Change("judgement", "Judgement in scenarios", previous["judgement"], current["judgement"])
    return Comparison(
        archetypes=changes("archetypes", "fit"),
        anti_patterns=risks,
        judgement=judgement,
        closest_before=previous["closest"],
        closest_after=current["closest"],
        not_compared=[name for slug, name in names.items() if slug not in compared],
    )
