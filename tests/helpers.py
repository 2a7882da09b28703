"""What the tests share that is not a fixture: logging in as each role of the cast (tests/conftest.py),
weeks and answers to the questionnaire, answers to the role review, the day and the moments the
tests pin, and reading a page.

Fixtures live in the conftest files (tests/conftest.py for those of more than one folder). What
more than one folder needs is here: import it from here, not from another folder's conftest or
from another test module.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.urls import reverse

from emassess.assessments.answer_sets import AnswerProfile, answers_for, as_posted

# The one place the tests take the focus areas from. If the constant moves, change this import
# only (grep emassess/framework for FOCUS_AREA).
from emassess.framework.loading import FOCUS_AREA_SLUGS as FOCUS_AREAS

# ---------------------------------------------------------------------------------------------
# Who is asking

# The cast by role: Bob (report), Alice (manager), Carol (another Acme manager), Hana (HR), Gina
# (Globex's HR), Adam (org admin) and Sue (a superuser with no organisation).
ROLES = ["anonymous", "report", "manager", "other_manager", "hr", "other_org_hr", "org_admin", "superuser"]

LOGIN = "login"  # in an expectation: redirected to the login page, with ?next= the page asked for

# A manager's own things (a draft, a result, a review): Alice's to open; Carol finds nothing.
MANAGERS_ONLY_OWN = {
    "anonymous": LOGIN, "report": 403, "manager": 200, "other_manager": 404,
    "hr": 403, "other_org_hr": 403, "org_admin": 403, "superuser": 403,
}  # fmt: skip


def login_as(client, cast, role: str) -> None:
    """Log the test client in as the cast member playing `role` (one of ROLES; "anonymous" stays out)."""
    user = {
        "anonymous": None,
        "report": cast.bob.user,
        "manager": cast.alice.user,
        "other_manager": cast.carol.user,
        "hr": cast.hana.user,
        "other_org_hr": cast.gina.user,
        "org_admin": cast.adam.user,
        "superuser": cast.sue,
    }[role]
    if user is not None:
        client.force_login(user)


def assert_status(response, expected: int | str, url: str) -> None:
    """The response is the expected status, or with LOGIN the redirect to log in and come back to `url`."""
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"
    else:
        assert response.status_code == expected


# ---------------------------------------------------------------------------------------------
# The self-assessment


def week(**shares: int) -> dict[str, int]:
    """How a manager spends the week: focus area slug -> percent, adding up to 100.

    The default week is a people-first EM's: 40% people and team, 20% technical leadership, 10%
    each other area. Name the areas a test is about; together with the defaults they must still
    add up to 100, so a test says every number it changes: week(hands_on_coding=20, people_team=30).
    An area that is not one of the code's focus areas is an error, not a silent 0%.
    """
    chosen = dict.fromkeys(FOCUS_AREAS, 10) | {"technical_leadership": 20, "people_team": 40} | shares
    if set(chosen) != set(FOCUS_AREAS):
        raise ValueError(f"not focus areas: {sorted(set(chosen) - set(FOCUS_AREAS))}; they are {list(FOCUS_AREAS)}")
    if sum(chosen.values()) != 100:
        raise ValueError(f"the week adds up to {sum(chosen.values())}%, not 100%: {chosen}")
    return {area: chosen[area] for area in FOCUS_AREAS}


def answers_to(definition: dict[str, Any], **profile: Any) -> dict[str, Any]:
    """Typed answers (as the engine takes them) to every question of the definition, described as an
    AnswerProfile of these fields; its week is week() unless `week=` is given."""
    profile.setdefault("week", week())
    return answers_for(definition, AnswerProfile(**profile))


def posted_answers_to(definition: dict[str, Any], **profile: Any) -> dict[str, str]:
    """The same answers as a browser posts them (every value a string)."""
    return as_posted(answers_to(definition, **profile))


def step_url(assessment, step: int) -> str:
    return reverse("assessment_step", args=[assessment.public_id, step])


def section_data(version, step: int, answers: dict[str, str], action: str = "next") -> dict[str, str]:
    """What a step's page posts: only the questions it asks (those that apply to the manager)."""
    ids = [q["id"] for q in version.sections[step - 1]["questions"]]
    return {**{qid: answers[qid] for qid in ids if qid in answers}, "action": action}


def fill_all(client, assessment, version, answers: dict[str, str]):
    """Post every step of the questionnaire in turn; the last response."""
    response = None
    for step in range(1, len(version.sections) + 1):
        response = client.post(step_url(assessment, step), section_data(version, step, answers))
    return response


# ---------------------------------------------------------------------------------------------
# The role review


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


def posted_review(**overrides: Any) -> dict[str, Any]:
    """The same answers as the browser posts them, with the submit button; an override of None
    leaves that field out of the post."""
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


# ---------------------------------------------------------------------------------------------
# Time

TODAY = datetime.date(2026, 11, 21)  # in 2026-Q4; the day the dashboard and review tests pin


def at(day: str, hour: int = 12) -> datetime.datetime:
    """An aware UTC moment on a day: at("2026-10-20")."""
    return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=datetime.UTC)


# ---------------------------------------------------------------------------------------------
# Reading a page


def checked(page: str, name: str) -> list[str]:
    """The values of the checked inputs (radio buttons, tick boxes) called `name` on the page."""
    return re.findall(rf'name="{re.escape(name)}" value="([^"]*)"[^>]*\bchecked\b', page)
