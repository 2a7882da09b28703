"""Fixtures for the role review: assessment outcomes for the pure rules, submitted assessments
at chosen moments for the selectors and pages, and a day everything is pinned to."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from emassess.assessments.answer_sets import AnswerProfile, answers_for, as_posted
from emassess.assessments.services import assessment_start, assessment_submit

TODAY = datetime.date(2026, 11, 21)
NOON = datetime.time(12)
WEEK = {"hands_on_coding": 20, "technical_leadership": 20, "people_team": 30, "process_delivery": 10,
        "product": 10, "organisation": 10}  # fmt: skip

ANTI_PATTERNS = {
    "bottleneck-manager": "Bottleneck Manager",
    "weekend-warrior": "Weekend Warrior",
    "architect-in-exile": "Architect-in-Exile",
    "lgtm-machine": "LGTM Machine",
}
ARCHETYPES = {"tlm": "Tech Lead Manager (TLM)", "team-lead-em": "Team Lead EM", "tech-lead-em": "Tech Lead EM"}


def band(risk: int) -> str:
    return "high" if risk >= 65 else "watch" if risk >= 40 else "low"


def outcome(
    *, coding: int = 10, people: int = 40, closest: str = "team-lead-em", role: str = "em", **risks: int
) -> dict[str, Any]:
    """A stored assessment outcome with just what the review reads; risks by anti-pattern slug
    with underscores (weekend_warrior=60), 20 unless given."""
    by_slug = {slug.replace("_", "-"): value for slug, value in risks.items()}
    rest = 100 - coding - people
    return {
        "allocation": {"hands_on_coding": float(coding), "people_team": float(people), "process_delivery": float(rest)},
        "archetypes": [{"slug": slug, "name": name, "fit": 50} for slug, name in ARCHETYPES.items()],
        "closest": closest,
        "role_gap": {"held_role": role, "coding_share": coding},
        "anti_patterns": [
            {"slug": slug, "name": name, "risk": by_slug.get(slug, 20), "band": band(by_slug.get(slug, 20))}
            for slug, name in ANTI_PATTERNS.items()
        ],
    }


def review_answers(**overrides: Any) -> dict[str, Any]:
    """Typed answers of someone happy in the role; override what a test is about."""
    answers = {
        "enjoy_people": 4,
        "energises": ["people_growing", "one_to_ones"],
        "energises_other": "",
        "drains": ["incidents"],
        "drains_other": "",
        "give_up": ["none"],
        "wants_next": "keep",
        "notes": "",
    }
    return answers | overrides


def posted(**overrides: Any) -> dict[str, Any]:
    """The same answers as the browser posts them, with the submit button."""
    data = {
        "enjoy_people": "4",
        "energises": ["people_growing", "one_to_ones"],
        "energises_other": "",
        "drains": ["incidents"],
        "drains_other": "",
        "give_up": ["none"],
        "wants_next": "keep",
        "notes": "",
        "action": "submit",
    }
    return {key: value for key, value in (data | overrides).items() if value is not None}


@pytest.fixture
def pinned(time_machine):
    """The clock at noon UTC on TODAY, so anniversaries do not depend on when the tests run."""
    time_machine.move_to(datetime.datetime.combine(TODAY, NOON, tzinfo=datetime.UTC), tick=False)
    return TODAY


@pytest.fixture
def assessed(version):
    """assessed(manager, datetime.date(2026, 1, 10), week=..., behaviour=...): a submitted result on that day."""

    def make(manager, day: datetime.date, **profile):
        draft = assessment_start(manager=manager)
        profile.setdefault("week", WEEK)
        draft.answers = as_posted(answers_for(version.definition, AnswerProfile(**profile)))
        draft.save()
        moment = datetime.datetime.combine(day, NOON, tzinfo=datetime.UTC)
        return assessment_submit(assessment=draft, now=moment)

    return make
