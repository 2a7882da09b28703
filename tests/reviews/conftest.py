"""Fixtures for the role review: assessment outcomes for the pure rules, submitted assessments
at chosen moments for the selectors and pages, and the clock pinned to TODAY. The review's
answers, typed and posted, are in tests/helpers.py."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.helpers import TODAY, week

NOON = datetime.time(12)
# The reviews' managers code a little more than the default week: 20% coding, 30% people.
REVIEWED_WEEK = week(hands_on_coding=20, people_team=30)

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


@pytest.fixture
def pinned(time_machine):
    """The clock at noon UTC on TODAY, so anniversaries do not depend on when the tests run."""
    time_machine.move_to(datetime.datetime.combine(TODAY, NOON, tzinfo=datetime.UTC), tick=False)
    return TODAY


@pytest.fixture
def assessed(submit_on):
    """assessed(manager, datetime.date(2026, 1, 10), week=..., behaviour=...): a result submitted at
    noon UTC that day, on REVIEWED_WEEK unless another week is given."""

    def make(manager, day: datetime.date, **profile):
        profile.setdefault("week", REVIEWED_WEEK)
        return submit_on(manager, day, **profile)

    return make
