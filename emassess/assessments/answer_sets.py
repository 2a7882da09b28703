"""Complete answer sets described at a high level: how a manager spends their week, how often
they show each anti-pattern's behaviours, how often they keep up the practices.

Used by the demo data, the persona tests and the benchmarks, so that all three answer the real
questionnaire definition rather than a copy of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from emassess.assessments.engine import FREQUENCY_MAX, NOT_APPLICABLE, applies, questions_of, section_questions


@dataclass(frozen=True)
class AnswerProfile:
    week: dict[str, int]  # focus area slug -> percent
    role: str = "em"
    months: int = 18
    team_kind: str = "product"
    reports: int = 6
    paired_tech_lead: bool = False
    teams: int = 1
    codes: bool = True  # writes code; version 2 asks code-only questions only of those who do
    reviews: bool = True
    designs: bool = True
    tlm_statements: int = 2  # how many checklist statements resonate (the first N)
    behaviour: dict[str, int] = field(default_factory=dict)  # anti-pattern slug -> 0..4, default 1
    not_applicable: frozenset[str] = frozenset()  # question ids answered "does not apply to me"
    practice: int = 2  # 0..4 for every practice unless overridden
    practices: dict[str, int] = field(default_factory=dict)  # practice slug -> 0..4
    best_judgement: bool = True  # choose each scenario's best option, else one that leans to the worst habit
    energy: str = "people"
    comfort: str = "one_to_ones"
    management_feel: str = "the_work"
    overrides: dict[str, Any] = field(default_factory=dict)  # question id -> answer, applied last


def answers_for(definition: dict[str, Any], profile: AnswerProfile) -> dict[str, Any]:
    """Typed answers, as the engine takes them, for every question of the definition that applies
    to the profile (and only those: a manager is never asked the others)."""
    yes_no = {True: "yes", False: "no"}
    answers: dict[str, Any] = {
        "role.current": profile.role,
        "role.teams": profile.teams,
        "role.months": profile.months,
        "role.team_kind": profile.team_kind,
        "role.reports": profile.reports,
        "role.paired_tech_lead": yes_no[profile.paired_tech_lead],
        "role.codes": yes_no[profile.codes],
        "role.reviews": yes_no[profile.reviews],
        "role.designs": yes_no[profile.designs],
        "reflection.energy": profile.energy,
        "reflection.comfort": profile.comfort,
        "reflection.management_feel": profile.management_feel,
    }
    asked = questions_of(definition)
    answers = {qid: value for qid, value in answers.items() if qid in asked}
    for question in section_questions(definition, "week"):
        answers[question["id"]] = profile.week.get(question["area"], 0)
    for position, question in enumerate(section_questions(definition, "tlm_fit")):
        answers[question["id"]] = "yes" if position < profile.tlm_statements else "no"
    for question in section_questions(definition, "behaviours"):
        level = profile.behaviour.get(question["anti_pattern"], 1)
        answers[question["id"]] = FREQUENCY_MAX - level if question.get("reverse") else level
    for question in section_questions(definition, "practices"):
        answers[question["id"]] = profile.practices.get(question["practice"], profile.practice)
    worst = max(profile.behaviour, key=profile.behaviour.__getitem__) if profile.behaviour else ""
    for question in section_questions(definition, "judgement"):
        options = question["options"]
        if profile.best_judgement:
            chosen = max(options, key=lambda option: option["score"])
        else:
            leaning = [option for option in options if option.get("leans") == worst]
            chosen = leaning[0] if leaning else min(options, key=lambda option: option["score"])
        answers[question["id"]] = chosen["value"]
    for section in definition["sections"]:
        for question in section["questions"]:
            if question["kind"] == "text":
                answers[question["id"]] = ""
    for question_id in profile.not_applicable:
        answers[question_id] = NOT_APPLICABLE
    answers.update(profile.overrides)
    return {
        qid: value
        for qid, value in answers.items()
        if qid not in asked or asked[qid]["kind"] == "text" or applies(definition, asked[qid], answers)
    }


def as_posted(answers: dict[str, Any]) -> dict[str, str]:
    """The same answers as a browser would post them."""
    return {question_id: str(value) for question_id, value in answers.items()}
