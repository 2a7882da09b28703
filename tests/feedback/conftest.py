"""Upward feedback: Alice's reports (Bob of the cast and more), and answering the survey for them."""

from __future__ import annotations

import datetime

import pytest

from emassess.feedback.services import response_submit
from tests import factories


def at(day: str) -> datetime.datetime:
    """Noon UTC on a day given as YYYY-MM-DD."""
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(12), tzinfo=datetime.UTC)


def answers_of(survey, level=1, **by_construct):
    """Every item answered `level` towards the trap (0..4, or "dont_know"), a construct's items at
    the level given for it: bottleneck_manager=4. Reverse items are answered from the other end,
    so `level` is always how much of the trap the answer shows."""
    answers = {}
    for item in survey.items:
        chosen = by_construct.get(item["construct"].replace("-", "_"), level)
        answers[item["id"]] = chosen if chosen == "dont_know" or not item.get("reverse") else 4 - chosen
    return answers


@pytest.fixture
def alices_reports(cast):
    """Bob and four more of Alice's reports (five in all)."""
    more = [
        factories.MembershipFactory(
            organisation=cast.acme, team=cast.alice.team, reports_to=cast.alice, user__email=f"r{n}@acme.test",
            user__full_name=f"Report {n}",
        )
        for n in range(2, 6)
    ]  # fmt: skip
    return [cast.bob, *more]


@pytest.fixture
def answer(survey):
    """answer(report, "2026-08-10", level=1, bottleneck_manager=4): the report answers the survey
    about their manager at noon UTC that day."""

    def make(report, day: str, level=1, **by_construct):
        return response_submit(report=report, answers=answers_of(survey, level, **by_construct), now=at(day))

    return make
