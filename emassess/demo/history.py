"""Past quarterly assessments for the demo managers, so trends and deltas show on first login.

Each demo manager gets a short history that tells a story (a TLM climbing out of weekend
coding, a TLM drifting into delivery work...). Their current quarter is left open for them.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from emassess.assessments.answer_sets import AnswerProfile, answers_for, as_posted
from emassess.assessments.questionnaire import current_version
from emassess.assessments.services import assessment_start, assessment_submit
from emassess.demo.organisations import DEMO_ORGANISATIONS
from emassess.framework.loading import ANTI_PATTERN_SLUGS, FOCUS_AREA_SLUGS
from emassess.orgs.models import Membership


def week(*shares: int) -> dict[str, int]:
    """A week in the framework's order of focus areas: coding, technical leadership, people,
    process and delivery, product, organisation."""
    assert sum(shares) == 100, shares
    return dict(zip(FOCUS_AREA_SLUGS, shares, strict=True))


def habits(bottleneck: int, weekend: int, architect: int, lgtm: int, out_of_reach: int = 1) -> dict[str, int]:
    """How often (0-4) a manager shows each construct's behaviours, in the framework's order."""
    return dict(zip(ANTI_PATTERN_SLUGS, (bottleneck, weekend, architect, lgtm, out_of_reach), strict=True))


# Oldest first; the last one is last quarter.
DEMO_HISTORIES: dict[str, list[AnswerProfile]] = {
    # Tomás, TLM of an infrastructure team: coding nights and weekends a year ago, getting better.
    "tlm@acme.test": [
        AnswerProfile(role="tlm", team_kind="infrastructure", reports=3, week=week(45, 20, 15, 10, 5, 5),
                      tlm_statements=4, behaviour=habits(3, 4, 1, 2), practice=1, best_judgement=False,
                      energy="code", comfort="coding"),
        AnswerProfile(role="tlm", team_kind="infrastructure", reports=3, week=week(40, 20, 20, 10, 5, 5),
                      tlm_statements=4, behaviour=habits(3, 3, 1, 2), practice=2, best_judgement=False,
                      energy="both", comfort="coding"),
        AnswerProfile(role="tlm", team_kind="infrastructure", reports=3, week=week(30, 25, 25, 10, 5, 5),
                      tlm_statements=4, behaviour=habits(2, 2, 1, 1), practice=2, energy="both", comfort="coding"),
    ],
    # Emma, EM of a product team: a Team Lead EM whose reviewing habit is creeping up.
    "em@acme.test": [
        AnswerProfile(role="em", reports=6, week=week(0, 15, 45, 20, 10, 10), tlm_statements=1, codes=False,
                      behaviour=habits(1, 0, 1, 1, 0), practice=3),
        AnswerProfile(role="em", reports=6, week=week(5, 20, 40, 15, 10, 10), tlm_statements=1,
                      behaviour=habits(2, 0, 1, 1), practice=3),
        AnswerProfile(role="em", reports=6, week=week(5, 25, 35, 15, 10, 10), tlm_statements=2,
                      behaviour=habits(3, 1, 1, 1), practice=2, practices={"advisory-code-review": 1},
                      best_judgement=False),
    ],
    # Priya, five months in: one assessment so far.
    "priya@acme.test": [
        AnswerProfile(role="em", team_kind="data", reports=4, months=2, week=week(15, 25, 30, 15, 10, 5),
                      tlm_statements=3, behaviour=habits(2, 1, 2, 1), practice=2, energy="both"),
    ],
    # Marco, a TLM whose week has drifted into process and stakeholders.
    "marco@acme.test": [
        AnswerProfile(role="tlm", reports=2, week=week(25, 25, 20, 15, 10, 5), tlm_statements=4,
                      behaviour=habits(1, 2, 1, 1), practice=2, energy="both"),
        AnswerProfile(role="tlm", reports=2, week=week(10, 20, 20, 35, 10, 5), tlm_statements=3,
                      behaviour=habits(1, 1, 2, 2, 2), practice=2, energy="people"),
    ],
    "lena@globex.test": [
        AnswerProfile(role="em", reports=5, week=week(0, 10, 30, 20, 35, 5), behaviour=habits(1, 0, 2, 1),
                      codes=False, practice=3),
        AnswerProfile(role="em", reports=5, week=week(0, 10, 25, 20, 40, 5), behaviour=habits(1, 0, 3, 1),
                      codes=False, practice=2, practices={"pair-on-hard-problems": 0}),
    ],
    "kai@globex.test": [
        AnswerProfile(role="tlm", team_kind="infrastructure", reports=3, week=week(35, 30, 20, 5, 5, 5),
                      tlm_statements=5, behaviour=habits(2, 1, 0, 0), practice=3, energy="both"),
    ],
}  # fmt: skip


GENERATED_QUARTERS = 6


def generated_history(email: str, quarters: int) -> list[AnswerProfile]:
    """A plausible, repeatable history for a demo manager without a written one: a rough
    archetype, habits drifting a little each quarter, and now and then a missed quarter."""
    rng = random.Random(email)
    base = rng.choice([
        week(0, 15, 45, 20, 10, 10), week(5, 20, 35, 20, 10, 10), week(15, 35, 25, 10, 10, 5),
        week(0, 10, 25, 45, 15, 5), week(0, 10, 20, 20, 45, 5), week(30, 25, 25, 10, 5, 5),
    ])  # fmt: skip
    # Most managers show most traps rarely; about one in four leans into any one of them (level 2
    # is the watch band), so the dashboards look like an organisation, not a crisis.
    levels = {slug: rng.choice((0, 0, 1, 1, 1, 1, 2, 3)) for slug in habits(0, 0, 0, 0)}
    codes = base["hands_on_coding"] > 0
    history = []
    for _ in range(quarters):
        levels = {slug: min(3, max(0, level + rng.choice((-1, 0, 0, 0, 1)))) for slug, level in levels.items()}
        history.append(
            AnswerProfile(
                role="tlm" if base["hands_on_coding"] >= 30 else "em",
                codes=codes,
                reviews=codes or base["technical_leadership"] >= 15,
                week=base,
                reports=rng.randint(2, 8),
                tlm_statements=rng.randint(1, 5),
                behaviour=dict(levels),
                practice=rng.randint(1, 3),
                best_judgement=rng.random() < 0.6,
                energy=rng.choice(("people", "people", "both", "code")),
            )
        )
    return history


def quarter_start(day: datetime.date, quarters_back: int) -> datetime.date:
    index = day.year * 4 + (day.month - 1) // 3 - quarters_back
    return datetime.date(index // 4, (index % 4) * 3 + 1, 1)


def demo_manager_emails() -> list[str]:
    return [manager.email for organisation in DEMO_ORGANISATIONS for manager in organisation.managers]


@transaction.atomic
def load_demo_assessments(*, today: datetime.date) -> int:
    """Submit each demo manager's history, once: managers who have any assessment are left alone.
    Returns how many assessments were created."""
    version = current_version()
    if version is None:
        return 0
    created = 0
    managers = Membership.objects.filter(role=Membership.Role.MANAGER, user__email__in=demo_manager_emails())
    for position, manager in enumerate(managers.select_related("user", "organisation").order_by("user__email")):
        if manager.assessments.exists():
            continue
        quarters_in_role = min(GENERATED_QUARTERS, max(1, (manager.months_in_role(today) or 0) // 3))
        written = manager.user.email in DEMO_HISTORIES
        profiles = (
            DEMO_HISTORIES[manager.user.email] if written else generated_history(manager.user.email, quarters_in_role)
        )
        # A past quarter missed now and then (never the current one), for the overdue lists.
        skipped = random.Random(manager.user.email).randrange(1, len(profiles) + 2)
        # The written stories leave this quarter open for whoever logs in; two in three of the
        # others have already done theirs, so the current quarter's dashboard is not empty.
        done_this_quarter = not written and position % 3 != 2
        offsets = range(len(profiles) - 1, -1, -1) if done_this_quarter else range(len(profiles), 0, -1)
        for quarters_back, profile in zip(offsets, profiles, strict=True):
            if quarters_back == skipped and not written:
                continue
            opened = quarter_start(today, quarters_back)
            submitted = min(opened + datetime.timedelta(days=40), today - datetime.timedelta(days=1))
            draft = assessment_start(manager=manager)
            draft.answers = as_posted(answers_for(version.definition, profile))
            draft.save(update_fields=["answers"])
            moment = datetime.datetime.combine(max(submitted, opened), datetime.time(10), tzinfo=datetime.UTC)
            assessment_submit(assessment=draft, now=moment)
            created += 1
    return created
